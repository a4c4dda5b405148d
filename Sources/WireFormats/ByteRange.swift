/// What a `Range` header asks of an object of a known size (RFC 9110 §14).
///
/// Only single byte ranges are served; a header the server may ignore (malformed, several ranges, another
/// unit) is ignored, and the whole object is sent, as the RFC allows.
public enum ByteRangeRequest: Hashable, Sendable {
    case whole
    case partial(ClosedRange<Int>)
    case unsatisfiable

    public static func parse(_ header: String?, size: Int) -> ByteRangeRequest {
        guard let header else { return .whole }
        let trimmed = header.trimmingSpaces()
        guard let equals = trimmed.firstIndex(of: "="),
            trimmed[..<equals].trimmingSpaces().lowercased() == "bytes"
        else { return .whole }
        let spec = trimmed[trimmed.index(after: equals)...].trimmingSpaces()
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return .whole }
        let first = spec[..<dash].trimmingSpaces()
        let last = spec[spec.index(after: dash)...].trimmingSpaces()

        if first.isEmpty {
            // "-N": the last N bytes.
            guard let suffix = position(last) else { return .whole }
            guard suffix > 0, size > 0 else { return .unsatisfiable }
            return .partial(max(0, size - suffix)...(size - 1))
        }
        guard let start = position(first) else { return .whole }
        let end: Int
        if last.isEmpty {
            end = size - 1
        } else {
            guard let requested = position(last), requested >= start else { return .whole }
            end = min(requested, size - 1)
        }
        guard start < size else { return .unsatisfiable }
        return .partial(start...end)
    }

    /// Digits only; a number too big for Int still means "beyond the end".
    private static func position(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text) ?? Int.max
    }
}

extension StringProtocol {
    /// Without the spaces and tabs HTTP allows around a header's parts.
    public func trimmingSpaces() -> Substring {
        let slice = self[...]
        guard let start = slice.firstIndex(where: { $0 != " " && $0 != "\t" }),
            let end = slice.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return Substring("") }
        return Substring(slice[start...end])
    }
}
