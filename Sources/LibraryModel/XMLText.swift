/// The five predefined XML entities and numeric references, for text read outside a full parser (an S3
/// error document's fields, a Subsonic server's attributes). A reference it does not know stays as written.
public enum XMLText {
    public static func unescape(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var result = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";") else {
                result += rest[amp...]
                return result
            }
            let entity = rest[rest.index(after: amp)..<semicolon]
            switch entity {
            case "amp": result += "&"
            case "lt": result += "<"
            case "gt": result += ">"
            case "quot": result += "\""
            case "apos": result += "'"
            default:
                let number = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16) : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                if let number, let scalar = Unicode.Scalar(number) {
                    result.unicodeScalars.append(scalar)
                } else {
                    result += "&\(entity);"
                }
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return result + rest
    }
}

extension XMLText {
    /// Where bytes stop being UTF-8 (0-based), when they must not reach Foundation's `XMLParser` for it.
    ///
    /// swift-corelibs-foundation force-unwraps the text libxml2 hands its callbacks as UTF-8: a processing
    /// instruction whose name is not UTF-8 (`<?xml` then bytes ≥ 0x80, found by fuzzing) ends the process.
    /// Text that is UTF-8 throughout, or UTF-16 with its byte-order mark (which libxml2 converts), is nil.
    public static func firstNonUTF8Byte(in bytes: [UInt8]) -> Int? {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return nil }
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var decodedBytes = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): decodedBytes += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return decodedBytes
            }
        }
    }
}
