import LibraryModel

/// A Subsonic answer as one tree, whichever format the server wrote: XML elements and their attributes,
/// or the JSON objects, arrays and scalars that mirror them (`{"song":[{…},{…}]}` is two `song`
/// children). Reading both into one shape means every answer is mapped once, and a server that only
/// speaks XML (it ignores `f=json`) works like one that speaks JSON.
public struct SubsonicNode: Sendable, Equatable {
    public var name: String
    public var attributes: [String: String]
    public var children: [SubsonicNode]

    public init(name: String, attributes: [String: String] = [:], children: [SubsonicNode] = []) {
        self.name = name
        self.attributes = attributes
        self.children = children
    }

    public subscript(_ attribute: String) -> String? { attributes[attribute] }

    public func child(_ name: String) -> SubsonicNode? { children.first { $0.name == name } }
    public func all(_ name: String) -> [SubsonicNode] { children.filter { $0.name == name } }

    public func int(_ attribute: String) -> Int? {
        attributes[attribute].flatMap { Int($0) ?? Double($0).flatMap { $0.isFinite ? Int(exactly: $0.rounded()) : nil } }
    }

    public func double(_ attribute: String) -> Double? { attributes[attribute].flatMap { Double($0) }.flatMap { $0.isFinite ? $0 : nil } }

    public func bool(_ attribute: String) -> Bool? {
        switch attributes[attribute] {
        case "true", "1": true
        case "false", "0": false
        default: nil
        }
    }

    // MARK: Reading

    /// Why bytes are not a Subsonic answer.
    public struct Unreadable: Error, Sendable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// The `subsonic-response` element of an XML or JSON body.
    public static func response(from body: [UInt8]) throws(Unreadable) -> SubsonicNode {
        guard let first = body.first(where: { !isSpace($0) }) else { throw Unreadable(reason: "the answer is empty") }
        let root: SubsonicNode
        switch first {
        case UInt8(ascii: "<"): root = try XMLReader.read(body)
        case UInt8(ascii: "{"): root = try fromJSON(body)
        default: throw Unreadable(reason: "the answer is neither XML nor JSON: \(String(decoding: body.prefix(60), as: UTF8.self).debugDescription)")
        }
        guard root.name == "subsonic-response" else { throw Unreadable(reason: "the answer is not a subsonic-response but \(root.name.debugDescription)") }
        return root
    }

    private static func fromJSON(_ body: [UInt8]) throws(Unreadable) -> SubsonicNode {
        var reader = JSONReader(bytes: body)
        guard case .object(let members) = try reader.document(),
            let response = members.last(where: { $0.key == "subsonic-response" }), case .object(let fields) = response.value
        else {
            throw Unreadable(reason: "the JSON has no subsonic-response object")
        }
        return node(named: "subsonic-response", from: fields)
    }

