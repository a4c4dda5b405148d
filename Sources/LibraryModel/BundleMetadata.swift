public import Foundation

/// How a bundle names its genre: the original integer id into the seeded genres, or a name.
public enum GenreReference: Hashable, Sendable, CustomStringConvertible {
    case id(Int)
    case name(String)

    public var description: String {
        switch self {
        case .id(let id): "genre id \(id)"
        case .name(let name): "genre \"\(name)\""
        }
    }
}

/// The metadata of a bundle, `<id>.json`, after validation.
///
/// The original format is `{"title":…,"album":…,"artist":…,"genre":6,"year":2020}`. Every field may be
/// missing; ingest fills the gaps from the MP3's ID3 tags and rejects a song that still has no title.
/// Unknown fields are ignored so newer uploaders can add their own.
public struct BundleMetadata: Hashable, Sendable {
    public var title: String?
    public var album: String?
    public var artist: String?
    public var genre: GenreReference?
    public var year: Int?

    /// A bundle's JSON is a handful of short fields; anything bigger is not one.
    public static let maximumDocumentBytes = 64 * 1024
    /// Longer than any real title, short enough that a hostile one cannot bloat every `/songs` response.
    public static let maximumTextLength = 1024
    public static let maximumGenreNameLength = 64
    public static let years = 1...9999

    public init(
        title: String? = nil,
        album: String? = nil,
        artist: String? = nil,
        genre: GenreReference? = nil,
        year: Int? = nil
    ) {
        self.title = title
        self.album = album
        self.artist = artist
        self.genre = genre
        self.year = year
    }

    /// Parses and validates a bundle's JSON document.
    public static func parse(_ document: Data) throws(MetadataError) -> BundleMetadata {
        guard document.count <= maximumDocumentBytes else { throw .tooLarge(bytes: document.count) }
        var document = document
        if document.starts(with: [0xEF, 0xBB, 0xBF]) { document.removeFirst(3) }  // Windows editors' BOM
        guard String(data: document, encoding: .utf8) != nil else { throw .notUTF8 }

        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: document)
        } catch {
            throw .notJSON(DecodingFailure.describe(error))
        }
        guard case .object(let fields) = value else { throw .notAnObject(found: value.summary) }

        var metadata = BundleMetadata()
        metadata.title = try text(fields["title"], field: "title", allowEmpty: false)
        metadata.album = try text(fields["album"], field: "album", allowEmpty: true)
        metadata.artist = try text(fields["artist"], field: "artist", allowEmpty: true)
        metadata.genre = try genre(fields["genre"])
        metadata.year = try year(fields["year"])
        return metadata
    }

    /// The JSON this metadata would be uploaded as, in the original field order.
    public func jsonDocument() -> Data {
        var output: [UInt8] = [UInt8(ascii: "{")]
        var first = true
        func key(_ name: String) {
            if !first { output.append(UInt8(ascii: ",")) }
            first = false
            JSONText.appendString(name, to: &output)
            output.append(UInt8(ascii: ":"))
        }
        if let title { key("title"); JSONText.appendString(title, to: &output) }
        if let album { key("album"); JSONText.appendString(album, to: &output) }
        if let artist { key("artist"); JSONText.appendString(artist, to: &output) }
        switch genre {
        case .id(let id): key("genre"); output.append(contentsOf: String(id).utf8)
        case .name(let name): key("genre"); JSONText.appendString(name, to: &output)
        case nil: break
        }
        if let year { key("year"); output.append(contentsOf: String(year).utf8) }
        output.append(UInt8(ascii: "}"))
        return Data(output)
    }

    /// Text from an MP3's ID3 tag held to the limits the JSON is held to: control characters become spaces,
    /// surrounding white space goes, and text past `limit` scalars is cut at a character's end. nil when
    /// nothing is left. A tag is not refused as a JSON is: the song is listed with what can be kept.
    public static func clampedTagText(_ raw: String?, limit: Int = maximumTextLength) -> String? {
        guard let raw else { return nil }
        var scalars = String.UnicodeScalarView()
        for scalar in raw.unicodeScalars { scalars.append(scalar.properties.generalCategory == .control ? " " : scalar) }
        var text = String(scalars).trimmingWhitespace()
        if text.unicodeScalars.count > limit {
            var kept = 0
            var end = text.startIndex
            for index in text.indices {
                kept += text[index].unicodeScalars.count
                guard kept <= limit else { break }
                end = text.index(after: index)
            }
            text = String(text[..<end]).trimmingWhitespace()
        }
        return text.isEmpty ? nil : text
    }

    // MARK: Field validation

    private static func text(_ value: JSONValue?, field: String, allowEmpty: Bool) throws(MetadataError) -> String? {
        switch value {
        case nil, .null:
            return nil
        case .string(let raw):
            return try cleanText(raw, field: field, limit: maximumTextLength, allowEmpty: allowEmpty)
        case .some(let other):
            throw .wrongType(field: field, expected: "a string", found: other.summary)
        }
    }

    /// Trims surrounding white space; rejects control characters and absurd lengths. An empty optional
    /// field counts as missing, so the ID3 tag can fill it.
    private static func cleanText(
        _ raw: String,
        field: String,
        limit: Int,
        allowEmpty: Bool
    ) throws(MetadataError) -> String? {
        let length = raw.unicodeScalars.count
        guard length <= limit else { throw .tooLong(field: field, length: length, limit: limit) }
        if let control = raw.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            throw .controlCharacter(field: field, scalar: control.value)
        }
        let trimmed = raw.trimmingWhitespace()
        if trimmed.isEmpty {
            if allowEmpty { return nil }
            throw .empty(field: field)
        }
        return trimmed
    }

    private static func genre(_ value: JSONValue?) throws(MetadataError) -> GenreReference? {
        switch value {
        case nil, .null:
            return nil
        case .integer(let id):
            guard id > 0 else { throw .genreIDOutOfRange(id) }
            return .id(id)
        case .string(let raw):
            guard let name = try cleanText(raw, field: "genre", limit: maximumGenreNameLength, allowEmpty: true) else {
                return nil
            }
            // "6" from a stringly-typed uploader means genre 6, not a new genre called "6".
            if let id = Int(name) {
                guard id > 0 else { throw .genreIDOutOfRange(id) }
                return .id(id)
            }
            return .name(name)
        case .some(let other):
            throw .wrongType(field: "genre", expected: "a genre id such as 6 or a name such as \"Country\"", found: other.summary)
        }
    }

    private static func year(_ value: JSONValue?) throws(MetadataError) -> Int? {
        switch value {
        case nil, .null:
            return nil
        case .integer(let year):
            guard years.contains(year) else { throw .yearOutOfRange(year) }
            return year
        case .number(let number) where number == number.rounded() && Double(years.lowerBound)...Double(years.upperBound) ~= number:
            return Int(number)
        case .some(let other):
            throw .wrongType(field: "year", expected: "a whole number such as 2020", found: other.summary)
        }
    }
}

