import Foundation

/// The form of a piece of text that sorting and searching compare: case and accents folded away, so
/// "Beyoncé" sorts beside "beyonce" and `?q=beyonce` finds it. Server and TUI fold the same way.
public enum SearchKey {
    public static func fold(_ text: String) -> String {
        if let ascii = foldedASCII(text) { return ascii }
        return text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
    }

    /// ASCII text folds to itself with A–Z lowered, the same as Foundation's folding (a test compares the
    /// two over every character), without its cost: most titles are ASCII, and listings fold every one.
    private static func foldedASCII(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            var lowered = false
            for byte in bytes {
                if byte >= 0x80 { return nil }
                if byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") { lowered = true }
            }
            guard lowered else { return String(decoding: bytes, as: UTF8.self) }
            return String(unsafeUninitializedCapacity: bytes.count) { output in
                for (index, byte) in bytes.enumerated() {
                    output[index] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 0x20 : byte
                }
                return bytes.count
            }
        }
    }
}
