internal import Foundation
public import LibraryModel

/// What the matcher needs to know of a library song.
public struct MatchableSong: Sendable, Hashable {
    public var id: String
    public var title: String
    public var artist: String
    public var album: String
    /// Seconds.
    public var duration: Double?

    public init(id: String, title: String, artist: String, album: String, duration: Double? = nil) {
        self.id = id
        self.title = title
        self.artist = artist
        self.album = album
        self.duration = duration
    }

    public init(_ song: Song) {
        self.init(id: song.id, title: song.title, artist: song.artist, album: song.album, duration: song.duration)
    }
}

/// Finds the library song a playlist entry or an imported listen means. Built once over the library
/// (dictionaries keyed by folded text), then each entry costs a few hash look-ups.
public struct SongMatcher: Sendable {
    /// What breaks ties between songs with the same artist and title.
    private struct Candidate: Sendable {
        var id: String
        var album: String
        var duration: Double?
    }

    private let knownIDs: Set<String>
    private let candidates: [Candidate]
    private let byArtistAndTitle: [String: [Int]]
    private let byTitle: [String: [Int]]

    public init(_ songs: [MatchableSong]) {
        // Artists and albums repeat across songs; folding each once is most of the building's cost saved.
        var folded: [String: String] = [:]
        func foldRepeated(_ text: String) -> String {
            if let known = folded[text] { return known }
            let key = MatchKey.fold(text)
            folded[text] = key
            return key
        }
        var knownIDs = Set<String>(minimumCapacity: songs.count)
        var candidates: [Candidate] = []
        candidates.reserveCapacity(songs.count)
        var byArtistAndTitle = [String: [Int]](minimumCapacity: songs.count)
        var byTitle = [String: [Int]](minimumCapacity: songs.count)
        for song in songs where knownIDs.insert(song.id).inserted {
            let index = candidates.count
            candidates.append(Candidate(id: song.id, album: foldRepeated(song.album), duration: song.duration))
            let title = MatchKey.fold(song.title)
            guard !title.isEmpty else { continue }
            byTitle[title, default: []].append(index)
            let artist = foldRepeated(song.artist)
            if !artist.isEmpty { byArtistAndTitle[MatchKey.join(artist, title), default: []].append(index) }
        }
        self.knownIDs = knownIDs
        self.candidates = candidates
        self.byArtistAndTitle = byArtistAndTitle
        self.byTitle = byTitle
    }

    /// By id (the entry's songID, or an id found in its location: the last path component of a URL or
    /// path, without extension, percent-decoded, when it is a known song id — this covers TermPlayer
    /// `/media/<id>.mp3` URLs and exported files), else by artist + title folded with `SearchKey.fold`
    /// (case, accents and width folded) and with surrounding whitespace trimmed; when several songs share
    /// artist + title, prefer the same album, then the closest duration, then the smallest id. Without an
    /// artist, a title that matches exactly one song matches (or exactly one song of the entry's album).
    public func match(
        songID: String?, location: String?, artist: String?, title: String?, album: String?, duration: Double?
    ) -> String? {
        if let songID = songID.map({ String(TextFields.trimmed($0)) }), knownIDs.contains(songID) { return songID }
        if let location, let id = id(inLocation: location) { return id }
        guard let title = title.map(MatchKey.fold), !title.isEmpty else { return nil }
        let album = album.map(MatchKey.fold).flatMap { $0.isEmpty ? nil : $0 }
        if let artist = artist.map(MatchKey.fold), !artist.isEmpty {
            guard let indices = byArtistAndTitle[MatchKey.join(artist, title)] else { return nil }
            return best(of: indices, album: album, duration: duration)
        }
        guard let indices = byTitle[title] else { return nil }
        if indices.count == 1 { return candidates[indices[0]].id }
        guard let album else { return nil }
        let sameAlbum = indices.filter { candidates[$0].album == album }
        return sameAlbum.count == 1 ? candidates[sameAlbum[0]].id : nil
    }

    public func match(_ entry: PlaylistFileEntry) -> String? {
        match(
            songID: entry.songID, location: entry.location, artist: entry.artist, title: entry.title,
            album: entry.album, duration: entry.duration)
    }

    public func match(_ listen: ImportedListen) -> String? {
        match(songID: listen.songId, location: nil, artist: listen.artist, title: listen.title, album: listen.album, duration: nil)
    }

    /// The same album first, then the closest duration (a song without one is farthest), then the smallest id.
    private func best(of indices: [Int], album: String?, duration: Double?) -> String? {
        if indices.count == 1 { return candidates[indices[0]].id }
        func rank(_ candidate: Candidate) -> (otherAlbum: Int, distance: Double) {
            let distance = duration.flatMap { wanted in candidate.duration.map { abs($0 - wanted) } } ?? .infinity
            return (album != nil && candidate.album != album ? 1 : 0, distance.isNaN ? .infinity : distance)
        }
        var bestCandidate: (candidate: Candidate, rank: (otherAlbum: Int, distance: Double))?
        for index in indices {
            let candidate = candidates[index]
            let candidateRank = rank(candidate)
            guard let current = bestCandidate else {
                bestCandidate = (candidate, candidateRank)
                continue
            }
            if (candidateRank.otherAlbum, candidateRank.distance, candidate.id) < (current.rank.otherAlbum, current.rank.distance, current.candidate.id) {
                bestCandidate = (candidate, candidateRank)
            }
        }
        return bestCandidate?.candidate.id
    }

    /// The last path component of a URL or path (query and fragment of a URL cut off), percent-decoded,
    /// with its extension or without, when that is a known id; or the id of a `termplayer:song:` URI.
    private func id(inLocation location: String) -> String? {
        let trimmed = TextFields.trimmed(location)
        if let id = PlaylistText.songID(inURI: String(trimmed)), knownIDs.contains(id) { return id }
        var path = trimmed[...]
        if trimmed.contains("://"), let end = trimmed.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            path = trimmed[..<end]
        }
        let component = path.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        guard !component.isEmpty else { return nil }
        let decoded = component.removingPercentEncoding ?? component
        if let dot = decoded.lastIndex(of: "."), dot != decoded.startIndex {
            let stem = String(decoded[..<dot])
            if knownIDs.contains(stem) { return stem }
        }
        return knownIDs.contains(decoded) ? decoded : nil
    }
}

/// The form artists, titles and albums are compared in: `SearchKey.fold` of the trimmed text, with every
/// kind of space read as a plain one (the fold leaves an ideographic space as it is).
enum MatchKey {
    static func fold(_ text: String) -> String {
        let trimmed = TextFields.trimmed(text)
        // ASCII folds to its lower case; Foundation's folding is the costly part of building a matcher.
        let folded = trimmed.utf8.allSatisfy { $0 < 0x80 } ? trimmed.lowercased() : SearchKey.fold(String(trimmed))
        guard folded.unicodeScalars.contains(where: { $0 != " " && $0.properties.isWhitespace }) else { return folded }
        var spaced = ""
        spaced.unicodeScalars.append(contentsOf: folded.unicodeScalars.map { $0.properties.isWhitespace ? " " : $0 })
        return String(TextFields.trimmed(spaced))
    }

    /// Artist and title in one key; U+001F (unit separator) appears in neither once fields are cleaned.
    static func join(_ artist: String, _ title: String) -> String {
        artist + "\u{1F}" + title
    }
}
