@testable import CoverArt
import TestSupport
import Testing

@Suite("Scaling pictures: aspect kept, areas averaged")
struct ScalingTests {
    @Test("fitting in a box keeps the aspect", arguments: [
        (600, 300, CoverSize(square: 100), CoverSize(width: 100, height: 50)),
        (300, 600, CoverSize(square: 100), CoverSize(width: 50, height: 100)),
        (1000, 1, CoverSize(square: 10), CoverSize(width: 10, height: 1)),
        (1, 1000, CoverSize(square: 10), CoverSize(width: 1, height: 10)),
        (640, 480, CoverSize(width: 100, height: 1000), CoverSize(width: 100, height: 75)),
        (50, 20, CoverSize(square: 100), CoverSize(width: 50, height: 20)),  // already fits: unchanged
    ])
    func aspect(width: Int, height: Int, box: CoverSize, expected: CoverSize) throws {
        let picture = try TestCovers.twoColour(width: width, height: height)
        #expect(picture.scaled(toFit: box).size == expected)
    }

    @Test("never enlarged unless asked")
    func upscale() throws {
        let picture = try TestCovers.twoColour(width: 50, height: 20)
        #expect(picture.scaled(toFit: CoverSize(square: 100)) == picture)
        let enlarged = picture.scaled(toFit: CoverSize(square: 100), allowUpscale: true)
        #expect(enlarged.size == CoverSize(width: 100, height: 40))
        TestCovers.expectTwoColours(enlarged, tolerance: 0)
    }

    @Test("a 2 × 2 checker scaled to 1 × 1 is the mean")
    func checkerMean() throws {
        let checker = try CoverPicture(width: 2, height: 2, rgba: [
            0, 0, 0, 255, 255, 255, 255, 255,
            255, 255, 255, 255, 0, 0, 0, 255,
        ])
        let mean = checker.scaled(toFit: CoverSize(square: 1))
        #expect(mean.size == CoverSize(width: 1, height: 1))
        #expect(mean.rgba.prefix(3).allSatisfy { (127...128).contains($0) }, "\(mean.rgba)")
        #expect(mean.rgba[3] == 255)

        let colours = try CoverPicture(width: 2, height: 2, rgba: [
            200, 0, 0, 255, 0, 100, 0, 255,
            0, 0, 40, 255, 100, 100, 100, 255,
        ])
        #expect(colours.resized(to: CoverSize(width: 1, height: 1)).rgba == [75, 50, 35, 255])
    }

    @Test("areas that do not divide evenly are weighted by how much of each pixel they cover")
    func fractionalAreas() throws {
        // 3 pixels into 2: the first output covers pixel 0 and half of pixel 1.
        let row = try CoverPicture(width: 3, height: 1, rgba: [0, 0, 0, 255, 90, 90, 90, 255, 180, 180, 180, 255])
        #expect(row.resized(to: CoverSize(width: 2, height: 1)).rgba == [30, 30, 30, 255, 150, 150, 150, 255])
    }

    @Test("transparent pixels do not darken the colours next to them")
    func alphaWeighted() throws {
        let pair = try CoverPicture(width: 2, height: 1, rgba: [0, 0, 0, 0, 200, 30, 30, 255])
        #expect(pair.resized(to: CoverSize(width: 1, height: 1)).rgba == [200, 30, 30, 128])
    }

    @Test("resizing gives exactly the size asked for, either way")
    func exactSizes() throws {
        let picture = try TestCovers.twoColour(width: 60, height: 30)
        for size in [CoverSize(width: 7, height: 3), CoverSize(width: 120, height: 200), CoverSize(width: 1, height: 1), CoverSize(width: 60, height: 30)] {
            let resized = picture.resized(to: size)
            #expect(resized.size == size)
            #expect(resized.rgba.count == size.width * size.height * 4)
        }
        TestCovers.expectTwoColours(picture.resized(to: CoverSize(width: 120, height: 200)), tolerance: 0)
        #expect(picture.resized(to: picture.size) == picture)
    }

    @Test("absurd sizes do not trap or allocate without bound")
    func absurdSizes() throws {
        let picture = try TestCovers.twoColour(width: 4, height: 4)
        #expect(picture.resized(to: CoverSize(width: 0, height: -5)).size == CoverSize(width: 1, height: 1))
        #expect(picture.scaled(toFit: CoverSize(width: -1, height: .min)).size == CoverSize(width: 1, height: 1))
        // Sizes only: a picture this large is not made here.
        for size in [CoverSize(width: .max, height: .max), CoverSize(width: 1, height: .max), CoverSize(width: 100_000, height: 100_000)] {
            let capped = Fitting.capped(size)
            #expect(capped.width >= 1 && capped.height >= 1)
            #expect(capped.width * capped.height <= CoverDecoder.maximumPixels, "\(size) → \(capped)")
        }
        let square = Fitting.capped(CoverSize(width: 100_000, height: 100_000))
        #expect(square.width == square.height, "aspect kept")
        let fitted = Fitting.size(of: CoverSize(width: 4, height: 4), toFit: CoverSize(width: .max, height: .max), allowUpscale: true)
        #expect(fitted.width * fitted.height <= CoverDecoder.maximumPixels)
    }

    @Test("pictures check their buffers instead of trapping")
    func pictureValidation() throws {
        #expect(throws: CoverError.invalidPicture(width: 2, height: 2, byteCount: 15)) {
            try CoverPicture(width: 2, height: 2, rgba: [UInt8](repeating: 0, count: 15))
        }
        #expect(throws: CoverError.invalidPicture(width: 0, height: 0, byteCount: 0)) { try CoverPicture(width: 0, height: 0, rgba: []) }
        #expect(throws: CoverError.invalidPicture(width: .max, height: 2, byteCount: 8)) {
            try CoverPicture(width: .max, height: 2, rgba: [UInt8](repeating: 0, count: 8))
        }
        #expect(throws: CoverError.invalidPicture(width: -1, height: -4, byteCount: 16)) {
            try CoverPicture(width: -1, height: -4, rgba: [UInt8](repeating: 0, count: 16))
        }
        #expect(CoverError.invalidPicture(width: 2, height: 2, byteCount: 15).description == "a 2 × 2 RGBA picture cannot be made from 15 bytes")
    }
}
