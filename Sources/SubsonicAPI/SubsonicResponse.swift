public import Catalog
public import Foundation
import LibraryModel
import WireFormats

/// An attribute's value, typed, so JSON gets real numbers and booleans (Go's `encoding/json`, mashumaro and
/// Swift's Codable reject `"123"` where a number belongs) and XML gets the same text either way.
public enum SubsonicValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
}

/// Where an element's fields go as they are made: an element being built, or, for the songs of a listing,
/// the answer's bytes in its format directly (`SongEntries`): a 500-song page built as elements first and
/// then written spent more in the tree than in writing it.
public protocol SubsonicFields {
    /// An attribute (XML) or field (JSON); a name is set once.
    mutating func field(_ name: String, _ value: SubsonicValue)
    /// A list of child elements, after the fields.
    mutating func list(_ name: String, _ elements: [SubsonicElement])
}

extension SubsonicFields {
    /// Sets an attribute; nil leaves it out.
    public mutating func set(_ name: String, _ value: String?) {
        if let value { field(name, .string(value)) }
    }

    public mutating func set(_ name: String, _ value: Int?) {
        if let value { field(name, .int(value)) }
    }

    public mutating func set(_ name: String, _ value: Bool?) {
        if let value { field(name, .bool(value)) }
    }

    public mutating func set(_ name: String, _ value: Double?) {
        if let value { field(name, .double(value)) }
    }

    /// Times as ISO 8601 in UTC with milliseconds, as the spec's examples write them.
    public mutating func set(_ name: String, _ value: Date?) {
        if let value { field(name, .string(ISOTime.format(value))) }
    }
}

/// Songs for a list of an answer, with the caller's marks (nil: no caller, no marks), kept as records until
/// the answer is written, when each goes straight to bytes through `SubsonicShapes.songFields`.
public struct SongEntries: Sendable, Equatable {
    public var tracks: [TrackRecord]
    public var marks: [String: SongMarks]?
    /// Each entry's element name: `song`, `entry`, `child`.
    public var name: String

    public init(_ tracks: [TrackRecord], marks: [String: SongMarks]?, name: String = "song") {
        self.tracks = tracks
        self.marks = marks
        self.name = name
    }

    func marks(of track: TrackRecord) -> SongMarks? { marks.map { $0[track.song.id.rawValue] ?? .empty } }

    func fields(of track: TrackRecord, into sink: inout some SubsonicFields) {
        SubsonicShapes.songFields(track, marks: marks(of: track), into: &sink)
    }

    /// The entries as elements, for callers that look into them.
    public var elements: [SubsonicElement] {
        tracks.map { SubsonicShapes.song($0, marks: marks(of: $0), name: name) }
    }
}

/// One element of an answer, written once and rendered as XML or JSON. Attributes become XML attributes or
/// JSON fields; children are single elements (JSON objects) or lists (JSON arrays even when they hold one, or
/// none); `text` is XML text content, and `value` in JSON (a genre's name).
public struct SubsonicElement: SubsonicFields, Sendable, Equatable {
    public enum Child: Sendable, Equatable {
        case one(SubsonicElement)
        case list(name: String, [SubsonicElement])
        /// Bare values, one element each in XML (`<folder>1</folder>`), an array in JSON.
        case values(name: String, [SubsonicValue])
        /// Songs written straight from their records.
        case songs(name: String, SongEntries)
    }

    public var name: String
    public private(set) var attributes: [Attribute] = []
    /// One bit per attribute name's length and first byte (`put`).
    private var namesSeen: UInt64 = 0
    public private(set) var children: [Child] = []
    public var text: String?

    public struct Attribute: Sendable, Equatable {
        public var name: String
        public var value: SubsonicValue
    }

    public init(_ name: String) {
        self.name = name
    }

    /// The attribute's value, if set.
    public subscript(_ attribute: String) -> SubsonicValue? {
        attributes.first { $0.name == attribute }?.value
    }

    public mutating func field(_ name: String, _ value: SubsonicValue) {
        put(name, value)
    }

    public mutating func list(_ name: String, _ elements: [SubsonicElement]) {
        add(list: name, elements)
    }

    public mutating func add(_ child: SubsonicElement) {
        children.append(.one(child))
    }

    public mutating func add(list name: String, _ elements: [SubsonicElement]) {
        children.append(.list(name: name, elements))
    }

    public mutating func add(list name: String, _ songs: SongEntries) {
        children.append(.songs(name: name, songs))
    }

