import LibraryModel

/// Builds absolute URLs for objects, as the `file` and `image` fields need them.
public struct MediaLinks: Sendable {
    /// Set when the service sits behind a proxy: "https://music.example.com". Otherwise URLs point at the
    /// host the client reached (its `Host` header).
    public var publicBaseURL: String?

    public init(publicBaseURL: String? = nil) {
        self.publicBaseURL = publicBaseURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }

    func baseURL(host: String?, fallbackHost: String) -> String {
        if let publicBaseURL { return publicBaseURL }
        return "http://\(host ?? fallbackHost)"
    }

    func url(for key: ObjectKey, base: String) -> String { base + APIPath.media(key) }
}

/// Writes songs in the `/songs` shape straight from catalog records, without `Encodable`, because a
/// 100,000-song listing has to stream in well under a second.
enum SongJSON {
    static func append(_ song: SongRecord, base: String, links: MediaLinks, to output: inout [UInt8]) {
        output.append(contentsOf: #"{"title":"#.utf8)
        JSONText.appendString(song.title, to: &output)
        output.append(contentsOf: #","album":"#.utf8)
        JSONText.appendString(song.album, to: &output)
        output.append(contentsOf: #","artist":"#.utf8)
        JSONText.appendString(song.artist, to: &output)
        output.append(contentsOf: #","genre":"#.utf8)
        JSONText.appendString(song.genreName, to: &output)
        output.append(contentsOf: #","year":"#.utf8)
        if let year = song.year { output.append(contentsOf: String(year).utf8) } else { output.append(contentsOf: "null".utf8) }
        output.append(contentsOf: #","file":"#.utf8)
        JSONText.appendString(links.url(for: song.audioKey, base: base), to: &output)
        output.append(contentsOf: #","image":"#.utf8)
        if let cover = song.coverKey {
            JSONText.appendString(links.url(for: cover, base: base), to: &output)
        } else {
            output.append(contentsOf: "null".utf8)
        }
        output.append(contentsOf: #","id":"#.utf8)
        JSONText.appendString(song.id.rawValue, to: &output)
        output.append(contentsOf: #","genreid":"#.utf8)
        output.append(contentsOf: String(song.genreID).utf8)
        output.append(contentsOf: #","duration":"#.utf8)
        JSONText.appendNumber((song.duration * 1000).rounded() / 1000, to: &output)
        output.append(contentsOf: #","bitrate":"#.utf8)
        output.append(contentsOf: String(song.bitrate).utf8)
        output.append(UInt8(ascii: "}"))
    }

    static func song(_ record: SongRecord, base: String, links: MediaLinks) -> Song {
        Song(
            id: record.id.rawValue,
            title: record.title,
            album: record.album,
            artist: record.artist,
            genre: record.genreName,
            year: record.year,
            file: links.url(for: record.audioKey, base: base),
            image: record.coverKey.map { links.url(for: $0, base: base) },
            genreid: record.genreID,
            duration: (record.duration * 1000).rounded() / 1000,
            bitrate: record.bitrate
        )
    }
}
