import CoverArt
import Testing
import TerminalArt

@Suite struct HalfBlocksTests {
    @Test func twoColourCoverIsRedOnTheLeftAndBlueOnTheRight() throws {
        let art = HalfBlocks.render(try TestPictures.twoColour(), columns: 20, rows: 10, cellAspect: 2)
        #expect(art.columns == 20 && art.rows == 10 && art.cells.count == 200)
        // A square picture in 20×10 cells of 1:2 fills the box exactly.
        #expect(art.cells.allSatisfy { $0 != nil })
        for row in 0..<10 {
            for column in 0..<20 {
                let cell = try #require(art.cell(column: column, row: row))
                let expected = column < 10 ? TestPictures.red : TestPictures.blue
                #expect(cell.top == expected && cell.bottom == expected, "cell \(column),\(row): \(cell)")
            }
        }
    }

    @Test func aWidePictureIsLetterboxedAndCentred() throws {
        // 4:1 in a box whose shape is 1:1 (20 columns, 10 rows of 1:2 cells): 20 wide, 2.5 → 3 rows tall.
        let art = HalfBlocks.render(try TestPictures.twoColour(width: 200, height: 50), columns: 20, rows: 10, cellAspect: 2)
        let rowsWithPicture = (0..<10).filter { row in (0..<20).contains { art.cell(column: $0, row: row) != nil } }
        #expect(rowsWithPicture == [3, 4, 5])
        for row in rowsWithPicture {
            #expect((0..<20).allSatisfy { art.cell(column: $0, row: row) != nil })
            #expect(art.cell(column: 0, row: row)?.top == TestPictures.red)
            #expect(art.cell(column: 19, row: row)?.bottom == TestPictures.blue)
        }
        // Nothing outside the picture's box.
        #expect(art.cells.filter { $0 != nil }.count == 60)
    }

    @Test func aTallPictureIsPillarboxed() throws {
        // 1:2 in the same box: 10 rows tall, 10 columns wide, centred from column 5.
        let art = HalfBlocks.render(try TestPictures.twoColour(width: 50, height: 100), columns: 20, rows: 10, cellAspect: 2)
        let columns = (0..<20).filter { column in (0..<10).contains { art.cell(column: column, row: $0) != nil } }
        #expect(columns == Array(5..<15))
        #expect(art.cell(column: 5, row: 0)?.top == TestPictures.red)
        #expect(art.cell(column: 14, row: 9)?.bottom == TestPictures.blue)
    }

    @Test func cellAspectKeepsASquareSquare() throws {
        // Cells as tall as wide (aspect 1): a square picture takes 10 columns of 10 rows.
        let art = HalfBlocks.render(try TestPictures.twoColour(), columns: 20, rows: 10, cellAspect: 1)
        #expect(art.cells.filter { $0 != nil }.count == 100)
        #expect(art.cell(column: 4, row: 0) == nil && art.cell(column: 5, row: 0) != nil && art.cell(column: 15, row: 0) == nil)
    }

    @Test func topAndBottomPixelsAreSeparate() throws {
        // Top half of the picture white, bottom half black, in one row: each cell is white over black.
        var rgba: [UInt8] = []
        for y in 0..<8 { for _ in 0..<4 { rgba += y < 4 ? [255, 255, 255, 255] : [0, 0, 0, 255] } }
        let picture = try CoverPicture(width: 4, height: 8, rgba: rgba)
        let art = HalfBlocks.render(picture, columns: 1, rows: 1, cellAspect: 4)
        #expect(art.cells == [BlockCell(top: RGB(r: 255, g: 255, b: 255), bottom: RGB(r: 0, g: 0, b: 0))])
    }

    @Test func emptyBoxesAndOutOfRangeLookupsAreSafe() throws {
        let picture = try TestPictures.twoColour()
        #expect(HalfBlocks.render(picture, columns: 0, rows: 10).cells.isEmpty)
        #expect(HalfBlocks.render(picture, columns: -3, rows: 4).cells.isEmpty)
        #expect(HalfBlocks.render(picture, columns: 4, rows: 4, cellAspect: 0).cells == Array(repeating: nil, count: 16))
        #expect(HalfBlocks.render(picture, columns: 4, rows: 4, cellAspect: .nan).cells.allSatisfy { $0 == nil })
        let art = HalfBlocks.render(picture, columns: 4, rows: 2)
        #expect(art.cell(column: -1, row: 0) == nil && art.cell(column: 4, row: 0) == nil && art.cell(column: 0, row: 2) == nil)
    }