    private static func node(named name: String, from members: [(key: String, value: JSONReader.Value)]) -> SubsonicNode {
        var node = SubsonicNode(name: name)
        node.attributes.reserveCapacity(members.count)
        for (key, value) in members {
            switch value {
            case .object(let nested):
                node.children.append(Self.node(named: key, from: nested))
            case .array(let items):
                for item in items {
                    switch item {
                    case .object(let nested): node.children.append(Self.node(named: key, from: nested))
                    case .scalar(let text): node.children.append(SubsonicNode(name: key, attributes: ["value": text]))
                    case .array, .null: break
                    }
                }
            case .scalar(let text):
                node.attributes[key] = text
            case .null:
                break
            }
        }
        return node
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
}

/// The XML Subsonic servers write: elements with attributes, text that is ignored, a prolog, comments.
/// Small on purpose: it reads that and says where anything else is malformed.
enum XMLReader {
    static func read(_ body: [UInt8]) throws(SubsonicNode.Unreadable) -> SubsonicNode {
        var reader = Cursor(bytes: body)
        var stack: [SubsonicNode] = []
        // Each open element's text: a genre's name is its text (`<genre songCount="3">Rock</genre>`),
        // kept as `value`, the key the JSON form gives it.
        var texts: [[UInt8]] = []
        var root: SubsonicNode?
        while let byte = reader.peek() {
            guard byte == UInt8(ascii: "<") else {
                let start = reader.at
                while let next = reader.peek(), next != UInt8(ascii: "<") { reader.at += 1 }
                if !texts.isEmpty { texts[texts.count - 1] += body[start..<reader.at] }
                continue
            }
            if reader.starts(with: "<?") {
                try reader.skip(past: "?>")
            } else if reader.starts(with: "<!--") {
                try reader.skip(past: "-->")
            } else if reader.starts(with: "<![CDATA[") {
                try reader.skip(past: "]]>")
            } else if reader.starts(with: "<!") {
                try reader.skip(past: ">")
            } else if reader.starts(with: "</") {
                reader.at += 2
                let name = try reader.name()
                reader.skipSpace()
                try reader.expect(">")
                guard var closed = stack.popLast(), closed.name == name else { throw reader.fail("</\(name)> closes nothing open") }
                let text = texts.popLast() ?? []
                if closed.attributes["value"] == nil, text.contains(where: { !SubsonicNode.isSpace($0) }) {
                    let trimmed = text.drop(while: SubsonicNode.isSpace).reversed().drop(while: SubsonicNode.isSpace).reversed()
                    closed.attributes["value"] = Cursor.unescape(ArraySlice(trimmed))
                }
                if stack.isEmpty { root = closed } else { stack[stack.count - 1].children.append(closed) }
            } else {
                reader.at += 1
                var element = SubsonicNode(name: try reader.name())
                while true {
                    reader.skipSpace()
                    if reader.starts(with: "/>") {
                        reader.at += 2
                        if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
                        break
                    }
                    if reader.peek() == UInt8(ascii: ">") {
                        reader.at += 1
                        stack.append(element)
                        texts.append([])
                        break
                    }
                    let attribute = try reader.name()
                    reader.skipSpace()
                    try reader.expect("=")
                    reader.skipSpace()
                    element.attributes[attribute] = try reader.quoted()
                }
            }
            if root != nil { break }
        }
        guard let root else { throw reader.fail(stack.isEmpty ? "no element" : "<\(stack[stack.count - 1].name)> is never closed") }
        return root
    }

    private struct Cursor {
        let bytes: [UInt8]
        var at = 0

        func peek() -> UInt8? { at < bytes.count ? bytes[at] : nil }

        func starts(with text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard at + count <= bytes.count else { return false }
            return text.withUTF8Buffer { prefix in
                var index = 0
                while index < count, bytes[at + index] == prefix[index] { index += 1 }
                return index == count
            }
        }

        mutating func skip(past end: StaticString) throws(SubsonicNode.Unreadable) {
            while at < bytes.count {
                if starts(with: end) {
                    at += end.utf8CodeUnitCount
                    return
                }
                at += 1
            }
            throw fail("unterminated markup")
        }

        mutating func skipSpace() {
            while let byte = peek(), SubsonicNode.isSpace(byte) { at += 1 }
        }

        mutating func expect(_ text: StaticString) throws(SubsonicNode.Unreadable) {
            guard starts(with: text) else { throw fail("expected \(text)") }
            at += text.utf8CodeUnitCount
        }

        mutating func name() throws(SubsonicNode.Unreadable) -> String {
            let start = at
            while let byte = peek(), !SubsonicNode.isSpace(byte), byte != UInt8(ascii: "="), byte != UInt8(ascii: ">"),
                byte != UInt8(ascii: "/"), byte != UInt8(ascii: "<"), byte != UInt8(ascii: "\""), byte != UInt8(ascii: "'")
            {
                at += 1
            }
            guard at > start else { throw fail("expected a name") }
            return String(decoding: bytes[start..<at], as: UTF8.self)
        }

        mutating func quoted() throws(SubsonicNode.Unreadable) -> String {
            guard let quote = peek(), quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { throw fail("expected a quoted value") }
            at += 1
            let start = at
            while let byte = peek(), byte != quote { at += 1 }
            guard peek() == quote else { throw fail("unterminated attribute value") }
            let raw = bytes[start..<at]
            at += 1
            return raw.contains(UInt8(ascii: "&")) ? Self.unescape(raw) : String(decoding: raw, as: UTF8.self)
        }

        static func unescape(_ raw: ArraySlice<UInt8>) -> String {
            XMLText.unescape(Substring(String(decoding: raw, as: UTF8.self)))
        }

        func fail(_ reason: String) -> SubsonicNode.Unreadable {
            SubsonicNode.Unreadable(reason: "the XML is malformed at byte \(at): \(reason)")
        }
    }
}

/// JSON read into objects (members in order), arrays and scalars kept as their text, which is all a
/// Subsonic tree needs: `true`, `42` and `"42"` read the same, as they do in XML.
struct JSONReader {
    enum Value {
        case object([(key: String, value: Value)])
        case array([Value])
        case scalar(String)
        case null
    }