/// Why a bundle's JSON was rejected, in words its author can act on.
public enum MetadataError: Error, Hashable, Sendable, CustomStringConvertible {
    case tooLarge(bytes: Int)
    case notUTF8
    case notJSON(String)
    case notAnObject(found: String)
    case wrongType(field: String, expected: String, found: String)
    case empty(field: String)
    case tooLong(field: String, length: Int, limit: Int)
    case controlCharacter(field: String, scalar: UInt32)
    case genreIDOutOfRange(Int)
    case yearOutOfRange(Int)

    public var description: String {
        switch self {
        case .tooLarge(let bytes):
            "the JSON is \(bytes) bytes; bundle metadata is at most \(BundleMetadata.maximumDocumentBytes)"
        case .notUTF8:
            "the JSON is not UTF-8 text"
        case .notJSON(let reason):
            "the file is not valid JSON: \(reason)"
        case .notAnObject(let found):
            "the JSON must be an object like {\"title\":…}, not \(found)"
        case .wrongType(let field, let expected, let found):
            "\"\(field)\" must be \(expected), not \(found)"
        case .empty(let field):
            "\"\(field)\" is empty"
        case .tooLong(let field, let length, let limit):
            "\"\(field)\" is \(length) characters long; the limit is \(limit)"
        case .controlCharacter(let field, let scalar):
            "\"\(field)\" contains the control character U+\(String(scalar, radix: 16, uppercase: true).leftPadded(to: 4))"
        case .genreIDOutOfRange(let id):
            "\"genre\" \(id) is not a genre id; ids start at 1 (1 Rock … 8 Other)"
        case .yearOutOfRange(let year):
            "\"year\" \(year) is not a year between \(BundleMetadata.years.lowerBound) and \(BundleMetadata.years.upperBound)"
        }
    }
}

extension String {
    /// Foundation's CharacterSet lives outside FoundationEssentials; this is all metadata needs of it.
    package func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }

    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
