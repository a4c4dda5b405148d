@testable import CoverArt
import Foundation
import TestSupport
import Testing

@Suite("Covers encoded, decoded and scaled again")
struct RoundTripTests {
    @Test("the two-colour cover survives JPEG")
    func jpegRoundTrip() throws {
        let cover = try TestCovers.twoColour(width: 200, height: 100)
        let jpeg = try CoverEncoder.jpeg(cover)
        #expect(jpeg.starts(with: [0xFF, 0xD8, 0xFF]))
        #expect(try CoverDecoder.info(jpeg) == CoverInfo(format: .jpeg, width: 200, height: 100))
        let decoded = try CoverDecoder.decode(jpeg)
        #expect(decoded.size == CoverSize(width: 200, height: 100))
        TestCovers.expectTwoColours(decoded, tolerance: 8)
        TestCovers.expectClose(decoded, 2, 2, to: TestCovers.red, tolerance: 8, "corners too")
        TestCovers.expectClose(decoded, 197, 97, to: TestCovers.blue, tolerance: 8)
    }

    @Test("the two-colour cover survives PNG exactly, and so does alpha")
    func pngRoundTrip() throws {
        let cover = try TestCovers.twoColour(width: 200, height: 100)
        let png = try CoverEncoder.png(cover)
        #expect(png.starts(with: CoverSniffer.pngSignature))
        #expect(try CoverDecoder.info(png) == CoverInfo(format: .png, width: 200, height: 100))
        #expect(try CoverDecoder.decode(png) == cover)

        let translucent = try CoverPicture(width: 2, height: 1, rgba: [10, 20, 30, 128, 250, 240, 230, 0])
        #expect(try CoverDecoder.decode(CoverEncoder.png(translucent)).rgba[0..<4] == [10, 20, 30, 128])
    }

    @Test("JPEG quality is clamped to 1…100, and lower quality means fewer bytes")
    func jpegQuality() throws {
        let cover = try TestCovers.twoColour(width: 64, height: 64)
        let worst = try CoverEncoder.jpeg(cover, quality: -5)
        let best = try CoverEncoder.jpeg(cover, quality: 1000)
        #expect(worst.count < best.count)
        #expect(try CoverDecoder.decode(worst).size == cover.size)
        TestCovers.expectTwoColours(try CoverDecoder.decode(best), tolerance: 4)
    }

    @Test("JPEG has no alpha: a transparent picture is composited over black")
    func jpegDropsAlpha() throws {
        let halfSeen = try TestCovers.flat(width: 16, height: 16, (200, 100, 50), alpha: 128)
        let decoded = try CoverDecoder.decode(CoverEncoder.jpeg(halfSeen, quality: 100))
        TestCovers.expectClose(decoded, 8, 8, to: (100, 50, 25), tolerance: 4)
    }

    @Test("a JPEG scaled while decoding has the same colours, and lands on the box")
    func jpegScaledWhileDecoding() throws {
        let jpeg = try CoverEncoder.jpeg(try TestCovers.twoColour(width: 800, height: 400))
        let small = try CoverDecoder.decode(jpeg, fitting: CoverSize(square: 100))
        #expect(small.size == CoverSize(width: 100, height: 50))
        TestCovers.expectTwoColours(small, tolerance: 8)

        let medium = try CoverDecoder.decode(jpeg, fitting: CoverSize(width: 300, height: 1000))
        #expect(medium.size == CoverSize(width: 300, height: 150))
        TestCovers.expectTwoColours(medium, tolerance: 8)

        #expect(try CoverDecoder.decode(jpeg, fitting: CoverSize(square: 5000)).size == CoverSize(width: 800, height: 400), "never enlarged")
    }

    @Test("TurboJPEG's reduction is the largest that still covers the box", arguments: [
        (800, 400, 100, CoverSize(width: 100, height: 50)),  // 1/8 exactly
        (700, 350, 100, CoverSize(width: 175, height: 88)),  // 1/8 would give 88 wide: too small; 1/4
        (1000, 1000, 600, CoverSize(width: 625, height: 625)),  // 5/8
        (640, 640, 600, CoverSize(width: 640, height: 640)),  // 7/8 is 560: no reduction
        (300, 300, 600, CoverSize(width: 300, height: 300)),  // smaller than the box
    ])
    func reductionChoice(width: Int, height: Int, box: Int, expected: CoverSize) {
        #expect(CoverDecoder.decodingSize(width: width, height: height, fitting: CoverSize(square: box)) == expected)
    }

