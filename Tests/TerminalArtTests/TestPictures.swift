import CoverArt
import Foundation
import TerminalArt
import TestSupport

/// Pictures made in the tests, so nothing depends on decoding.
enum TestPictures {
    static let red = RGB(r: 200, g: 30, b: 30)
    static let blue = RGB(r: 30, g: 30, b: 200)

    /// The two-colour test cover: left half red (200,30,30), right half blue (30,30,200).
    static func twoColour(width: Int = 64, height: Int = 64) throws -> CoverPicture {
        try TestCovers.twoColour(width: width, height: height)
    }

    static func solid(_ color: RGB, width: Int, height: Int) throws -> CoverPicture {
        try CoverPicture(width: width, height: height, rgba: Array((0..<width * height).map { _ in [color.r, color.g, color.b, 255] }.joined()))
    }

    /// Bytes that start like a PNG and run long enough for several kitty chunks; their content does not
    /// matter to the encoders, which only carry them.
    static func fakePNG(count: Int) -> [UInt8] {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var state: UInt32 = 0x1234_5678
        while bytes.count < count {
            state = state &* 1_664_525 &+ 1_013_904_223
            bytes.append(UInt8(truncatingIfNeeded: state >> 24))
        }
        return Array(bytes.prefix(count))
    }

    static func close(_ a: RGB, _ b: RGB, within tolerance: Int = 6) -> Bool {
        abs(Int(a.r) - Int(b.r)) <= tolerance && abs(Int(a.g) - Int(b.g)) <= tolerance && abs(Int(a.b) - Int(b.b)) <= tolerance
    }
}

extension String {
    /// The string with ESC shown as `\e`, for readable expectations in failure messages.
    var visible: String { replacingOccurrences(of: "\u{1B}", with: "\\e").replacingOccurrences(of: "\u{07}", with: "\\a") }
}
