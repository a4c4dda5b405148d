@testable import CoverArt
import Foundation
import TestSupport
import Testing

@Suite("Bad covers are refused with a reason, never a crash")
struct BadCoverTests {
    /// Both entry points refuse `bytes` with `error`.
    func expectRefused(_ bytes: [UInt8], _ error: CoverError, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: error, sourceLocation: sourceLocation) { try CoverDecoder.info(bytes) }
        #expect(throws: error, sourceLocation: sourceLocation) { try CoverDecoder.decode(bytes) }
        #expect(throws: error, sourceLocation: sourceLocation) { try CoverDecoder.decode(bytes, fitting: CoverSize(square: 64)) }
    }

    func decodeError(_ bytes: [UInt8]) -> CoverError? {
        do {
            _ = try CoverDecoder.decode(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test("an empty file")
    func empty() {
        expectRefused([], .empty)
        #expect(CoverError.empty.description == "the cover is an empty file")
    }

    @Test("what is neither JPEG nor PNG is named as what it looks like", arguments: [
        (Array("Not Found\n".utf8), "text: \"Not Found\""),
        (Array("<!DOCTYPE html><html><body>404</body></html>".utf8), "HTML"),
        (Array("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>".utf8), "an SVG image"),
        (Array(#"{"error":"no such key"}"#.utf8), "JSON text"),
        (Array("GIF89a".utf8) + [0x10, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00], "a GIF image"),
        (Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WEBPVP8 ".utf8) + [UInt8](repeating: 0, count: 20), "a WebP image"),
        ([0, 0, 0, 0x1C] + Array("ftypavif".utf8) + [UInt8](repeating: 0, count: 16), "an AVIF image"),
        (Array("II*".utf8) + [0, 8, 0, 0, 0], "a TIFF image"),
        (Array("ID3".utf8) + [4, 0, 0, 0, 0, 0, 0], "an MP3 file"),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x00, 0x0A], "a damaged PNG (its signature is wrong)"),
        ([0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99], "unknown data starting 00 11 22 33 44 55 66 77"),
    ] as [([UInt8], String)])
    func unrecognized(bytes: [UInt8], looksLike: String) {
        expectRefused(bytes, .unrecognized(looksLike: looksLike))
        #expect(CoverError.unrecognized(looksLike: looksLike).description == "the cover is not a JPEG or PNG: it looks like \(looksLike)")
    }

    @Test("a PNG named .jpg is read as the PNG it is")
    func pngNamedJPG() throws {
        let cover = try TestCovers.twoColour(width: 40, height: 20)
        let file = try Fixtures.temporaryDirectory("cover").appendingPathComponent("cover.jpg")
        try Data(try CoverEncoder.png(cover)).write(to: file)
        let bytes = [UInt8](try Data(contentsOf: file))
        #expect(try CoverDecoder.info(bytes).format == .png)
        #expect(try CoverDecoder.decode(bytes) == cover)
    }

    @Test("a JPEG cut in half is refused as corrupt, with TurboJPEG's words", arguments: [false, true])
    func truncatedJPEG(progressive: Bool) throws {
        let cover = try TestCovers.twoColour(width: 256, height: 256)
        let jpeg = try CoverEncoder.jpeg(pixels: cover.rgba, width: 256, height: 256, layout: .rgba, subsampling: .s420, quality: 90, progressive: progressive)
        let half = Array(jpeg.prefix(jpeg.count / 2))
        #expect(try CoverDecoder.info(half) == CoverInfo(format: .jpeg, width: 256, height: 256), "the header is intact")
        let error = try #require(decodeError(half))
        guard case .corrupt(.jpeg, let message) = error else {
            Issue.record("expected a corrupt JPEG, got \(error)")
            return
        }
        #expect(message.hasPrefix("the data ends before the image does ("), "\(message)")
        #expect(error.description.hasPrefix("the JPEG cover is damaged: the data ends before the image does ("))
        if !progressive {
            // Cut inside the one scan: libjpeg's own warning. (Cut between a progressive JPEG's scans,
            // its message is about whichever segment it was cut in.)
            #expect(message == "the data ends before the image does (Premature end of JPEG file)")
        }
        #expect(decodeError(Array(jpeg.prefix(jpeg.count / 2))) == error, "the same answer every time")
        #expect(throws: CoverError.self) { try CoverDecoder.decode(half, fitting: CoverSize(square: 32)) }
    }

    @Test("a JPEG cut inside its header is refused as corrupt")
    func truncatedJPEGHeader() throws {
        let jpeg = try CoverEncoder.jpeg(try TestCovers.twoColour(width: 64, height: 64))
        for length in [3, 4, 20, 100] {
            let error = try #require(decodeError(Array(jpeg.prefix(length))))
            guard case .corrupt(.jpeg, let message) = error else {
                Issue.record("\(length) bytes: \(error)")
                continue
            }
            #expect(!message.isEmpty)
        }
    }

    @Test("a JPEG with damaged data but its end intact still shows, full size")
    func damagedJPEGData() throws {
        let cover = try TestCovers.twoColour(width: 256, height: 256)
        var jpeg = try CoverEncoder.jpeg(cover)
        let middle = jpeg.count / 2
        for index in middle..<(middle + 64) { jpeg[index] = 0x55 }
        let picture = try CoverDecoder.decode(jpeg)
        #expect(picture.size == cover.size)
        TestCovers.expectClose(picture, 10, 10, to: TestCovers.red, tolerance: 10, "what came before the damage is intact")
    }

    @Test("damage anywhere: refused, or a picture TurboJPEG really finished", arguments: [false, true])
    func damageSweep(progressive: Bool) throws {
        // After a warning TurboJPEG may still stop half-way (and say "warning"); such a decode must be
        // refused, never handed out with pixels nobody wrote.
        let cover = try TestCovers.twoColour(width: 128, height: 128)
        let jpeg = try CoverEncoder.jpeg(pixels: cover.rgba, width: 128, height: 128, layout: .rgba, subsampling: .s420, quality: 90, progressive: progressive)
        var accepted = 0
        var refused = 0
        for position in stride(from: 100, to: jpeg.count - 30, by: 23) {
            var damaged = jpeg
            for index in position..<(position + 24) { damaged[index] = UInt8((index * 73) & 0xFF) }
            do {
                let picture = try CoverDecoder.decode(damaged)
                let complete = picture.size == cover.size && stride(from: 3, to: picture.rgba.count, by: 4).allSatisfy { picture.rgba[$0] == 255 }
                #expect(complete, "damage at \(position)")
                accepted += 1
            } catch {
                guard case .corrupt(.jpeg, _) = error else {
                    Issue.record("damage at \(position): \(error)")
                    continue
                }
                refused += 1
            }
        }
        #expect(accepted > 0 && refused > 0, "accepted \(accepted), refused \(refused)")
    }

    @Test("a damaged CMYK JPEG is refused: there is no telling whether TurboJPEG finished it")
    func damagedCMYK() throws {
        let cmyk = TestCovers.twoColourCMYK(width: 128, height: 128, inverted: true)
        var jpeg = try CoverEncoder.jpeg(pixels: cmyk, width: 128, height: 128, layout: .cmyk, subsampling: .s420, quality: 90)
        let middle = jpeg.count / 2
        for index in middle..<(middle + 64) { jpeg[index] = 0x55 }
        let error = try #require(decodeError(jpeg))
        guard case .corrupt(.jpeg, _) = error else {
            Issue.record("got \(error)")
            return
        }
    }

    @Test("a JPEG with a damaged header is refused as corrupt")
    func damagedJPEGHeader() throws {
        var jpeg = try CoverEncoder.jpeg(try TestCovers.twoColour(width: 64, height: 64))
        let table = try #require(TestCovers.segment(0xC4, in: jpeg))
        jpeg[table + 2] = 0xFF  // a Huffman table's length far past the file's end
        let error = try #require(decodeError(jpeg))
        guard case .corrupt(.jpeg, _) = error else {
            Issue.record("got \(error)")
            return
        }
    }

    @Test("random bytes after a JPEG or PNG signature never crash", arguments: 1...8)
    func noise(seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed))
        let noise = (0..<2000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for bytes in [[0xFF, 0xD8, 0xFF] + noise, CoverSniffer.pngSignature + noise] {
            #expect(throws: CoverError.self) { try CoverDecoder.decode(bytes) }
            #expect(throws: CoverError.self) { try CoverDecoder.info(bytes) }
        }
    }

    @Test("a PNG cut in half, or with damaged image data, is refused as corrupt with libpng's words")
    func damagedPNG() throws {
        // Noise does not compress, so half the file is half the image data.
        var generator = SeededGenerator(seed: 7)
        let noise = (0..<(64 * 64 * 4)).map { index in index % 4 == 3 ? 255 : UInt8.random(in: 0...255, using: &generator) }
        let png = try CoverEncoder.png(try CoverPicture(width: 64, height: 64, rgba: noise))
        let half = Array(png.prefix(png.count / 2))
        #expect(try CoverDecoder.info(half) == CoverInfo(format: .png, width: 64, height: 64), "the header is intact")
        for bytes in [half, { var damaged = png; for index in (png.count / 2)..<(png.count / 2 + 32) { damaged[index] ^= 0x5A }; return damaged }()] {
            let error = try #require(decodeError(bytes))
            guard case .corrupt(.png, let message) = error else {
                Issue.record("got \(error)")
                continue
            }
            #expect(!message.isEmpty && message != "libpng error", "\(message)")
        }
    }

    @Test("20,000 × 20,000 is refused from the header, before anything is decoded")
    func tooManyPixelsJPEG() throws {
        let refusal = CoverError.tooManyPixels(width: 20000, height: 20000, limit: CoverDecoder.maximumPixels)
        expectRefused(try TestCovers.jpegClaiming(width: 20000, height: 20000), refusal)
        expectRefused(try TestCovers.jpegClaiming(width: 20000, height: 20000, headerOnly: true), refusal)
        #expect(refusal.description == "the cover is 20000 × 20000 pixels, more than the 40000000 pixels allowed")
        // Within the limit, the header-only file is simply cut short.
        #expect(try CoverDecoder.info(TestCovers.jpegClaiming(width: 6000, height: 6000, headerOnly: true)).width == 6000)
    }

    @Test("a PNG header of 20,000 × 20,000 (or 1,000,000 × 1,000,000) is refused before decoding")
    func tooManyPixelsPNG() {
        for side: UInt32 in [20000, 1_000_000] {
            let png = HandMadePNG.png(width: side, height: side, colourType: 6, imageData: HandMadePNG.zlibStored([0, 0, 0, 0, 0]))
            expectRefused(png, .tooManyPixels(width: Int(side), height: Int(side), limit: CoverDecoder.maximumPixels))
        }
    }

    @Test("a file over the byte limit is refused before it is looked at")
    func tooManyBytes() {
        let huge = [0xFF, 0xD8, 0xFF] + [UInt8](repeating: 0, count: CoverDecoder.maximumBytes)
        expectRefused(huge, .tooManyBytes(count: CoverDecoder.maximumBytes + 3, limit: CoverDecoder.maximumBytes))
    }

    @Test("12-bit and lossless JPEGs are named as unsupported")
    func unsupportedJPEG() throws {
        let jpeg = try CoverEncoder.jpeg(try TestCovers.twoColour(width: 16, height: 16))
        let frame = try #require(TestCovers.segment(0xC0, in: jpeg))
        var twelveBit = jpeg
        twelveBit[frame + 4] = 12
        expectRefused(twelveBit, .unsupported(.jpeg, reason: "12-bit samples (only 8-bit JPEGs are read)"))
        var lossless = jpeg
        lossless[frame + 1] = 0xC3
        expectRefused(lossless, .unsupported(.jpeg, reason: "lossless JPEG"))
        #expect(CoverError.unsupported(.jpeg, reason: "lossless JPEG").description == "the JPEG cover cannot be shown: lossless JPEG")
    }
}
