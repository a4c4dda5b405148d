internal import LibraryModel

/// A playlist as another player wrote it (or as TermPlayer writes it for them): what each entry says about
/// its song, before anything was matched to this library.
public struct PlaylistFile: Sendable, Hashable {
    public var name: String?
    public var description: String?
    public var entries: [PlaylistFileEntry]

    public init(name: String? = nil, description: String? = nil, entries: [PlaylistFileEntry] = []) {
        self.name = name
        self.description = description
        self.entries = entries
    }
}

/// One entry of a playlist file. Every field is optional because players write very different amounts.
public struct PlaylistFileEntry: Sendable, Hashable {
    /// A path or URL exactly as written (not resolved, not percent-decoded), so nothing is lost on the way
    /// back out and the matcher sees what the other player saw.
    public var location: String?
    public var title: String?
    public var artist: String?
    public var album: String?
    /// Seconds; nil when the file says it is unknown or gives nothing usable.
    public var duration: Double?
    /// A TermPlayer song id, when the file carries one (`#EXTTPID:` in M3U8, `termplayer:song:` in XSPF).
    public var songID: String?

    public init(
        location: String? = nil, title: String? = nil, artist: String? = nil, album: String? = nil,
        duration: Double? = nil, songID: String? = nil
    ) {
        self.location = location
        self.title = title
        self.artist = artist
        self.album = album
        self.duration = duration
        self.songID = songID
    }
}

/// The playlist formats other players read and write.
public enum PlaylistFormat: String, Sendable, CaseIterable {
    /// Extended M3U in UTF-8 (`.m3u8`, and `.m3u` when it is UTF-8).
    case m3u8
    /// XML Shareable Playlist Format, version 1 (https://xspf.org/spec).
    case xspf

    /// The XSPF namespace a root `<playlist>` must carry.
    public static let xspfNamespace = "http://xspf.org/ns/0/"

    /// From the bytes (an XML root <playlist> in the XSPF namespace vs. "#EXTM3U"/plain lines) and, as a
    /// hint, a file name's extension (.m3u, .m3u8, .xspf).
    ///
    /// The bytes decide when they are conclusive (an XSPF root, an `#EXTM3U` header); the name decides
    /// between readings the bytes leave open (plain text named `.xspf` is read as XSPF so that the error
    /// says what is wrong with the XML; a UTF-16 file is XSPF only when so named). nil for other XML, JSON
    /// and binary files.
    public static func detect(_ bytes: [UInt8], fileName: String?) -> PlaylistFormat? {
        let hint = fileName.flatMap(formatNamed(byExtensionOf:))
        let text = PlaylistText.content(of: bytes[...])
        guard let start = text.firstIndex(where: { !PlaylistText.isASCIIWhitespace($0) }) else {
            return hint ?? .m3u8
        }
        let first = text[start]
        let rest = text[start...]
        if first == UInt8(ascii: "<") {
            return XMLRootSniffer.isXSPF(rest) || hint == .xspf ? .xspf : nil
        }
        if rest.starts(with: "#EXTM3U".utf8) { return .m3u8 }
        // NULs: binary, or UTF-16, which only XML can declare (and the XML parser reads).
        if rest.prefix(4096).contains(0) { return hint == .xspf ? .xspf : nil }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return hint }
        return hint ?? .m3u8
    }

    /// `.m3u`/`.m3u8` and `.xspf`, in any case; nil for every other name.
    static func formatNamed(byExtensionOf fileName: String) -> PlaylistFormat? {
        guard let dot = fileName.lastIndex(of: ".") else { return nil }
        switch fileName[fileName.index(after: dot)...].lowercased() {
        case "m3u", "m3u8": return .m3u8
        case "xspf": return .xspf
        default: return nil
        }
    }
}

/// Why a playlist file could not be read, in a sentence that says what to do about it.
public enum PlaylistFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is larger than `PlaylistFiles.maximumFileBytes`.
    case tooLarge(bytes: Int)
    /// The file holds more than `ListenerLimits.playlistSize` entries.
    case tooManyEntries
    /// A line that is not UTF-8: an old Latin-1 `.m3u`, most likely, or an XSPF in neither UTF-8 nor UTF-16.
    case notUTF8(line: Int)
    /// The XML is not well formed (or uses what XSPF never needs); `line` and `column` are 1-based.
    case malformed(line: Int, column: Int, reason: String)
    /// Well-formed XML whose root is not an XSPF `<playlist>`.
    case notXSPF(root: String)
    /// Neither the bytes nor the file name say which format this is.
    case unknownFormat(fileName: String?)

    public var description: String {
        switch self {
        case .tooLarge(let bytes):
            "the playlist file is \(bytes) bytes; playlists are at most \(PlaylistFiles.maximumFileBytes / 1_048_576) MiB"
        case .tooManyEntries:
            "the playlist has more than \(ListenerLimits.playlistSize) entries; split it into smaller playlists"
        case .notUTF8(let line):
            "line \(line) is not UTF-8 text; save the playlist as UTF-8, e.g. with `iconv -f latin1 -t utf-8`"
        case .malformed(let line, let column, let reason):
            "line \(line), column \(column): \(reason)"
        case .notXSPF(let root):
            "the XML is not an XSPF playlist: its root element is <\(root)>, not <playlist xmlns=\"\(PlaylistFormat.xspfNamespace)\">"
        case .unknownFormat(let fileName):
            if let fileName {
                "\(fileName.debugDescription) is neither an M3U/M3U8 nor an XSPF playlist"
            } else {
                "the file is neither an M3U/M3U8 nor an XSPF playlist"
            }
        }
    }
}