    /// Takes `other`'s children as its own, after its own.
    mutating func adoptChildren(of other: SubsonicElement) {
        children += other.children
    }

    public mutating func add(values name: String, _ values: [SubsonicValue]) {
        children.append(.values(name: name, values))
    }

    /// The single child of that name, or the elements of the list of that name (for tests and for merging).
    public func child(_ name: String) -> SubsonicElement? {
        for case .one(let element) in children where element.name == name { return element }
        return nil
    }

    public func list(_ name: String) -> [SubsonicElement]? {
        for child in children {
            switch child {
            case .list(let listName, let elements) where listName == name: return elements
            case .songs(let listName, let songs) where listName == name: return songs.elements
            default: continue
            }
        }
        return nil
    }

    private mutating func put(_ name: String, _ value: SubsonicValue) {
        // A song has 27 attributes, and looking for each name among the ones before was 4% of a listing:
        // a name whose length and first byte no attribute has yet cannot be there.
        let bit = UInt64(1) << ((UInt64(name.utf8.count) &* 31 &+ UInt64(name.utf8.first ?? 0)) & 63)
        guard namesSeen & bit != 0 else {
            namesSeen |= bit
            attributes.append(Attribute(name: name, value: value))
            return
        }
        if let index = attributes.firstIndex(where: { $0.name == name }) {
            attributes[index].value = value
        } else {
            attributes.append(Attribute(name: name, value: value))
        }
    }

}

/// What a client asked the answer to be written as: `f`, XML when absent (DSub, Clementine and Supersonic read
/// only XML).
public enum SubsonicFormat: Sendable, Equatable {
    case xml
    case json
    /// JSON wrapped in a call of this function.
    case jsonp(callback: String)

    /// From `f` and `callback`. A JSONP request without a usable callback is answered in JSON, with the error.
    static func of(_ parameters: SubsonicParameters) -> (format: SubsonicFormat, problem: SubsonicError?) {
        switch parameters["f"]?.lowercased() {
        case "json": return (.json, nil)
        case "jsonp":
            guard let callback = parameters["callback"], !callback.isEmpty else { return (.json, .missing("callback")) }
            // A callback is script the page runs: only a dotted name, never text that could close the call.
            guard callback.count <= 100, callback.unicodeScalars.allSatisfy(Self.isCallbackScalar), callback.first?.isNumber == false else {
                return (.json, SubsonicError(.generic, "callback must be a JavaScript function name"))
            }
            return (.jsonp(callback: callback), nil)
        default: return (.xml, nil)
        }
    }

    private static func isCallbackScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", "$", ".": true
        default: false
        }
    }

    public var contentType: String {
        switch self {
        case .xml: "text/xml; charset=utf-8"
        case .json: "application/json; charset=utf-8"
        case .jsonp: "application/javascript; charset=utf-8"
        }
    }
}

/// The `subsonic-response` envelope around every answer, in each format: one renderer per format.
public enum SubsonicEnvelope {
    /// The Subsonic API version this server speaks.
    public static let apiVersion = "1.16.1"
    public static let serverType = "termplayer"
    static let namespace = "http://subsonic.org/restapi"

