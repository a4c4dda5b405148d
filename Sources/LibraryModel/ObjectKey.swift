/// The name of a song bundle: the `<id>` in `<id>.json`, `<id>.mp3` and `<id>.jpg`.
///
/// Ids are restricted to characters that are safe in a file name, an S3 key and a URL path segment without
/// escaping, so that a key can never name anything outside the bucket.
public struct BundleID: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let rawValue: String

    public static let maximumLength = 128

    public init(validating raw: String) throws(KeyError) {
        guard !raw.isEmpty else { throw .emptyID }
        guard raw.utf8.count <= Self.maximumLength else { throw .idTooLong(raw.utf8.count) }
        guard raw.utf8.first != UInt8(ascii: ".") else { throw .hiddenName(raw) }
        for scalar in raw.unicodeScalars where !Self.isAllowed(scalar) {
            throw .forbiddenCharacter(raw, Character(scalar))
        }
        self.rawValue = raw
    }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        self = try Self(validating: raw)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static func < (lhs: BundleID, rhs: BundleID) -> Bool { lhs.rawValue < rhs.rawValue }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".": true
        default: false
        }
    }
}

/// The three kinds of object a bundle is made of, named by their file extension.
public enum BundlePart: String, CaseIterable, Sendable, Codable {
    case metadata = "json"
    case audio = "mp3"
    case cover = "jpg"
    /// Covers taken from MP3s on import are often PNG; a bundle carries either a `.jpg` or a `.png`.
    case pngCover = "png"

    public var fileExtension: String { rawValue }

    public var isCover: Bool { self == .cover || self == .pngCover }

    public var contentType: String {
        switch self {
        case .metadata: "application/json"
        case .audio: "audio/mpeg"
        case .cover: "image/jpeg"
        case .pngCover: "image/png"
        }
    }

    /// The order the original uploader used, which `termplayer upload` keeps: metadata first.
    public var uploadOrder: Int {
        switch self {
        case .metadata: 0
        case .cover, .pngCover: 1
        case .audio: 2
        }
    }
}

/// The key of one object in the bucket: `<bundle id>.<part extension>`.
public struct ObjectKey: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let bundle: BundleID
    public let part: BundlePart

    public init(bundle: BundleID, part: BundlePart) {
        self.bundle = bundle
        self.part = part
    }

    /// Parses a key such as `starting-over.mp3`. The extension must be one of the parts, in lower case.
    public init(validating raw: String) throws(KeyError) {
        guard let dot = raw.lastIndex(of: ".") else { throw .missingExtension(raw) }
        let ext = String(raw[raw.index(after: dot)...])
        guard let part = BundlePart(rawValue: ext) else { throw .unknownExtension(raw, ext) }
        self.bundle = try BundleID(validating: String(raw[..<dot]))
        self.part = part
    }

    public var name: String { "\(bundle.rawValue).\(part.fileExtension)" }
    public var description: String { name }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool { lhs.name < rhs.name }
}

/// Why a string is not a bundle id or object key.
public enum KeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case emptyID
    case idTooLong(Int)
    case hiddenName(String)
    case forbiddenCharacter(String, Character)
    case missingExtension(String)
    case unknownExtension(String, String)

    public var description: String {
        switch self {
        case .emptyID:
            "a bundle id must not be empty"
        case .idTooLong(let length):
            "a bundle id is at most \(BundleID.maximumLength) bytes, this one has \(length)"
        case .hiddenName(let raw):
            "\"\(raw.prefix(40))\" starts with a dot; bundle ids may not"
        case .forbiddenCharacter(let raw, let character):
            "\"\(raw.prefix(40))\" contains \(character.debugDescription); bundle ids use only letters, digits, '-', '_' and '.'"
        case .missingExtension(let raw):
            "\"\(raw.prefix(40))\" has no extension; bundle objects are <id>.json, <id>.mp3, <id>.jpg or <id>.png"
        case .unknownExtension(let raw, let ext):
            "\"\(raw.prefix(40))\" ends in .\(ext.prefix(10)); bundle objects are <id>.json, <id>.mp3, <id>.jpg or <id>.png"
        }
    }
}

extension BundleID {
    /// A readable id made from free text: "Chris Stapleton – Starting Over" → "chris-stapleton-starting-over".
    /// nil when nothing usable is left.
    public static func slug(_ text: String) -> BundleID? {
        var slug = ""
        var pendingDash = false
        for scalar in SearchKey.fold(text).unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if pendingDash && !slug.isEmpty { slug.append("-") }
                pendingDash = false
                slug.unicodeScalars.append(scalar)
            } else {
                pendingDash = true
            }
            if slug.utf8.count >= 96 { break }
        }
        return try? BundleID(validating: slug)
    }
}
