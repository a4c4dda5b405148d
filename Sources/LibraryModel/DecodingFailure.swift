import Foundation

/// Foundation's decoding errors, in the sentence a person can act on.
public enum DecodingFailure {
    /// Malformed JSON: the useful sentence ("Unexpected end of file") is buried in the underlying error.
    /// A wrong shape: the path to the field, and what was expected there.
    public static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            guard let underlying = context.underlyingError else { return context.debugDescription }
            let text = "\(underlying)"
            if let range = text.range(of: "NSDebugDescription=") {
                return String(text[range.upperBound...].prefix { $0 != "}" && $0 != "," })
            }
            return text
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}
