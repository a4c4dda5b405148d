/// Tells JPEG and PNG apart by their first bytes (a PNG named `.jpg` is a PNG), and names what
/// anything else looks like, so an unreadable cover can be reported as "a GIF image" or "HTML".
enum CoverSniffer {
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func format(of bytes: [UInt8]) -> CoverFormat? {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: pngSignature) { return .png }
        return nil
    }

    /// What bytes that are neither JPEG nor PNG seem to be.
    static func lookalike(of bytes: [UInt8]) -> String {
        let head = Array(bytes.prefix(64))
        func has(_ magic: String, at offset: Int = 0) -> Bool {
            let magicBytes = Array(magic.utf8)
            return head.count >= offset + magicBytes.count && Array(head[offset..<offset + magicBytes.count]) == magicBytes
        }
        if has("GIF87a") || has("GIF89a") { return "a GIF image" }
        if has("RIFF") && has("WEBP", at: 8) { return "a WebP image" }
        if has("ftyp", at: 4) {
            if has("avif", at: 8) || has("avis", at: 8) { return "an AVIF image" }
            if has("heic", at: 8) || has("heix", at: 8) || has("mif1", at: 8) { return "a HEIF image" }
            return "an MP4 file"
        }
        if head.starts(with: [0xFF, 0x0A]) || has("\u{0}\u{0}\u{0}\u{C}JXL ") { return "a JPEG XL image" }
        if has("II*\u{0}") || has("MM\u{0}*") { return "a TIFF image" }
        if has("BM") && head.count >= 14 && head[6..<10].allSatisfy({ $0 == 0 }) { return "a BMP image" }
        if head.starts(with: [0x00, 0x00, 0x01, 0x00]) && head.count >= 6 { return "an ICO icon" }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "a damaged PNG (its signature is wrong)" }
        if head.starts(with: [0xFF, 0xD8]) { return "a damaged JPEG (no marker after its start)" }
        if has("ID3") || (head.count >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0) { return "an MP3 file" }
        if has("%PDF") { return "a PDF document" }
        if has("PK\u{3}\u{4}") { return "a ZIP archive" }

        let text = head.drop(while: { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF })
        let printable = !text.isEmpty && text.allSatisfy { (0x20...0x7E).contains($0) || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 >= 0x80 }
        if printable, let first = text.first {
            let lowered = String(decoding: text.prefix(32), as: UTF8.self).lowercased()
            if first == UInt8(ascii: "<") {
                if lowered.contains("svg") { return "an SVG image" }
                if lowered.contains("html") { return "HTML" }
                return "XML text"
            }
            if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return "JSON text" }
            return "text: \"\(preview(text))\""
        }
        let hex = head.prefix(8).map { byte in
            let digits = String(byte, radix: 16, uppercase: true)
            return digits.count == 1 ? "0" + digits : digits
        }
        return "unknown data starting \(hex.joined(separator: " "))"
    }

    /// The first line of some text, at most 24 characters, for a message.
    private static func preview(_ text: some Collection<UInt8>) -> String {
        let line = text.prefix(while: { $0 != 0x0A && $0 != 0x0D })
        let string = String(decoding: line, as: UTF8.self)
        return string.count > 24 ? String(string.prefix(24)) + "…" : string
    }
}
