import Foundation
import Testing
import TerminalArt

@Suite struct TmuxPassthroughTests {
    /// What tmux does with the envelope: strip it and undouble the ESCs.
    static func unwrap(_ wrapped: String) throws -> String {
        let scalars = Array(wrapped.unicodeScalars)
        let prefix = Array(TmuxPassthrough.prefix.unicodeScalars), suffix = Array(TmuxPassthrough.suffix.unicodeScalars)
        #expect(Array(scalars.prefix(prefix.count)) == prefix && Array(scalars.suffix(suffix.count)) == suffix)
        var body = String.UnicodeScalarView()
        var index = prefix.count
        while index < scalars.count - suffix.count {
            let scalar = scalars[index]
            body.append(scalar)
            if scalar == "\u{1B}" {
                #expect(scalars[index + 1] == "\u{1B}", "a lone ESC inside the envelope at \(index)")
                index += 1
            }
            index += 1
        }
        return String(body)
    }

    @Test func envelopeIsExactWithEscapesDoubled() {
        #expect(TmuxPassthrough.wrap("\u{1B}[16t") == "\u{1B}Ptmux;\u{1B}\u{1B}[16t\u{1B}\\")
        #expect(TmuxPassthrough.wrap(KittyGraphics.delete(id: 9))
            == "\u{1B}Ptmux;\u{1B}\u{1B}_Ga=d,d=I,i=9,q=2\u{1B}\u{1B}\\\u{1B}\\")
        #expect(TmuxPassthrough.wrap("plain") == "\u{1B}Ptmux;plain\u{1B}\\")
        #expect(TmuxPassthrough.wrap("x", if: false) == "x")
    }

    @Test func unwrappingGivesTheOriginal() throws {
        let sequences = KittyGraphics.transmit(id: 77, png: TestPictures.fakePNG(count: 9000))
            + [KittyGraphics.query(id: 5), "\u{1B}\u{1B}\u{1B}", "", ITerm2Image.inline([1, 2, 3], columns: 2, rows: 2, name: "a.png")]
        for sequence in sequences {
            let wrapped = TmuxPassthrough.wrap(sequence)
            #expect(try Self.unwrap(wrapped) == sequence)
            // Inside the envelope every ESC is doubled: no ESC \ can end it early.
            let inner = wrapped.unicodeScalars.dropFirst(TmuxPassthrough.prefix.unicodeScalars.count).dropLast(2)
            #expect(inner.filter { $0 == "\u{1B}" }.count == 2 * sequence.unicodeScalars.filter { $0 == "\u{1B}" }.count)
        }
    }

    @Test func wrappedChunksStayFarBelowTmuxsLimit() {
        // tmux drops any sequence over 1 MiB: chunks wrapped one by one stay small even for a big cover.
        let chunks = KittyGraphics.transmit(id: 1, png: TestPictures.fakePNG(count: 3 << 20)).map(TmuxPassthrough.wrap)
        #expect(chunks.allSatisfy { $0.utf8.count < 4200 })
    }
}

@Suite struct ITerm2ImageTests {
    @Test func base64DecodesBackToTheFile() throws {
        let file = TestPictures.fakePNG(count: 10_001)
        let sequence = ITerm2Image.inline(file, columns: 20, rows: 10, name: "cover.png")
        #expect(sequence.hasPrefix("\u{1B}]1337;File="))
        #expect(sequence.hasSuffix("\u{07}"))
        let body = sequence.dropFirst("\u{1B}]1337;File=".count).dropLast()
        let parts = body.split(separator: ":", maxSplits: 1)
        #expect(parts.count == 2)
        let arguments = Dictionary(uniqueKeysWithValues: parts[0].split(separator: ";").map { pair in
            let kv = pair.split(separator: "=", maxSplits: 1)
            return (String(kv[0]), kv.count > 1 ? String(kv[1]) : "")
        })
        #expect(arguments["inline"] == "1")
        #expect(arguments["size"] == "10001")
        #expect(arguments["width"] == "20")
        #expect(arguments["height"] == "10")
        #expect(arguments["preserveAspectRatio"] == "1")
        #expect(arguments["name"].flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } == "cover.png")
        #expect(Data(base64Encoded: String(parts[1])).map(Array.init) == file)
    }

    @Test func exactHeaderWithoutName() {
        #expect(ITerm2Image.inline([0xFF, 0xD8, 0xFF], columns: 4, rows: 2)
            == "\u{1B}]1337;File=inline=1;size=3;width=4;height=2;preserveAspectRatio=1:/9j/\u{07}")
    }
}
