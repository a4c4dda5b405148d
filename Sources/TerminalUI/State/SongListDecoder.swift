/// `GET /songs`' JSON read straight into `LibrarySong`s in one pass over the bytes: a million songs are
/// 220 MB of JSON, and Foundation's decoder first builds a map of the whole document (several times
/// its size) and then a `String` per key. Only the fields a song keeps are read; any other field, of
/// any shape, is skipped, so a newer service's additions do not break an older UI.
public enum SongListDecoder {
    /// Where and why the bytes are not a list of songs.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var offset: Int
        public var reason: String

        public var description: String { "byte \(offset): \(reason)" }
    }

    public static func decode(_ bytes: [UInt8]) throws(Failure) -> [LibrarySong] {
        let decoded = bytes.withUnsafeBufferPointer { buffer -> Result<[LibrarySong], Failure> in
            var reader = Reader(bytes: buffer)
            do throws(Failure) {
                return .success(try reader.songs())
            } catch {
                return .failure(error)
            }
        }
        return try decoded.get()
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0

        mutating func songs() throws(Failure) -> [LibrarySong] {
            try expect(UInt8(ascii: "["))
            var songs: [LibrarySong] = []
            // About 220 bytes of JSON a song, as the service writes them.
            songs.reserveCapacity(bytes.count / 200)
            if try peek() == UInt8(ascii: "]") {
                at += 1
                return songs
            }
            while true {
                songs.append(try song())
                switch try next() {
                case UInt8(ascii: ","): continue
                case UInt8(ascii: "]"):
                    guard (try? peek()) == nil else { throw fail("data after the list") }
                    return songs
                default: throw fail("expected , or ] after a song", back: 1)
                }
            }
        }

        private mutating func song() throws(Failure) -> LibrarySong {
            let start = at
            try expect(UInt8(ascii: "{"))
            var id: String?, title: String?, file: String?
            var artist = "", album = "", genre = ""
            var year: Int?, duration: Double?, image: String?, lastPlayed: String?
            var liked = false, rating = 0, plays = 0
            if try peek() == UInt8(ascii: "}") {
                at += 1
            } else {
                while true {
                    let key = try keyBytes()
                    try expect(UInt8(ascii: ":"))
                    switch Key(key) {
                    case .id: id = try text()
                    case .title: title = try text()
                    case .artist: artist = try optionalText() ?? ""
                    case .album: album = try optionalText() ?? ""
                    case .genre: genre = try optionalText() ?? ""
                    case .file: file = try text()
                    case .image: image = try optionalText()
                    case .lastPlayed: lastPlayed = try optionalText()
                    case .year: year = try optionalInteger()
                    case .rating: rating = try optionalInteger() ?? 0
                    case .plays: plays = try optionalInteger() ?? 0
                    case .duration: duration = try optionalNumber()
                    case .liked: liked = try optionalBool() ?? false
                    case .other: try skipValue()
                    }
                    switch try next() {
                    case UInt8(ascii: ","): continue
                    case UInt8(ascii: "}"): break
                    default: throw fail("expected , or } in a song", back: 1)
                    }
                    break
                }
            }
            guard let id, let title, let file else {
                throw Failure(offset: start, reason: "a song without \(id == nil ? "id" : title == nil ? "title" : "file")")
            }
            return LibrarySong(
                id: id, title: title, artist: artist, album: album, genre: genre, year: year, duration: duration, file: file, image: image,
                liked: liked, rating: rating, plays: plays, lastPlayed: lastPlayed)
        }

        /// The fields a song keeps, told apart by their bytes without making a String of each key.
        private enum Key {
            case id, title, artist, album, genre, file, image, lastPlayed, year, rating, plays, duration, liked, other

            init(_ key: UnsafeBufferPointer<UInt8>) {
                func equals(_ name: StaticString) -> Bool {
                    name.withUTF8Buffer { $0.elementsEqual(key) }
                }
                self = switch key.count {
                case 2: equals("id") ? .id : .other
                case 4: equals("year") ? .year : equals("file") ? .file : .other
                case 5: equals("title") ? .title : equals("album") ? .album : equals("genre") ? .genre : equals("image") ? .image
                    : equals("liked") ? .liked : equals("plays") ? .plays : .other
                case 6: equals("artist") ? .artist : equals("rating") ? .rating : .other
                case 8: equals("duration") ? .duration : .other
                case 10: equals("lastPlayed") ? .lastPlayed : .other
                default: .other
                }
            }
        }

        // MARK: Values

        private mutating func text() throws(Failure) -> String {
            guard let text = try optionalText() else { throw fail("expected a string, not null") }
            return text
        }

        private mutating func optionalText() throws(Failure) -> String? {
            if try isNull() { return nil }
            try expect(UInt8(ascii: "\""))
            let start = at
            while at < bytes.count {
                let byte = bytes[at]
                if byte == UInt8(ascii: "\"") {
                    at += 1
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(at - 1)]), as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") {
                    at = start
                    return try escapedText()
                }
                if byte < 0x20 { throw fail("a control character in a string") }
                at += 1
            }
            throw fail("a string that does not end")
        }

        /// A string with escapes, from just after its opening quote.
        private mutating func escapedText() throws(Failure) -> String {
            var utf8: [UInt8] = []
            while at < bytes.count {
                let byte = bytes[at]
                at += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(decoding: utf8, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard at < bytes.count else { break }
                    let escape = bytes[at]
                    at += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                    case UInt8(ascii: "b"): utf8.append(0x08)
                    case UInt8(ascii: "f"): utf8.append(0x0C)
                    case UInt8(ascii: "n"): utf8.append(0x0A)
                    case UInt8(ascii: "r"): utf8.append(0x0D)
                    case UInt8(ascii: "t"): utf8.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800..<0xDC00).contains(scalar), at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") {
                            at += 2
                            let low = try hex4()
                            scalar = (0xDC00..<0xE000).contains(low) ? 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00) : 0xFFFD
                        }
                        utf8 += String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8
                    default: throw fail("an unknown escape in a string", back: 1)
                    }
                default:
                    if byte < 0x20 { throw fail("a control character in a string", back: 1) }
                    utf8.append(byte)
                }
            }
            throw fail("a string that does not end")
        }

        private mutating func hex4() throws(Failure) -> UInt32 {
            guard at + 4 <= bytes.count else { throw fail("a \\u escape cut short") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[at]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw fail("a \\u escape that is not hex")
                }
                value = value << 4 | UInt32(digit)
                at += 1
            }
            return value
        }

        /// An integer field; one written with a fraction or exponent (2.0) is taken whole, as the
        /// service's own decoder takes it; beyond Int's range is an error, not a trap.
        private mutating func optionalInteger() throws(Failure) -> Int? {
            guard let number = try optionalNumber() else { return nil }
            guard number.rounded(.towardZero) == number, let integer = Int(exactly: number) else {
                throw fail("expected a whole number")
            }
            return integer
        }

        private mutating func optionalNumber() throws(Failure) -> Double? {
            if try isNull() { return nil }
            let start = at
            var integer: Int64 = 0
            var simple = true
            if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
            let digits = at
            while at < bytes.count {
                let byte = bytes[at]
                if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                    if at - digits < 18 { integer = integer * 10 + Int64(byte - UInt8(ascii: "0")) } else { simple = false }
                } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "+")
                    || byte == UInt8(ascii: "-") {
                    simple = false
                } else {
                    break
                }
                at += 1
            }
            guard at > digits else { throw fail("expected a number") }
            if simple { return Double(bytes[start] == UInt8(ascii: "-") ? -integer : integer) }
            guard let value = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)) else {
                throw Failure(offset: start, reason: "not a number")
            }
            return value
        }

        private mutating func optionalBool() throws(Failure) -> Bool? {
            if try isNull() { return nil }
            if word("true") { return true }
            if word("false") { return false }
            throw fail("expected true or false")
        }

        private mutating func isNull() throws(Failure) -> Bool {
            _ = try peek()
            return word("null")
        }

        /// Any value, nested or not, stepped over.
        private mutating func skipValue() throws(Failure) {
            switch try peek() {
            case UInt8(ascii: "\""): _ = try optionalText()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                repeat {
                    let byte = try next()
                    switch byte {
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                    case UInt8(ascii: "\""):
                        at -= 1
                        _ = try optionalText()
                    default: break
                    }
                } while depth > 0
            case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try optionalBool()
            case UInt8(ascii: "n"): guard word("null") else { throw fail("expected a value") }
            default: _ = try optionalNumber()
            }
        }

        // MARK: Bytes

        /// A key's bytes (keys the service writes have no escapes; one that does is simply not known).
        private mutating func keyBytes() throws(Failure) -> UnsafeBufferPointer<UInt8> {
            try expect(UInt8(ascii: "\""))
            let start = at
            while at < bytes.count, bytes[at] != UInt8(ascii: "\"") {
                if bytes[at] == UInt8(ascii: "\\") { at += 1 }
                at += 1
            }
            guard at < bytes.count else { throw fail("a key that does not end") }
            at += 1
            return UnsafeBufferPointer(rebasing: bytes[start..<(at - 1)])
        }

        private mutating func word(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard at + count <= bytes.count, text.withUTF8Buffer({ $0.elementsEqual(bytes[at..<(at + count)]) }) else { return false }
            at += count
            return true
        }

        private mutating func skipSpace() {
            while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
        }

        /// The next byte that is not space, not taken.
        private mutating func peek() throws(Failure) -> UInt8 {
            skipSpace()
            guard at < bytes.count else { throw fail("the list ends too soon") }
            return bytes[at]
        }

        private mutating func next() throws(Failure) -> UInt8 {
            let byte = try peek()
            at += 1
            return byte
        }

        private mutating func expect(_ byte: UInt8) throws(Failure) {
            guard try next() == byte else { throw fail("expected \(Character(Unicode.Scalar(byte)))", back: 1) }
        }

        private func fail(_ reason: String, back: Int = 0) -> Failure {
            Failure(offset: max(0, at - back), reason: reason)
        }
    }
}
