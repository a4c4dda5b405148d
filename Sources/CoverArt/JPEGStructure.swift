/// What the decoder needs to know about a JPEG that TurboJPEG does not say, read from its marker
/// segments in Swift (no pixel data is touched):
/// - whether an Adobe APP14 segment is present — Adobe's CMYK and YCCK JPEGs store their inks inverted;
/// - the frame's kind and sample precision, so 12-bit and lossless JPEGs are named as such;
/// - whether the data reaches the end-of-image marker, i.e. whether the file is complete.
///
/// The walk trusts nothing: every length is checked against the bytes there are, and a malformed
/// stream simply ends the walk (TurboJPEG then says what is wrong with it).
struct JPEGStructure: Equatable {
    /// The Adobe APP14 segment's transform byte (0 none/CMYK, 1 YCbCr, 2 YCCK), nil without one.
    var adobeTransform: UInt8?
    /// The start-of-frame marker (0xC0 baseline, 0xC1 extended, 0xC2 progressive, 0xC3 lossless, …).
    var frameMarker: UInt8?
    var precision: Int?
    var components: Int?
    /// Whether an end-of-image marker follows the scans: false for a file cut short.
    var reachesEnd = false

    var hasAdobeMarker: Bool { adobeTransform != nil }

    init(_ bytes: [UInt8]) {
        guard bytes.starts(with: [0xFF, 0xD8]) else { return }
        var index = 2
        while index < bytes.count {
            // A marker is 0xFF (any number of them, as fill) and a code that is neither 0x00 nor 0xFF.
            guard bytes[index] == 0xFF else { return }
            while index < bytes.count, bytes[index] == 0xFF { index += 1 }
            guard index < bytes.count else { return }
            let marker = bytes[index]
            index += 1
            switch marker {
            case 0xD9:
                reachesEnd = true
                return
            case 0x01, 0xD0...0xD7:
                continue  // stand-alone markers: no length follows
            default:
                break
            }
            guard index + 2 <= bytes.count else { return }
            let length = Int(bytes[index]) << 8 | Int(bytes[index + 1])
            guard length >= 2, index + length <= bytes.count else { return }
            let payload = bytes[(index + 2)..<(index + length)]
            switch marker {
            case 0xEE where payload.count >= 12 && payload.starts(with: Array("Adobe".utf8)):
                adobeTransform = payload[payload.startIndex + 11]
            case 0xC0...0xCF where marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
                if frameMarker == nil, payload.count >= 6 {
                    frameMarker = marker
                    precision = Int(payload[payload.startIndex])
                    components = Int(payload[payload.startIndex + 5])
                }
            default:
                break
            }
            index += length
            if marker == 0xDA {
                // Entropy-coded data follows a scan header: 0xFF is stuffed as FF 00 there, and restart
                // markers (FF D0–D7) belong to it. Any other marker ends the scan.
                while index + 1 < bytes.count {
                    if bytes[index] == 0xFF, bytes[index + 1] != 0x00, !(0xD0...0xD7).contains(bytes[index + 1]), bytes[index + 1] != 0xFF {
                        break
                    }
                    index += 1
                }
                guard index + 1 < bytes.count else { return }
            }
        }
    }

    /// Why TurboJPEG cannot make RGB of this JPEG, when the frame header already says so.
    var unsupportedReason: String? {
        if let frameMarker {
            switch frameMarker {
            case 0xC3, 0xC7, 0xCB, 0xCF: return "lossless JPEG"
            case 0xC5, 0xC6, 0xCD, 0xCE: return "hierarchical JPEG"
            default: break
            }
        }
        if let precision, precision != 8 { return "\(precision)-bit samples (only 8-bit JPEGs are read)" }
        if let components, ![1, 3, 4].contains(components) { return "\(components) colour components" }
        return nil
    }
}
