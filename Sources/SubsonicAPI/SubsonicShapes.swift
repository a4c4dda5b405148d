import Catalog
import Foundation
import LibraryModel

/// The catalog's songs, albums and artists as Subsonic elements, with every field strict clients need
/// (Strawberry skips a song without size, suffix, duration or type; Feishin's types expect contentType,
/// path, created, discNumber, isVideo and parent), in real JSON types.
enum SubsonicShapes {
    /// A song as a `Child`. `marks` are the caller's, when read.
    static func song(_ track: TrackRecord, marks: SongMarks?, name: String = "song") -> SubsonicElement {
        var element = SubsonicElement(name)
        songFields(track, marks: marks, into: &element)
        return element
    }

    /// A song's fields, into an element or straight into an answer's bytes (`SongEntries`).
    static func songFields(_ track: TrackRecord, marks: SongMarks?, into element: inout some SubsonicFields) {
        let song = track.song
        let albumID = SubsonicIDs.album(artistKey: track.artistKey, albumKey: track.albumKey)
        element.set("id", song.id.rawValue)
        element.set("parent", albumID)
        element.set("isDir", false)
        element.set("title", song.title)
        element.set("album", song.album)
        element.set("artist", song.artist)
        element.set("track", track.track)
        element.set("year", song.year)
        element.set("genre", song.genreName)
        element.set("coverArt", song.coverKey == nil ? nil : song.id.rawValue)
        element.set("size", song.size)
        element.set("contentType", song.audioKey.part.contentType)
        element.set("suffix", song.audioKey.part.fileExtension)
        element.set("duration", Int(song.duration.rounded()))
        element.set("bitRate", song.bitrate)
        element.set("path", path(song))
        element.set("discNumber", 1)
        element.set("created", song.createdAt)
        element.set("albumId", albumID)
        element.set("artistId", SubsonicIDs.artist(key: track.artistKey))
        element.set("type", "music")
        element.set("isVideo", false)
        // OpenSubsonic's additions.
        element.set("mediaType", "song")
        element.set("samplingRate", song.sampleRate)
        element.set("channelCount", song.channels)
        if let marks {
            element.set("starred", marks.likedAt)
            element.set("userRating", marks.rating > 0 ? marks.rating : nil)
            element.set("playCount", marks.plays)
            element.set("played", marks.lastPlayed)
        }
        var genre = SubsonicElement("genres")
        genre.set("name", song.genreName)
        element.list("genres", [genre])
    }

    /// `Artist/Album/Title.mp3`, relative, with no `/` taken from the tags (DSub reads a `/` as a folder).
    static func path(_ song: SongRecord) -> String {
        func part(_ text: String) -> String {
            text.utf8.contains(UInt8(ascii: "/")) ? text.replacingOccurrences(of: "/", with: "_") : text
        }
        return "\(part(song.artist))/\(part(song.album))/\(part(song.title)).\(song.audioKey.part.fileExtension)"
    }

    /// An album as an `AlbumID3` (`getAlbum`, `getAlbumList2`, `search3`).
    static func album(_ album: AlbumIndex.Album, starred: Date? = nil, name: String = "album") -> SubsonicElement {
        let summary = album.summary
        var element = SubsonicElement(name)
        element.set("id", album.id)
        element.set("name", summary.name)
        element.set("artist", summary.artist)
        element.set("artistId", album.artistID)
        element.set("coverArt", summary.coverSongID)
        element.set("songCount", summary.songCount)
        element.set("duration", Int(summary.duration.rounded()))
        element.set("created", summary.createdAt)
        element.set("year", summary.year)
        element.set("genre", summary.genre)
        element.set("starred", starred)
        return element
    }

    /// An album as a directory `Child` (`getMusicDirectory`, `getAlbumList`, `search2`).
    static func albumDirectory(_ album: AlbumIndex.Album, starred: Date? = nil, name: String = "album") -> SubsonicElement {
        let summary = album.summary
        var element = SubsonicElement(name)
        element.set("id", album.id)
        element.set("parent", album.artistID)
        element.set("isDir", true)
        element.set("title", summary.name)
        element.set("album", summary.name)
        element.set("artist", summary.artist)
        element.set("year", summary.year)
        element.set("genre", summary.genre)
        element.set("coverArt", summary.coverSongID)
        element.set("duration", Int(summary.duration.rounded()))
        element.set("created", summary.createdAt)
        element.set("albumId", album.id)
        element.set("artistId", album.artistID)
        element.set("starred", starred)
        return element
    }

    /// An artist as an `ArtistID3`, or (not `id3`) as the folder-based `Artist` of getIndexes, search2 and
    /// getStarred, which has no album count or cover in the 1.16.1 schema.
    static func artist(_ artist: AlbumIndex.Artist, starred: Date? = nil, id3: Bool = true, name: String = "artist") -> SubsonicElement {
        var element = SubsonicElement(name)
        element.set("id", artist.id)
        element.set("name", artist.name)
        if id3 {
            element.set("albumCount", artist.albumIDs.count)
            element.set("coverArt", artist.coverSongID)
        }
        element.set("starred", starred)
        return element
    }

    /// Articles an index files names without ("The Beatles" under B), as `ignoredArticles` reports them.
    static let ignoredArticles = ["The", "El", "La", "Los", "Las", "Le", "Les"]

    /// Artists under their index letters: A–Z, and `#` for the rest, in the order the letters sort.
    static func indexes(_ artists: [AlbumIndex.Artist], id3: Bool) -> [SubsonicElement] {
        var groups: [String: [AlbumIndex.Artist]] = [:]
        for artist in artists { groups[indexLetter(artist.name), default: []].append(artist) }
        return groups.keys.sorted { ($0 == "#" ? 1 : 0, $0) < ($1 == "#" ? 1 : 0, $1) }.map { letter in
            var index = SubsonicElement("index")
            index.set("name", letter)
            let members = (groups[letter] ?? []).sorted { sortName($0.name) < sortName($1.name) }
            index.add(list: "artist", members.map { artist($0, id3: id3) })
            return index
        }
    }

    /// A name without a leading article, folded: what an index sorts by.
    static func sortName(_ name: String) -> String {
        let folded = SearchKey.fold(name)
        for article in ignoredArticles {
            let prefix = SearchKey.fold(article) + " "
            if folded.hasPrefix(prefix), folded.count > prefix.count { return String(folded.dropFirst(prefix.count)) }
        }
        return folded
    }

    static func indexLetter(_ name: String) -> String {
        guard let first = sortName(name).unicodeScalars.first, ("a"..."z").contains(first) else { return "#" }
        return String(first).uppercased()
    }
}
