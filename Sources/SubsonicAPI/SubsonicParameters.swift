import Foundation

/// A request's parameters, from its query string and its form body merged, in order, repeats kept: Subsonic
/// clients send `id` and `songIdToAdd` once per song, and DSub puts everything in the query string of a POST.
public struct SubsonicParameters: Sendable, Equatable {
    public private(set) var pairs: [Pair]

    public struct Pair: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    /// `query` first, then `form` (an `application/x-www-form-urlencoded` body).
    public init(query: String?, form: String? = nil) {
        pairs = Self.pairs(in: query ?? "") + Self.pairs(in: form ?? "")
    }

    /// The first value given for `name`.
    public subscript(_ name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Every value given for `name`, in order.
    public func all(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    /// A value that must be there and not empty.
    func required(_ name: String) throws(SubsonicError) -> String {
        guard let value = self[name], !value.isEmpty else { throw .missing(name) }
        return value
    }

    /// A whole number within `range`; `fallback` when absent or empty, error 0 saying why when it is not a number.
    func integer(_ name: String, default fallback: Int? = nil, in range: ClosedRange<Int> = Int.min...Int.max) throws(SubsonicError) -> Int? {
        guard let raw = self[name], !raw.isEmpty else { return fallback }
        guard let value = Int(raw.trimmingCharacters(in: .whitespaces)) else {
            throw SubsonicError(.generic, "\(name) must be a whole number, not \(raw.prefix(40).debugDescription)")
        }
        return min(max(value, range.lowerBound), range.upperBound)
    }

    /// Subsonic's booleans are `true` and `false`; `1` and `0` are taken too.
    func flag(_ name: String) -> Bool? {
        switch self[name]?.lowercased() {
        case "true", "1": true
        case "false", "0": false
        default: nil
        }
    }

    private static func pairs(in text: String) -> [Pair] {
        text.split(separator: "&").compactMap { piece in
            let parts = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let rawName = parts.first else { return nil }
            let name = decode(rawName)
            guard !name.isEmpty else { return nil }
            return Pair(name: name, value: parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// `+` as a space, then percent-escapes; a broken escape is kept as typed rather than refused.
    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
