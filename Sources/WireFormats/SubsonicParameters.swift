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

    private static func pairs(in text: String) -> [Pair] {
        text.split(separator: "&").compactMap { piece in
            let parts = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let rawName = parts.first else { return nil }
            let name = FormQuery.decode(rawName)
            guard !name.isEmpty else { return nil }
            return Pair(name: name, value: parts.count > 1 ? FormQuery.decode(parts[1]) : "")
        }
    }
}
