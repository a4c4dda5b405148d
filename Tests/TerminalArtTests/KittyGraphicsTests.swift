import Foundation
import Testing
import TerminalArt

@Suite struct KittyGraphicsTests {
    /// A sequence split into its keys and payload: `ESC _ G keys ; payload ESC \`.
    struct Command {
        var keys: [String: String]
        var payload: String?

        init(_ sequence: String) throws {
            #expect(sequence.hasPrefix("\u{1B}_G") && sequence.hasSuffix("\u{1B}\\"), "\(sequence.visible)")
            let body = sequence.dropFirst(3).dropLast(2)
            let parts = body.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
            var keys: [String: String] = [:]
            for pair in try #require(parts.first).split(separator: ",") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                keys[String(kv[0])] = kv.count > 1 ? String(kv[1]) : ""
            }
            self.keys = keys
            payload = parts.count > 1 ? String(parts[1]) : nil
        }
    }

    @Test(arguments: [0, 1, 100, 3071, 3072, 3073, 6144, 20_000])
    func chunksReassembleToThePNG(size: Int) throws {
        let png = TestPictures.fakePNG(count: size)
        let chunks = KittyGraphics.transmit(id: 4242, png: png)
        let commands = try chunks.map(Command.init)
        #expect(commands.count == max(1, (size + 3071) / 3072))  // 4096 base64 bytes carry 3072
        var base64 = ""
        for (index, command) in commands.enumerated() {
            let payload = try #require(command.payload)
            #expect(payload.utf8.count <= 4096)
            #expect(command.keys["m"] == (index == commands.count - 1 ? "0" : "1"))
            #expect(command.keys["q"] == "2")
            if index == 0 {
                #expect(command.keys == ["a": "t", "q": "2", "f": "100", "i": "4242", "m": command.keys["m"] ?? "?"])
            } else {
                #expect(Set(command.keys.keys) == ["q", "m"])  // later chunks carry only m (and q)
            }
            base64 += payload
        }
        let decoded = try #require(Data(base64Encoded: base64))
        #expect(Array(decoded) == png)
    }

    @Test func exactCommands() {
        #expect(KittyGraphics.delete(id: 7) == "\u{1B}_Ga=d,d=I,i=7,q=2\u{1B}\\")
        #expect(KittyGraphics.place(id: 7, placement: 3, columns: 20, rows: 10) == "\u{1B}_Ga=p,i=7,p=3,c=20,r=10,C=1,q=2\u{1B}\\")
        #expect(KittyGraphics.virtualPlacement(id: 42, columns: 20, rows: 10) == "\u{1B}_Ga=p,U=1,i=42,c=20,r=10,q=2\u{1B}\\")
        #expect(KittyGraphics.query(id: 31) == "\u{1B}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\u{1B}\\")
        // AAAA is three zero bytes: one black RGB pixel.
        #expect(Data(base64Encoded: "AAAA") == Data([0, 0, 0]))
    }

    @Test func placeholderRowsMatchKittysExample() {
        // The graphics protocol's own example: a 2×2 placeholder for image 42.
        let rows = KittyGraphics.placeholderRows(id: 42, columns: 2, rows: 2)
        #expect(rows == [
            "\u{10EEEE}\u{0305}\u{0305}\u{10EEEE}\u{0305}\u{030D}",
            "\u{10EEEE}\u{030D}\u{0305}\u{10EEEE}\u{030D}\u{030D}",
        ])
        // And with a top byte: 33554474 = 42 + (2 << 24), third diacritic U+030E.
        #expect(KittyGraphics.placeholderRows(id: 33_554_474, columns: 2, rows: 1) == [
            "\u{10EEEE}\u{0305}\u{0305}\u{030E}\u{10EEEE}\u{0305}\u{030D}\u{030E}"
        ])
    }

    @Test func placeholderCellsCarryRowAndColumnFromKittysTable() throws {
        let rows = KittyGraphics.placeholderRows(id: 200, columns: 40, rows: 20)
        #expect(rows.count == 20)
        // Spot checks against gen/rowcolumn-diacritics.txt (0-based line numbers of its entries).
        let table: [Int: UInt32] = [0: 0x0305, 1: 0x030D, 9: 0x034A, 10: 0x034B, 17: 0x0363, 19: 0x0365, 29: 0x036F, 30: 0x0483, 39: 0x0597]
        for row in rows.indices {
            let cells = Array(rows[row])  // Characters: base + its combining marks
            #expect(cells.count == 40)
            for (column, cell) in cells.enumerated() {
                let scalars = cell.unicodeScalars.map(\.value)
                #expect(scalars.count == 3)
                #expect(scalars.first == 0x10EEEE)
                if let expected = table[row] { #expect(scalars[1] == expected, "row \(row)") }
                if let expected = table[column] { #expect(scalars[2] == expected, "column \(column)") }
            }
        }
        // The last entries of the table, for the largest span.
        let widest = try #require(KittyGraphics.placeholderRows(id: 200, columns: 297, rows: 1).first)
        let last = try #require(Array(widest).last)
        #expect(last.unicodeScalars.map(\.value) == [0x10EEEE, 0x0305, 0x1D244])
        #expect(KittyGraphics.maximumPlaceholderSpan == 297)
        // Spans beyond the table are clamped, not trapped on; an empty span is one cell.
        #expect(Array(try #require(KittyGraphics.placeholderRows(id: 200, columns: 1000, rows: 1).first)).count == 297)
        #expect(KittyGraphics.placeholderRows(id: 200, columns: 0, rows: -5) == ["\u{10EEEE}\u{0305}\u{0305}"])
    }

    @Test func theIdTravelsInTheForegroundColour() {
        let small = KittyGraphics.placeholderColor(id: 42)
        #expect(small.index256 == 42)
        #expect(small.rgb == RGB(r: 0, g: 0, b: 42))
        // 24-bit: the low three bytes.
        let wide = KittyGraphics.placeholderColor(id: 0x0012_3456)
        #expect(wide.index256 == nil)
        #expect(wide.rgb == RGB(r: 0x12, g: 0x34, b: 0x56))
        // Top byte in the diacritic, low byte in the 256-colour index.
        let topped = KittyGraphics.placeholderColor(id: 0x0200_002A)
        #expect(topped.index256 == 42)
        #expect(topped.rgb == RGB(r: 0, g: 0, b: 42))
    }

    @Test func placeholderIDsFitBothColourFormsAndAvoidSystemColours() {
        var seen = Set<UInt32>()
        for serial in UInt32(0)..<2000 {
            let id = KittyGraphics.placeholderID(serial: serial)
            let color = KittyGraphics.placeholderColor(id: id)
            #expect(color.index256.map { $0 >= 16 } == true, "\(serial) → \(id)")
            #expect(id & 0x00FF_FF00 == 0)
            seen.insert(id)
        }
        #expect(seen.count == 2000)
        #expect(KittyGraphics.placeholderID(serial: 0) == 16)
        #expect(KittyGraphics.placeholderID(serial: 240) == 1 << 24 | 16)
        #expect(KittyGraphics.placeholderRows(id: KittyGraphics.placeholderID(serial: 240), columns: 1, rows: 1)
            == ["\u{10EEEE}\u{0305}\u{0305}\u{030D}"])
    }
}
