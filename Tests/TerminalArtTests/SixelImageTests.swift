import CoverArt
import Foundation
import TerminalArt
import TestSupport
import Testing

@Suite struct SixelImageTests {
    /// The sixel decoded by libsixel's `sixel2png` (Debian's libsixel-bin), read back with CoverArt.
    static func decode(_ sixel: String) throws -> CoverPicture {
        guard let tool = Fixtures.which("sixel2png") else {
            throw Fixtures.FixtureError.missing("sixel2png: install Debian's libsixel-bin (`make test` does)")
        }
        let folder = try Fixtures.temporaryDirectory("sixel")
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("cover.six"), output = folder.appendingPathComponent("cover.png")
        try Data(sixel.utf8).write(to: input)
        try Fixtures.run(tool, ["-i", input.path, "-o", output.path])
        return try CoverDecoder.decode(Array(try Data(contentsOf: output)))
    }

    static func pixel(_ picture: CoverPicture, _ x: Int, _ y: Int) -> RGB {
        let offset = (y * picture.width + x) * 4
        return RGB(r: picture.rgba[offset], g: picture.rgba[offset + 1], b: picture.rgba[offset + 2])
    }

    @Test func twoColourCoverSurvivesSixel2png() throws {
        // 10×5 cells of 10×20 px: a 100×100 box, 96 px tall after rounding down to sixel bands.
        let sixel = try SixelImage.encode(try TestPictures.twoColour(), columns: 10, rows: 5, cellPixels: PixelSize(width: 10, height: 20))
        #expect(sixel.hasPrefix("\u{1B}P"))
        #expect(sixel.hasSuffix("\u{1B}\\"))
        #expect(sixel.contains("\"1;1;100;96"), "raster attributes: \(String(sixel.prefix(40)).visible)")
        let decoded = try Self.decode(sixel)
        #expect(decoded.width == 100 && decoded.height == 96)
        // The square picture is 96×96, centred: columns 2…97. Sample well inside each half.
        for y in stride(from: 4, to: 92, by: 8) {
            for x in [10, 30, 45] {
                #expect(TestPictures.close(Self.pixel(decoded, x, y), TestPictures.red, within: 8), "(\(x),\(y)) \(Self.pixel(decoded, x, y))")
            }
            for x in [55, 70, 90] {
                #expect(TestPictures.close(Self.pixel(decoded, x, y), TestPictures.blue, within: 8), "(\(x),\(y)) \(Self.pixel(decoded, x, y))")
            }
        }
    }

    @Test func heightIsAMultipleOfSixBelowTheBox() throws {
        // 3 rows of 17 px = 51 → 48: the image never reaches into the row below its box.
        let sixel = try SixelImage.encode(try TestPictures.twoColour(width: 40, height: 20), columns: 8, rows: 3, cellPixels: PixelSize(width: 9, height: 17))
        #expect(sixel.contains("\"1;1;72;48"), "\(String(sixel.prefix(40)).visible)")
        let decoded = try Self.decode(sixel)
        #expect(decoded.height % 6 == 0 && decoded.height <= 51)
        // 2:1 picture in a 72×48 box: 72×36, centred from y = 6; left red, right blue.
        #expect(TestPictures.close(Self.pixel(decoded, 10, 24), TestPictures.red, within: 8))
        #expect(TestPictures.close(Self.pixel(decoded, 60, 24), TestPictures.blue, within: 8))
    }

    @Test func badGeometryThrowsInsteadOfTrapping() throws {
        let picture = try TestPictures.twoColour()
        let cell = PixelSize(width: 10, height: 20)
        #expect(throws: TerminalArtError.self) { try SixelImage.encode(picture, columns: 0, rows: 5, cellPixels: cell) }
        #expect(throws: TerminalArtError.self) { try SixelImage.encode(picture, columns: 5, rows: -1, cellPixels: cell) }
        #expect(throws: TerminalArtError.self) { try SixelImage.encode(picture, columns: 5, rows: 5, cellPixels: PixelSize(width: 0, height: 20)) }
        #expect(throws: TerminalArtError.self) { try SixelImage.encode(picture, columns: 5, rows: 1, cellPixels: PixelSize(width: 10, height: 5)) }
        #expect(throws: TerminalArtError.tooLarge(width: 100_000, height: 120)) {
            try SixelImage.encode(picture, columns: 10_000, rows: 6, cellPixels: cell)
        }
        #expect(throws: TerminalArtError.self) { try SixelImage.encode(picture, columns: .max, rows: 2, cellPixels: cell) }
    }
}
