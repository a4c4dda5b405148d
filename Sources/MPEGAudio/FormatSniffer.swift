/// Names common audio and image formats by their first bytes, so "not an MP3" can say what the file is.
enum FormatSniffer {
    static func lookalike(of header: some Collection<UInt8>) -> String? {
        let bytes = Array(header.prefix(12))
        func starts(with magic: String, at offset: Int = 0) -> Bool {
            let magicBytes = Array(magic.utf8)
            return bytes.count >= offset + magicBytes.count && Array(bytes[offset..<offset + magicBytes.count]) == magicBytes
        }
        if starts(with: "RIFF") && starts(with: "WAVE", at: 8) { return "a WAV file" }
        if starts(with: "fLaC") { return "a FLAC file" }
        if starts(with: "OggS") { return "an Ogg file" }
        if starts(with: "ftyp", at: 4) { return "an MP4/M4A file" }
        if starts(with: "FORM") { return "an AIFF file" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "a JPEG image" }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "a PNG image" }
        if starts(with: "%PDF") { return "a PDF document" }
        if starts(with: "PK") { return "a ZIP archive" }
        if let first = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }),
            first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        {
            return "JSON text"
        }
        if !bytes.isEmpty && bytes.allSatisfy({ (0x20...0x7E).contains($0) || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return "plain text"
        }
        if bytes.isEmpty { return "an empty file" }
        return nil
    }
}