    /// `payload` for a success, `error` for a failure.
    public static func render(_ payload: SubsonicElement?, error: SubsonicError? = nil, format: SubsonicFormat, serverVersion: String) -> [UInt8] {
        var root = SubsonicElement("subsonic-response")
        root.set("status", error == nil ? "ok" : "failed")
        root.set("version", apiVersion)
        root.set("type", serverType)
        root.set("serverVersion", serverVersion)
        root.set("openSubsonic", true)
        if let error {
            var element = SubsonicElement("error")
            element.set("code", error.code.rawValue)
            element.set("message", error.message)
            root.add(element)
        } else if let payload {
            if payload.name == SubsonicElement.bareListMarker { root.adoptChildren(of: payload) } else { root.add(payload) }
        }
        var output: [UInt8] = []
        // Songs are most of a large answer, at about 600 bytes each: reserved once, not grown by doubling.
        output.reserveCapacity(512 + 640 * (payload?.children.reduce(0) { total, child in
            if case .songs(_, let songs) = child { total + songs.tracks.count } else { total }
        } ?? 0))
        switch format {
        case .xml:
            output.append(contentsOf: #"<?xml version="1.0" encoding="UTF-8"?>"#.utf8)
            XMLWriter.append(root, namespace: namespace, to: &output)
        case .json:
            JSONWriter.appendEnvelope(root, to: &output)
        case .jsonp(let callback):
            output.append(contentsOf: callback.utf8)
            output.append(UInt8(ascii: "("))
            JSONWriter.appendEnvelope(root, to: &output)
            output.append(contentsOf: ");".utf8)
        }
        output.append(UInt8(ascii: "\n"))
        return output
    }
}

enum XMLWriter {
    static func append(_ element: SubsonicElement, namespace: String? = nil, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "<"))
        output.append(contentsOf: element.name.utf8)
        if let namespace {
            output.append(contentsOf: #" xmlns=""#.utf8)
            output.append(contentsOf: namespace.utf8)
            output.append(UInt8(ascii: "\""))
        }
        for attribute in element.attributes { appendAttribute(attribute.name, attribute.value, to: &output) }
        let hasContent = element.text != nil || element.children.contains { child in
            switch child {
            case .one: true
            case .list(_, let elements): !elements.isEmpty
            case .values(_, let values): !values.isEmpty
            case .songs(_, let songs): !songs.tracks.isEmpty
            }
        }
        guard hasContent else {
            output.append(contentsOf: "/>".utf8)
            return
        }
        output.append(UInt8(ascii: ">"))
        if let text = element.text { appendEscaped(text, to: &output) }
        for child in element.children {
            switch child {
            case .one(let element): append(element, to: &output)
            case .list(_, let elements): for element in elements { append(element, to: &output) }
            case .songs(_, let songs): for track in songs.tracks { appendSong(track, of: songs, to: &output) }
            case .values(let name, let values):
                for value in values {
                    output.append(UInt8(ascii: "<"))
                    output.append(contentsOf: name.utf8)
                    output.append(UInt8(ascii: ">"))
                    appendValue(value, to: &output)
                    output.append(contentsOf: "</".utf8)
                    output.append(contentsOf: name.utf8)
                    output.append(UInt8(ascii: ">"))
                }
            }
        }
        output.append(contentsOf: "</".utf8)
        output.append(contentsOf: element.name.utf8)
        output.append(UInt8(ascii: ">"))
    }

    /// A song from its record: its fields as attributes, then its lists as children.
    static func appendSong(_ track: TrackRecord, of songs: SongEntries, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "<"))
        output.append(contentsOf: songs.name.utf8)
        var sink = Fields()
        swap(&sink.output, &output)
        songs.fields(of: track, into: &sink)
        swap(&sink.output, &output)
        guard !sink.children.isEmpty else {
            output.append(contentsOf: "/>".utf8)
            return
        }
        output.append(UInt8(ascii: ">"))
        for child in sink.children { append(child, to: &output) }
        output.append(contentsOf: "</".utf8)
        output.append(contentsOf: songs.name.utf8)
        output.append(UInt8(ascii: ">"))
    }

    /// Attributes written as they come; children kept for after the start tag.
    struct Fields: SubsonicFields {
        var output: [UInt8] = []
        var children: [SubsonicElement] = []

        mutating func field(_ name: String, _ value: SubsonicValue) {
            appendAttribute(name, value, to: &output)
        }

        mutating func list(_ name: String, _ elements: [SubsonicElement]) {
            children += elements
        }
    }

    static func appendAttribute(_ name: String, _ value: SubsonicValue, to output: inout [UInt8]) {
        output.append(UInt8(ascii: " "))
        appendName(name, to: &output)
        output.append(contentsOf: #"=""#.utf8)
        appendValue(value, to: &output)
        output.append(UInt8(ascii: "\""))
    }

    static func appendValue(_ value: SubsonicValue, to output: inout [UInt8]) {
        switch value {
        case .string(let text): appendEscaped(text, to: &output)
        case .int(let number): output.append(contentsOf: String(number).utf8)
        case .double(let number): output.append(contentsOf: JSONWriter.number(number).utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        }
    }

    /// Escapes markup and quotes, and leaves out what XML 1.0 cannot carry at all (most control characters).
    /// Text with none of those (nearly all of it) is one scan of its bytes and one copy.
    static func appendEscaped(_ text: String, to output: inout [UInt8]) {
        var text = text
        let clean = text.withUTF8 { bytes in
            guard !bytes.contains(where: needsCare) else { return false }
            output.append(contentsOf: bytes)
            return true
        }
        guard !clean else { return }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output.append(contentsOf: "&amp;".utf8)
            case "<": output.append(contentsOf: "&lt;".utf8)
            case ">": output.append(contentsOf: "&gt;".utf8)
            case "\"": output.append(contentsOf: "&quot;".utf8)
            case "'": output.append(contentsOf: "&apos;".utf8)
            case "\t", "\n", "\r": output.append(contentsOf: "&#\(scalar.value);".utf8)
            default:
                guard scalar.value >= 0x20, scalar.value != 0xFFFE, scalar.value != 0xFFFF else { continue }
                output.append(contentsOf: scalar.utf8)
            }
        }
    }

    /// Bytes of markup, of control characters, and 0xEF, which leads U+FFFE and U+FFFF.
    private static func needsCare(_ byte: UInt8) -> Bool {
        switch byte {
        case 0..<0x20, 0xEF, UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"): true
        default: false
        }
    }
}

