@testable import CoverArt
import TestSupport
import Testing

/// Pictures and image files the tests make themselves: no binary fixture is committed. The two-colour
/// cover is TestSupport's.
extension TestCovers {
    /// A picture of one colour.
    static func flat(width: Int, height: Int, _ colour: RGB, alpha: UInt8 = 255) throws -> CoverPicture {
        let pixel = [colour.red, colour.green, colour.blue, alpha]
        return try CoverPicture(width: width, height: height, rgba: Array([[UInt8]](repeating: pixel, count: width * height).joined()))
    }

    static func pixel(_ picture: CoverPicture, _ x: Int, _ y: Int) -> [UInt8] {
        let start = (y * picture.width + x) * 4
        return Array(picture.rgba[start..<start + 4])
    }

    /// Whether the pixel at (x, y) is `colour` within `tolerance` on each channel, and opaque.
    static func isClose(_ picture: CoverPicture, _ x: Int, _ y: Int, to colour: RGB, tolerance: Int) -> Bool {
        let found = pixel(picture, x, y)
        return abs(Int(found[0]) - Int(colour.red)) <= tolerance && abs(Int(found[1]) - Int(colour.green)) <= tolerance
            && abs(Int(found[2]) - Int(colour.blue)) <= tolerance && found[3] == 255
    }

    /// Expects the pixel at (x, y) to be `colour` within `tolerance`, and opaque (the picture itself is
    /// left out of the failure message: it would be thousands of numbers).
    static func expectClose(
        _ picture: CoverPicture, _ x: Int, _ y: Int, to colour: RGB, tolerance: Int, _ comment: Comment? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let close = isClose(picture, x, y, to: colour, tolerance: tolerance)
        #expect(close, "(\(x), \(y)) is \(pixel(picture, x, y)), not \(colour)\(comment.map { ": \($0)" } ?? "")", sourceLocation: sourceLocation)
    }

    /// Checks the two-colour cover's colours at points well inside each half.
    static func expectTwoColours(_ picture: CoverPicture, tolerance: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let y = picture.height / 2
        let left = picture.width / 4
        let right = picture.width * 3 / 4
        let leftIsRed = isClose(picture, left, y, to: red, tolerance: tolerance)
        let rightIsBlue = isClose(picture, right, y, to: blue, tolerance: tolerance)
        #expect(leftIsRed, "left: \(pixel(picture, left, y))", sourceLocation: sourceLocation)
        #expect(rightIsBlue, "right: \(pixel(picture, right, y))", sourceLocation: sourceLocation)
    }

    // MARK: CMYK

    /// The naive CMYK inks for an RGB colour (K from the brightest channel), stored inverted (255 = no
    /// ink) the way Adobe's JPEGs store them when `inverted` is set.
    static func cmyk(_ colour: RGB, inverted: Bool) -> [UInt8] {
        let red = Int(colour.red), green = Int(colour.green), blue = Int(colour.blue)
        let key = 255 - max(red, green, blue)
        func ink(_ channel: Int) -> Int { key == 255 ? 0 : ((255 - channel - key) * 255 + (255 - key) / 2) / (255 - key) }
        let inks = [ink(red), ink(green), ink(blue), key].map { UInt8(inverted ? 255 - $0 : $0) }
        return inks
    }

    /// The two-colour cover as CMYK pixels, for TurboJPEG to make a YCCK JPEG of.
    static func twoColourCMYK(width: Int, height: Int, inverted: Bool) -> [UInt8] {
        let left = cmyk(red, inverted: inverted)
        let right = cmyk(blue, inverted: inverted)
        var pixels: [UInt8] = []
        for _ in 0..<height {
            for x in 0..<width { pixels += x < width / 2 ? left : right }
        }
        return pixels
    }

    // MARK: JPEG surgery

    /// The offset of the first marker segment with this code (its 0xFF byte), walking the segments.
    static func segment(_ marker: UInt8, in jpeg: [UInt8]) -> Int? {
        var index = 2
        while index + 4 <= jpeg.count, jpeg[index] == 0xFF {
            if jpeg[index + 1] == marker { return index }
            if jpeg[index + 1] == 0xDA { return nil }
            index += 2 + (Int(jpeg[index + 2]) << 8 | Int(jpeg[index + 3]))
        }
        return nil
    }

    /// A small real JPEG whose frame header now claims `width × height`; with `headerOnly`, cut just
    /// after the scan header, so no pixel data is present at all.
    static func jpegClaiming(width: Int, height: Int, headerOnly: Bool = false) throws -> [UInt8] {
        var jpeg = try CoverEncoder.jpeg(try twoColour(width: 16, height: 16))
        let frame = try #require(segment(0xC0, in: jpeg))
        jpeg[frame + 5] = UInt8(height >> 8)
        jpeg[frame + 6] = UInt8(height & 0xFF)
        jpeg[frame + 7] = UInt8(width >> 8)
        jpeg[frame + 8] = UInt8(width & 0xFF)
        if headerOnly {
            let scan = try #require(jpeg.indices.dropLast().first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xDA })
            let length = Int(jpeg[scan + 2]) << 8 | Int(jpeg[scan + 3])
            jpeg = Array(jpeg[..<(scan + 2 + length)])
        }
        return jpeg
    }
}

/// PNG files put together byte by byte: for what libpng's simplified writer cannot make (interlacing)
/// and for headers that claim sizes nobody should allocate.
enum HandMadePNG {
    static func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeAndData = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typeAndData + bigEndian(crc32(typeAndData))
    }

    /// A zlib stream of "stored" (uncompressed) deflate blocks.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let count = min(65535, data.count - offset)
            let final: UInt8 = offset + count == data.count ? 1 : 0
            out += [final, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            out += data[offset..<offset + count]
            offset += count
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return out + bigEndian(b << 16 | a)
    }

    static func png(width: UInt32, height: UInt32, colourType: UInt8 = 2, interlaced: Bool = false, imageData: [UInt8]) -> [UInt8] {
        let header = bigEndian(width) + bigEndian(height) + [8, colourType, 0, 0, interlaced ? 1 : 0]
        return CoverSniffer.pngSignature + chunk("IHDR", header) + chunk("IDAT", imageData) + chunk("IEND", [])
    }

    /// An Adam7-interlaced 8-bit RGB PNG of `colour(x, y)`.
    static func interlacedRGB(width: Int, height: Int, colour: (Int, Int) -> [UInt8]) -> [UInt8] {
        let passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        var raw: [UInt8] = []
        for (x0, y0, dx, dy) in passes {
            let columns = width > x0 ? (width - x0 + dx - 1) / dx : 0
            let rows = height > y0 ? (height - y0 + dy - 1) / dy : 0
            guard columns > 0, rows > 0 else { continue }
            for row in 0..<rows {
                raw.append(0)  // filter: none
                for column in 0..<columns { raw += colour(x0 + column * dx, y0 + row * dy) }
            }
        }
        return png(width: UInt32(width), height: UInt32(height), interlaced: true, imageData: zlibStored(raw))
    }
}

/// xorshift64*: the same "random" bytes on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}
