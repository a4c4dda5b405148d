import Foundation
import LibraryModel
import Testing

@Suite("Bundle ids and object keys")
struct ObjectKeyTests {
    @Test("valid keys name a bundle and a part", arguments: [
        ("starting-over.json", "starting-over", BundlePart.metadata),
        ("starting-over.mp3", "starting-over", .audio),
        ("Track_01.jpg", "Track_01", .cover),
        ("a.b.c.png", "a.b.c", .pngCover),
    ])
    func valid(raw: String, bundle: String, part: BundlePart) throws {
        let key = try ObjectKey(validating: raw)
        #expect(key.bundle.rawValue == bundle)
        #expect(key.part == part)
        #expect(key.name == raw)
    }

    @Test("keys that could leave the bucket or are not bundle parts are refused", arguments: [
        "../catalog.sqlite", "..%2Fcatalog.mp3", "a/b.mp3", "/etc/passwd.json", ".hidden.mp3", "..mp3", "song.MP3",
        "song.wav", "song", ".mp3", "so ng.mp3", "naïve.mp3", "song.mp3\u{0}", "back\\slash.mp3",
    ])
    func invalid(raw: String) {
        #expect(throws: KeyError.self) { _ = try ObjectKey(validating: raw) }
    }

    @Test("bundle ids are at most 128 bytes")
    func length() throws {
        _ = try BundleID(validating: String(repeating: "a", count: 128))
        #expect(throws: KeyError.idTooLong(129)) { _ = try BundleID(validating: String(repeating: "a", count: 129)) }
        #expect(throws: KeyError.emptyID) { _ = try BundleID(validating: "") }
    }

    @Test("errors explain what is allowed")
    func messages() {
        #expect(KeyError.forbiddenCharacter("a/b", "/").description.contains("letters, digits"))
        #expect(KeyError.unknownExtension("x.wav", "wav").description.contains("<id>.mp3"))
    }

    @Test("slugs make readable ids from free text", arguments: [
        ("Chris Stapleton Starting Over", "chris-stapleton-starting-over"),
        ("  Beyoncé — Halo!! ", "beyonce-halo"),
        ("AC/DC: T.N.T.", "ac-dc-t-n-t"),
    ])
    func slug(text: String, expected: String) {
        #expect(BundleID.slug(text)?.rawValue == expected)
    }

    @Test("text with nothing usable has no slug")
    func emptySlug() {
        #expect(BundleID.slug("夜に駆ける") == nil)
        #expect(BundleID.slug("!!!") == nil)
    }

    @Test("uploads go JSON first, MP3 last")
    func order() {
        #expect(BundlePart.metadata.uploadOrder < BundlePart.cover.uploadOrder)
        #expect(BundlePart.cover.uploadOrder < BundlePart.audio.uploadOrder)
    }
}

@Suite("JSON text")
struct JSONTextTests {
    @Test("escaped strings decode back to the original", arguments: [
        "plain", "quote \" and backslash \\", "tab\tnew\nline\r", "\u{0}\u{1F}\u{7F}", "夜に駆ける 🎵 é", "",
    ])
    func roundTrip(text: String) throws {
        var bytes: [UInt8] = []
        JSONText.appendString(text, to: &bytes)
        #expect(try JSONDecoder().decode(String.self, from: Data(bytes)) == text)
    }

    @Test("numbers: whole ones without a fraction, others as decimals")
    func numbers() {
        func render(_ value: Double) -> String {
            var bytes: [UInt8] = []
            JSONText.appendNumber(value, to: &bytes)
            return String(decoding: bytes, as: UTF8.self)
        }
        #expect(render(12) == "12")
        #expect(render(12.345) == "12.345")
        #expect(render(.nan) == "null")
    }

    @Test("search keys fold case, accents and width")
    func folding() {
        #expect(SearchKey.fold("Beyoncé") == SearchKey.fold("BEYONCE"))
        #expect(SearchKey.fold("Ｆｕｌｌ") == "full")
    }
}

@Suite("JSON numbers written by hand")
struct JSONNumberTests {
    private func render(_ body: (inout [UInt8]) -> Void) -> String {
        var bytes: [UInt8] = []
        body(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("integers", arguments: [0, 7, 42, -5, 2020, Int.max, Int.min])
    func integers(value: Int) {
        #expect(render { JSONText.appendInteger(value, to: &$0) } == String(value))
    }

    @Test("thousandths", arguments: [(180_500, "180.5"), (3_000, "3"), (1, "0.001"), (12_345, "12.345"), (10, "0.01"), (-1_500, "-1.5")])
    func milli(value: Int, expected: String) {
        #expect(render { JSONText.appendMilli(value, to: &$0) } == expected)
    }
}
