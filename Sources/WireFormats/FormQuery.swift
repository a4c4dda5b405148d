import Foundation

/// A query string as browsers and curl send it: `&`-separated, `+` for space, percent-escapes.
public enum FormQuery {
    public static func parse(_ query: String?) -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let rawName = parts.first else { continue }
            let name = decode(rawName)
            // The first occurrence wins, so `?genre=Rock&genre=Pop` means Rock, predictably.
            if parameters[name] == nil { parameters[name] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return parameters
    }

    /// `+` as a space, then percent-escapes; nil when an escape is broken or the bytes are not UTF-8.
    public static func strictlyDecoded(_ text: some StringProtocol) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    /// A broken escape in a query is kept as typed rather than refused.
    static func decode(_ text: Substring) -> String {
        strictlyDecoded(text) ?? text.replacingOccurrences(of: "+", with: " ")
    }
}