    let bytes: [UInt8]
    var at = 0
    /// Nesting deeper than this is not an answer but an attack on the stack.
    private static let maximumDepth = 64

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func document() throws(SubsonicNode.Unreadable) -> Value {
        let value = try self.value(depth: 0)
        skipSpace()
        guard at == bytes.count else { throw fail("data after the JSON value") }
        return value
    }

    private mutating func value(depth: Int) throws(SubsonicNode.Unreadable) -> Value {
        guard depth < Self.maximumDepth else { throw fail("nested too deeply") }
        skipSpace()
        guard at < bytes.count else { throw fail("the JSON ends early") }
        switch bytes[at] {
        case UInt8(ascii: "{"):
            at += 1
            var members: [(key: String, value: Value)] = []
            skipSpace()
            if peek() == UInt8(ascii: "}") {
                at += 1
                return .object(members)
            }
            while true {
                skipSpace()
                let key = try string()
                skipSpace()
                guard peek() == UInt8(ascii: ":") else { throw fail("expected :") }
                at += 1
                members.append((key, try value(depth: depth + 1)))
                skipSpace()
                switch peek() {
                case UInt8(ascii: ","): at += 1
                case UInt8(ascii: "}"):
                    at += 1
                    return .object(members)
                default: throw fail("expected , or }")
                }
            }
        case UInt8(ascii: "["):
            at += 1
            var items: [Value] = []
            skipSpace()
            if peek() == UInt8(ascii: "]") {
                at += 1
                return .array(items)
            }
            while true {
                items.append(try value(depth: depth + 1))
                skipSpace()
                switch peek() {
                case UInt8(ascii: ","): at += 1
                case UInt8(ascii: "]"):
                    at += 1
                    return .array(items)
                default: throw fail("expected , or ]")
                }
            }
        case UInt8(ascii: "\""):
            return .scalar(try string())
        default:
            let start = at
            while let byte = peek(), !SubsonicNode.isSpace(byte), byte != UInt8(ascii: ","), byte != UInt8(ascii: "}"), byte != UInt8(ascii: "]") {
                at += 1
            }
            let word = String(decoding: bytes[start..<at], as: UTF8.self)
            if word == "null" { return .null }
            guard word == "true" || word == "false" || Double(word) != nil else { throw fail("unexpected \(word.prefix(20).debugDescription)") }
            return .scalar(word)
        }
    }

    private mutating func string() throws(SubsonicNode.Unreadable) -> String {
        guard peek() == UInt8(ascii: "\"") else { throw fail("expected a string") }
        at += 1
        // Nearly every string has no escape: it is made straight from its bytes, not byte by byte.
        var end = at
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            defer { at = end + 1 }
            return String(decoding: bytes[at..<end], as: UTF8.self)
        }
        var utf8: [UInt8] = []
        while at < bytes.count {
            let byte = bytes[at]
            at += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard at < bytes.count else { throw fail("the JSON ends inside a string") }
                let escaped = bytes[at]
                at += 1
                switch escaped {
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), peek() == UInt8(ascii: "\\"), at + 1 < bytes.count, bytes[at + 1] == UInt8(ascii: "u") {
                        at += 2
                        let low = try hex4()
                        scalar = (0xDC00..<0xE000).contains(low) ? 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00) : 0xFFFD
                    }
                    utf8.append(contentsOf: String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
                default: utf8.append(escaped)
                }
            default:
                utf8.append(byte)
            }
        }
        throw fail("the JSON ends inside a string")
    }

    private mutating func hex4() throws(SubsonicNode.Unreadable) -> UInt32 {
        guard at + 4 <= bytes.count, let value = UInt32(String(decoding: bytes[at..<at + 4], as: UTF8.self), radix: 16) else {
            throw fail("a bad \\u escape")
        }
        at += 4
        return value
    }

    private func peek() -> UInt8? { at < bytes.count ? bytes[at] : nil }

    private mutating func skipSpace() {
        while let byte = peek(), SubsonicNode.isSpace(byte) { at += 1 }
    }

    private func fail(_ reason: String) -> SubsonicNode.Unreadable {
        SubsonicNode.Unreadable(reason: "the JSON is malformed at byte \(at): \(reason)")
    }
}