    @Test("a PNG decoded fitting a box is scaled after decoding")
    func pngFitting() throws {
        let png = try CoverEncoder.png(try TestCovers.twoColour(width: 600, height: 300))
        let picture = try CoverDecoder.decode(png, fitting: CoverSize(square: 100))
        #expect(picture.size == CoverSize(width: 100, height: 50))
        TestCovers.expectTwoColours(picture, tolerance: 0)
    }

    @Test("progressive JPEGs read, whole and scaled")
    func progressive() throws {
        let cover = try TestCovers.twoColour(width: 320, height: 160)
        let jpeg = try CoverEncoder.jpeg(pixels: cover.rgba, width: 320, height: 160, layout: .rgba, subsampling: .s420, quality: 90, progressive: true)
        #expect(JPEGStructure(jpeg).frameMarker == 0xC2, "the test file really is progressive")
        TestCovers.expectTwoColours(try CoverDecoder.decode(jpeg), tolerance: 8)
        let scaled = try CoverDecoder.decode(jpeg, fitting: CoverSize(square: 40))
        #expect(scaled.size == CoverSize(width: 40, height: 20))
        TestCovers.expectTwoColours(scaled, tolerance: 8)
    }

    @Test("grayscale JPEGs come out grey, with the colours' luminance")
    func grayscaleJPEG() throws {
        let cover = try TestCovers.twoColour(width: 64, height: 32)
        let jpeg = try CoverEncoder.jpeg(pixels: cover.rgba, width: 64, height: 32, layout: .rgba, subsampling: .gray, quality: 95)
        #expect(try TurboJPEG.decompressor().header(of: jpeg.withUnsafeBufferPointer { $0 }).colourSpace == .gray)
        let decoded = try CoverDecoder.decode(jpeg)
        // Rec. 601 luma: 0.299 R + 0.587 G + 0.114 B.
        TestCovers.expectClose(decoded, 16, 16, to: (81, 81, 81), tolerance: 3)
        TestCovers.expectClose(decoded, 48, 16, to: (49, 49, 49), tolerance: 3)
    }

    @Test("Adobe CMYK JPEGs (YCCK, inks inverted) come out in their colours, whole and scaled")
    func adobeCMYK() throws {
        let cmyk = TestCovers.twoColourCMYK(width: 128, height: 64, inverted: true)
        let jpeg = try CoverEncoder.jpeg(pixels: cmyk, width: 128, height: 64, layout: .cmyk, subsampling: .s444, quality: 95)
        let header = try jpeg.withUnsafeBufferPointer { try TurboJPEG.decompressor().header(of: $0) }
        #expect(header.colourSpace == .ycck, "the test file really is YCCK")
        #expect(JPEGStructure(jpeg).adobeTransform == 2, "with the Adobe marker that says so")
        #expect(try CoverDecoder.info(jpeg) == CoverInfo(format: .jpeg, width: 128, height: 64))
        TestCovers.expectTwoColours(try CoverDecoder.decode(jpeg), tolerance: 10)

        let scaled = try CoverDecoder.decode(jpeg, fitting: CoverSize(square: 32))
        #expect(scaled.size == CoverSize(width: 32, height: 16))
        TestCovers.expectTwoColours(scaled, tolerance: 10)
    }

    @Test("CMYK to RGB: inverted inks (Adobe) and plain inks give the same colours")
    func inkConversion() {
        for colour in [TestCovers.red, TestCovers.blue, (255, 255, 255), (0, 0, 0), (90, 160, 20)] as [TestCovers.RGB] {
            for inverted in [true, false] {
                var pixels = TestCovers.cmyk(colour, inverted: inverted)
                InkConversion.convertInPlace(&pixels, inverted: inverted)
                let expected = [colour.red, colour.green, colour.blue, 255]
                #expect(zip(pixels, expected).allSatisfy { abs(Int($0) - Int($1)) <= 1 }, "\(colour) inverted: \(inverted) → \(pixels)")
            }
        }
    }

