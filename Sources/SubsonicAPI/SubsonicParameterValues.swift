import Foundation
import WireFormats

/// The typed readings of a request's parameters, with the errors Subsonic clients expect.
extension SubsonicParameters {
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
}
