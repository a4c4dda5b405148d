import Foundation
import LibraryModel
import Testing

@Suite("Search keys: case, accents and width folded")
struct SearchKeyTests {
    private func foundationFold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
    }

    @Test("ASCII's quick way folds every character, and random ASCII text, as Foundation does")
    func asciiAsFoundation() {
        for byte in UInt8(0)..<0x80 {
            let text = String(decoding: [byte], as: UTF8.self)
            #expect(SearchKey.fold(text) == foundationFold(text), "byte \(byte)")
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let text = String(decoding: (0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 0..<0x80, using: &generator) }, as: UTF8.self)
            #expect(SearchKey.fold(text) == foundationFold(text), "\(text.debugDescription)")
        }
    }

    @Test("text beyond ASCII folds accents, case and width")
    func beyondASCII() {
        #expect(SearchKey.fold("Beyoncé") == "beyonce")
        #expect(SearchKey.fold("ÀÉÎ Ｆｕｌｌ") == "aei full")
        #expect(SearchKey.fold("The Beatles") == "the beatles")
        #expect(SearchKey.fold("日本語") == "日本語")
    }
}
