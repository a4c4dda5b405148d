internal import CMpg123

/// A picture embedded in an MP3's ID3v2 tag (APIC).
public struct EmbeddedPicture: Hashable, Sendable {
    public enum Format: String, Sendable {
        case jpeg = "jpg"
        case png = "png"
    }

    public var format: Format
    public var bytes: [UInt8]
}

/// The tags ingest falls back on and import builds bundles from. ID3v2 wins over ID3v1 field by field.
public struct ID3Tags: Hashable, Sendable {
    public var title: String?
    public var artist: String?
    public var album: String?
    /// A genre name; ID3's numeric genres ("(17)", "17") are translated to their names.
    public var genre: String?
    public var year: Int?
    /// The front cover if there is one, else the first picture; only read when asked for.
    public var picture: EmbeddedPicture?
    var hasVersion1 = false

    public init(
        title: String? = nil,
        artist: String? = nil,
        album: String? = nil,
        genre: String? = nil,
        year: Int? = nil,
        picture: EmbeddedPicture? = nil
    ) {
        self.title = title
        self.artist = artist
        self.album = album
        self.genre = genre
        self.year = year
        self.picture = picture
    }

    init(handle: MPG123Handle) {
        var version1: UnsafeMutablePointer<mpg123_id3v1>?
        var version2: UnsafeMutablePointer<mpg123_id3v2>?
        guard mpg123_meta_check(handle.raw) & MPG123_ID3 != 0,
            mpg123_id3(handle.raw, &version1, &version2) == MPG123_OK.rawValue
        else { return }

        if let tag = version2?.pointee {
            title = Self.text(tag.title)
            artist = Self.text(tag.artist)
            album = Self.text(tag.album)
            genre = Self.text(tag.genre).flatMap(Self.genreName)
            year = Self.text(tag.year).flatMap(Self.year)
            picture = Self.picture(tag.picture, count: tag.pictures)
        }
        if let tag = version1?.pointee {
            hasVersion1 = true
            title = title ?? Self.latin1(tag.title)
            artist = artist ?? Self.latin1(tag.artist)
            album = album ?? Self.latin1(tag.album)
            year = year ?? Self.latin1(tag.year).flatMap(Self.year)
            genre = genre ?? Self.standardGenres.element(at: Int(tag.genre))
        }
    }

    // MARK: Decoding the C structures

    /// The first string of an ID3v2 text field (fields may hold several, NUL-separated), UTF-8 per libmpg123.
    private static func text(_ string: UnsafeMutablePointer<mpg123_string>?) -> String? {
        guard let string = string?.pointee, let start = string.p, string.fill > 1 else { return nil }
        let bytes = UnsafeRawBufferPointer(start: start, count: string.fill - 1).prefix { $0 != 0 }
        return cleaned(String(decoding: bytes, as: UTF8.self))
    }

    /// ID3v1 fields are fixed-size Latin-1, padded with NULs or spaces.
    private static func latin1<Field>(_ field: Field) -> String? {
        withUnsafeBytes(of: field) { raw in
            cleaned(String(raw.prefix { $0 != 0 }.map { Character(Unicode.Scalar($0)) }))
        }
    }

    private static func cleaned(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: " \t\r\n")
        return trimmed.isEmpty ? nil : trimmed
    }

    private static func picture(_ pictures: UnsafeMutablePointer<mpg123_picture>?, count: Int) -> EmbeddedPicture? {
        guard let pictures, count > 0 else { return nil }
        let all = UnsafeBufferPointer(start: pictures, count: count)
        let frontCover = Int8(mpg123_id3_pic_front_cover.rawValue)
        let ordered = all.filter { $0.type == frontCover } + all.filter { $0.type != frontCover }
        for candidate in ordered {
            guard let data = candidate.data, candidate.size > 8 else { continue }
            let bytes = Array(UnsafeBufferPointer(start: data, count: candidate.size))
            // Trust the bytes, not the declared MIME type: taggers get it wrong.
            if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return EmbeddedPicture(format: .jpeg, bytes: bytes) }
            if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return EmbeddedPicture(format: .png, bytes: bytes) }
        }
        return nil
    }

    // MARK: Interpreting the values

    /// "2020", "2020-05-01" (ID3v2.4 TDRC) → 2020.
    static func year(_ text: String) -> Int? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard digits.count == 4, let year = Int(digits), year > 0 else { return nil }
        return year
    }

    /// ID3 genres are a name, an index into the ID3v1 list ("17"), or the v2.3 form "(17)" / "(17)Rock".
    static func genreName(_ text: String) -> String? {
        var rest = Substring(text)
        var indexed: String?
        if rest.hasPrefix("("), let close = rest.firstIndex(of: ")") {
            let inside = rest[rest.index(after: rest.startIndex)..<close]
            switch inside {
            case "RX": indexed = "Remix"
            case "CR": indexed = "Cover"
            default: indexed = Int(inside).flatMap(standardGenres.element(at:))
            }
            rest = rest[rest.index(after: close)...]
        } else if let index = Int(rest) {
            return standardGenres.element(at: index)
        }
        return cleaned(String(rest)) ?? indexed
    }

    /// Whether `name` is one of ID3v1's genres (any case): the only tag genres that may add a genre to a
    /// catalog, so a pile of odd files cannot add a row per distinct string.
    public static func isStandardGenre(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return standardGenres.contains { $0.lowercased() == lowered }
    }

    /// The 80 genres of the ID3v1 specification, by index.
    static let standardGenres = [
        "Blues", "Classic Rock", "Country", "Dance", "Disco", "Funk", "Grunge", "Hip-Hop", "Jazz", "Metal",
        "New Age", "Oldies", "Other", "Pop", "R&B", "Rap", "Reggae", "Rock", "Techno", "Industrial",
        "Alternative", "Ska", "Death Metal", "Pranks", "Soundtrack", "Euro-Techno", "Ambient", "Trip-Hop", "Vocal",
        "Jazz+Funk", "Fusion", "Trance", "Classical", "Instrumental", "Acid", "House", "Game", "Sound Clip",
        "Gospel", "Noise", "AlternRock", "Bass", "Soul", "Punk", "Space", "Meditative", "Instrumental Pop",
        "Instrumental Rock", "Ethnic", "Gothic", "Darkwave", "Techno-Industrial", "Electronic", "Pop-Folk",
        "Eurodance", "Dream", "Southern Rock", "Comedy", "Cult", "Gangsta", "Top 40", "Christian Rap", "Pop/Funk",
        "Jungle", "Native American", "Cabaret", "New Wave", "Psychadelic", "Rave", "Showtunes", "Trailer",
        "Lo-Fi", "Tribal", "Acid Punk", "Acid Jazz", "Polka", "Retro", "Musical", "Rock & Roll", "Hard Rock",
    ]
}

extension Array {
    fileprivate func element(at index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let unwanted = Set(set)
        var slice = Substring(self)
        while let first = slice.first, unwanted.contains(first) { slice.removeFirst() }
        while let last = slice.last, unwanted.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