    @Test("the marker walk finds the Adobe segment, the frame and the end")
    func markerWalk() throws {
        let jpeg = try CoverEncoder.jpeg(try TestCovers.twoColour(width: 32, height: 32))
        let structure = JPEGStructure(jpeg)
        #expect(structure.frameMarker == 0xC0)
        #expect(structure.precision == 8)
        #expect(structure.components == 3)
        #expect(structure.adobeTransform == nil)
        #expect(structure.reachesEnd)
        #expect(!JPEGStructure(Array(jpeg.dropLast(2))).reachesEnd)
        #expect(!JPEGStructure(Array(jpeg.prefix(jpeg.count / 2))).reachesEnd)
        #expect(JPEGStructure(jpeg + Array("trailing junk".utf8)).reachesEnd, "data after the end is ignored")
        #expect(JPEGStructure([0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF]) == JPEGStructure([]), "lengths are checked")
    }

    @Test("palette, grey, 16-bit and interlaced PNGs all read as RGBA")
    func pngKinds() throws {
        // Palette: two colours, which libpng writes at 1 bit per pixel.
        let indices = (0..<(40 * 20)).map { UInt8($0 % 40 < 20 ? 0 : 1) }
        let palette = try PNGImage.write(.palette(indices: indices, colours: [200, 30, 30, 30, 30, 200]), width: 40, height: 20)
        #expect(palette[25] == 3, "colour type 3: a palette PNG")
        TestCovers.expectTwoColours(try CoverDecoder.decode(palette), tolerance: 0)

        let grey = try PNGImage.write(.gray((0..<(8 * 8)).map { UInt8($0 * 4) }), width: 8, height: 8)
        let greyPicture = try CoverDecoder.decode(grey)
        #expect(TestCovers.pixel(greyPicture, 3, 2) == [76, 76, 76, 255])

        // 16-bit: linear light, so the colours are linearised first; libpng's simplified API takes
        // 8-bit values to be gamma 2.2 (its approximation of sRGB) when it turns them back.
        func linear(_ value: UInt8) -> UInt16 {
            UInt16((pow(Double(value) / 255, 2.2) * 65535).rounded())
        }
        var samples: [UInt16] = []
        for _ in 0..<20 {
            for x in 0..<40 {
                let colour = x < 20 ? TestCovers.red : TestCovers.blue
                samples += [linear(colour.red), linear(colour.green), linear(colour.blue)]
            }
        }
        let deep = try PNGImage.write(.linearRGB(samples), width: 40, height: 20)
        #expect(deep[24] == 16, "bit depth 16")
        TestCovers.expectTwoColours(try CoverDecoder.decode(deep), tolerance: 1)

        let colour: (Int, Int) -> [UInt8] = { x, y in [UInt8(x * 20), UInt8(y * 30), UInt8((x + y) * 7)] }
        let interlaced = HandMadePNG.interlacedRGB(width: 11, height: 7, colour: colour)
        #expect(interlaced[28] == 1, "interlace method 1: Adam7")
        let picture = try CoverDecoder.decode(interlaced)
        #expect(picture.size == CoverSize(width: 11, height: 7))
        for y in 0..<7 {
            for x in 0..<11 { #expect(TestCovers.pixel(picture, x, y) == colour(x, y) + [255], "(\(x), \(y))") }
        }
    }

    @Test("1 × 1 and long thin pictures", arguments: [(1, 1), (1, 1000), (1000, 1), (3, 7)])
    func oddSizes(width: Int, height: Int) throws {
        let picture = try TestCovers.flat(width: width, height: height, TestCovers.red)
        for bytes in [try CoverEncoder.jpeg(picture), try CoverEncoder.png(picture)] {
            let info = try CoverDecoder.info(bytes)
            #expect(info.width == width && info.height == height)
            let decoded = try CoverDecoder.decode(bytes)
            #expect(decoded.size == picture.size)
            TestCovers.expectClose(decoded, width - 1, height - 1, to: TestCovers.red, tolerance: 8)
            let fitted = try CoverDecoder.decode(bytes, fitting: CoverSize(square: 10))
            #expect(fitted.width <= 10 && fitted.height <= 10 && fitted.width >= 1 && fitted.height >= 1)
            TestCovers.expectClose(fitted, 0, 0, to: TestCovers.red, tolerance: 8)
        }
    }
}