    @Test func sgrRowsCarryBothPixelsAndLeaveTheLetterboxPlain() throws {
        // 2:1 picture in a 2×2 box of square-ish cells (aspect 2 → box shape 1:2): one row of art, centred.
        let art = HalfBlocks.render(try TestPictures.twoColour(width: 8, height: 2), columns: 2, rows: 3, cellAspect: 2)
        #expect(art.cells.map { $0 != nil } == [false, false, true, true, false, false])
        let rows = art.sgrRows(trueColor: true)
        #expect(rows == [
            "  \u{1B}[0m",
            "\u{1B}[38;2;200;30;30;48;2;200;30;30m▀\u{1B}[38;2;30;30;200;48;2;30;30;200m▀\u{1B}[0m",
            "  \u{1B}[0m",
        ])
        let indexed = art.sgrRows(trueColor: false)[1]
        let (red, _) = BlockCell(top: TestPictures.red, bottom: TestPictures.red).palette256()
        #expect(indexed.hasPrefix("\u{1B}[38;5;\(red);48;5;\(red)m▀"))
    }

    @Test func pureColoursMapToTheirPaletteEntries() {
        let cases: [(RGB, UInt8)] = [
            (RGB(r: 255, g: 0, b: 0), 196), (RGB(r: 0, g: 255, b: 0), 46), (RGB(r: 0, g: 0, b: 255), 21),
            (RGB(r: 255, g: 255, b: 0), 226), (RGB(r: 0, g: 255, b: 255), 51), (RGB(r: 255, g: 0, b: 255), 201),
            (RGB(r: 0, g: 0, b: 0), 16), (RGB(r: 255, g: 255, b: 255), 231),
            (RGB(r: 95, g: 135, b: 175), 67),  // exactly a cube colour
        ]
        for (color, index) in cases {
            #expect(color.nearestXterm256() == index, "\(color)")
        }
    }

    @Test func greysUseTheGreyRamp() {
        // The ramp is 8, 18, … 238; the cube's own greys (0, 95, 135, 175, 215, 255) sit among them.
        #expect(RGB(r: 128, g: 128, b: 128).nearestXterm256() == 244)  // ramp 128
        #expect(RGB(r: 8, g: 8, b: 8).nearestXterm256() == 232)
        #expect(RGB(r: 238, g: 238, b: 238).nearestXterm256() == 255)
        #expect(RGB(r: 50, g: 50, b: 50).nearestXterm256() == 236)  // ramp 48
        #expect(RGB(r: 95, g: 95, b: 95).nearestXterm256() == 59)  // the cube's own grey, exactly
        // Every grey maps to a grey: the ramp or the cube's diagonal, never a tinted colour.
        for level in stride(from: 0, through: 255, by: 5) {
            let index = RGB(r: UInt8(level), g: UInt8(level), b: UInt8(level)).nearestXterm256()
            let chosen = RGB.xterm256(index)
            #expect(chosen.map { $0.r == $0.g && $0.g == $0.b } == true, "grey \(level) → \(index)")
            if let chosen { #expect(abs(Int(chosen.r) - level) <= 10, "grey \(level) → \(index) \(chosen)") }
        }
    }

    @Test func theTestCoverColoursMapSensibly() {
        let cell = BlockCell(top: TestPictures.red, bottom: TestPictures.blue)
        let (top, bottom) = cell.palette256()
        // (200,30,30) → (175,0,0) 124 or (215,0,0) 160; (30,30,200) → (0,0,175) 19 or (0,0,215) 20.
        #expect([124, 160].contains(top), "\(top)")
        #expect([19, 20].contains(bottom), "\(bottom)")
    }

    @Test func paletteTableMatchesXterm() {
        #expect(RGB.xterm256(16) == RGB(r: 0, g: 0, b: 0))
        #expect(RGB.xterm256(196) == RGB(r: 255, g: 0, b: 0))
        #expect(RGB.xterm256(231) == RGB(r: 255, g: 255, b: 255))
        #expect(RGB.xterm256(232) == RGB(r: 8, g: 8, b: 8))
        #expect(RGB.xterm256(255) == RGB(r: 238, g: 238, b: 238))
        #expect(RGB.xterm256(7) == nil)
    }
}