/// Reading and writing playlist files.
public enum PlaylistFiles {
    /// Larger files are refused before anything is parsed: no real playlist comes close.
    public static let maximumFileBytes = 16 * 1_048_576
    /// Titles, artists, albums, names and descriptions are cut to this many characters.
    public static let maximumFieldLength = TextFields.maximumLength
    /// Locations are cut later than other fields, because a cut URL or path no longer names its file.
    public static let maximumLocationLength = 4_096

    /// An empty file (or one holding only a BOM and white space) is an empty playlist in either format.
    public static func parse(_ bytes: [UInt8], format: PlaylistFormat) throws(PlaylistFileError) -> PlaylistFile {
        guard bytes.count <= maximumFileBytes else { throw .tooLarge(bytes: bytes.count) }
        if PlaylistText.content(of: bytes[...]).allSatisfy(PlaylistText.isASCIIWhitespace) { return PlaylistFile() }
        switch format {
        case .m3u8: return try M3U8.parse(bytes)
        case .xspf: return try XSPF.parse(bytes)
        }
    }

    /// Detects the format (see `PlaylistFormat.detect`), then parses; for imports that get a file and its name.
    public static func parse(_ bytes: [UInt8], fileName: String?) throws(PlaylistFileError) -> PlaylistFile {
        guard bytes.count <= maximumFileBytes else { throw .tooLarge(bytes: bytes.count) }
        guard let format = PlaylistFormat.detect(bytes, fileName: fileName) else { throw .unknownFormat(fileName: fileName) }
        return try parse(bytes, format: format)
    }

    /// UTF-8 text. M3U8 cannot hold an entry with neither a location nor a song id, so such entries are left
    /// out of it; XSPF keeps them.
    public static func render(_ playlist: PlaylistFile, as format: PlaylistFormat) -> [UInt8] {
        switch format {
        case .m3u8: M3U8.render(playlist)
        case .xspf: XSPF.render(playlist)
        }
    }
}

/// What both formats share: a TermPlayer song's id written as a URI, and the cleaning of text fields.
enum PlaylistText {
    /// The URI form of a song id: an XSPF `<identifier>`, and an M3U8 location for an entry that has no other.
    static let songURIPrefix = "termplayer:song:"

    /// Leading and trailing white space removed, cut to `limit` characters; nil when nothing is left.
    static func field(_ text: some StringProtocol, limit: Int = PlaylistFiles.maximumFieldLength) -> String? {
        TextFields.field(text, limit: limit)
    }

    /// The song id in a `termplayer:song:<id>` URI.
    static func songID(inURI text: String) -> String? {
        guard text.hasPrefix(songURIPrefix) else { return nil }
        return field(text.dropFirst(songURIPrefix.count))
    }

    /// The bytes after a UTF-8 byte order mark, if there is one.
    static func content(of bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes
    }

    static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}

/// Finds an XML document's root start tag without parsing the document, so `detect` stays cheap.
enum XMLRootSniffer {
    /// The root is `<playlist>` (any prefix) declaring the XSPF namespace, or `<playlist>` declaring none,
    /// which careless writers produce and the parser accepts too.
    static func isXSPF(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let tag = rootStartTag(bytes.prefix(65_536)) else { return false }
        let text = String(decoding: tag, as: UTF8.self)
        let name = text.prefix { !$0.isWhitespace && $0 != "/" && $0 != ">" }
        let localName = name.split(separator: ":").last.map(String.init) ?? String(name)
        guard localName == "playlist" else { return false }
        return text.contains(PlaylistFormat.xspfNamespace) || !text.contains("xmlns")
    }

    /// The text of the first start tag after the prolog (declaration, comments, processing instructions,
    /// DOCTYPE), without its `<`; nil when there is none in `bytes`.
    private static func rootStartTag(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            guard bytes[index] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            let rest = bytes[(index + 1)...]
            if rest.starts(with: "?".utf8) {
                index = end(of: "?>", in: rest)
            } else if rest.starts(with: "!--".utf8) {
                index = end(of: "-->", in: rest)
            } else if rest.starts(with: "!".utf8) {
                index = endOfDeclaration(rest)
            } else {
                var inQuote: UInt8?
                for position in rest.indices {
                    let byte = rest[position]
                    if let quote = inQuote {
                        if byte == quote { inQuote = nil }
                    } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                        inQuote = byte
                    } else if byte == UInt8(ascii: ">") {
                        return rest[rest.startIndex..<position]
                    }
                }
                return nil
            }
        }
        return nil
    }

    /// The index just past `terminator`, or the end of `bytes`.
    private static func end(of terminator: String, in bytes: ArraySlice<UInt8>) -> Int {
        let marker = Array(terminator.utf8)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index...].starts(with: marker) { return index + marker.count }
            index += 1
        }
        return bytes.endIndex
    }

    /// Past a `<!DOCTYPE …>`, internal subset in brackets included.
    private static func endOfDeclaration(_ bytes: ArraySlice<UInt8>) -> Int {
        var depth = 0
        for index in bytes.indices {
            switch bytes[index] {
            case UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "]"): depth = max(0, depth - 1)
            case UInt8(ascii: ">") where depth == 0: return index + 1
            default: break
            }
        }
        return bytes.endIndex
    }
}