enum JSONWriter {
    static func appendEnvelope(_ root: SubsonicElement, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "{"))
        JSONText.appendString(root.name, to: &output)
        output.append(UInt8(ascii: ":"))
        appendObject(root, to: &output)
        output.append(UInt8(ascii: "}"))
    }

    static func appendObject(_ element: SubsonicElement, to output: inout [UInt8]) {
        var object = Fields()
        swap(&object.output, &output)
        object.output.append(UInt8(ascii: "{"))
        for attribute in element.attributes { object.field(attribute.name, attribute.value) }
        if let text = element.text { object.field("value", .string(text)) }
        for child in element.children {
            switch child {
            case .one(let element): object.member(element.name) { appendObject(element, to: &$0) }
            case .list(let name, let elements): object.list(name, elements)
            case .values(let name, let values): object.member(name) { appendArray(values, to: &$0, appendValue) }
            case .songs(let name, let songs):
                object.member(name) { output in appendArray(songs.tracks, to: &output) { appendSong($0, of: songs, to: &$1) } }
            }
        }
        object.output.append(UInt8(ascii: "}"))
        swap(&object.output, &output)
    }

    /// A song from its record, its fields written as they come.
    static func appendSong(_ track: TrackRecord, of songs: SongEntries, to output: inout [UInt8]) {
        var song = Fields()
        swap(&song.output, &output)
        song.output.append(UInt8(ascii: "{"))
        songs.fields(of: track, into: &song)
        song.output.append(UInt8(ascii: "}"))
        swap(&song.output, &output)
    }

    /// `[a,b,…]`, each item written by `write`.
    static func appendArray<Item>(_ items: [Item], to output: inout [UInt8], _ write: (Item, inout [UInt8]) -> Void) {
        output.append(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            write(item, &output)
        }
        output.append(UInt8(ascii: "]"))
    }

    /// An object's members written as they come: an element's, and a song's straight from its record.
    struct Fields: SubsonicFields {
        var output: [UInt8] = []
        private var first = true

        /// `"name":` after a comma when needed, then what `write` writes.
        mutating func member(_ name: String, _ write: (inout [UInt8]) -> Void) {
            if !first { output.append(UInt8(ascii: ",")) }
            first = false
            appendKey(name, to: &output)
            write(&output)
        }

        mutating func field(_ name: String, _ value: SubsonicValue) {
            member(name) { appendValue(value, to: &$0) }
        }

        mutating func list(_ name: String, _ elements: [SubsonicElement]) {
            member(name) { appendArray(elements, to: &$0, appendObject) }
        }
    }

    /// `"name":`. Names are this module's own (element and attribute names, never a client's text), plain
    /// identifiers with nothing to escape, so they are copied as they are: escaping each was 5% of a page.
    static func appendKey(_ name: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        appendName(name, to: &output)
        output.append(UInt8(ascii: "\""))
        output.append(UInt8(ascii: ":"))
    }

    static func appendValue(_ value: SubsonicValue, to output: inout [UInt8]) {
        switch value {
        case .string(let text): JSONText.appendString(text, to: &output)
        case .int(let number): output.append(contentsOf: String(number).utf8)
        case .double(let number): output.append(contentsOf: Self.number(number).utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        }
    }

    /// A finite number as JSON writes it; JSON has no NaN or infinity, so those are 0.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }
}

/// A name's bytes, copied whole (appending a `String.UTF8View` goes byte by byte).
func appendName(_ name: String, to output: inout [UInt8]) {
    var name = name
    name.withUTF8 { output.append(contentsOf: $0) }
}
