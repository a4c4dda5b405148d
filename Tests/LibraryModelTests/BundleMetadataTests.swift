import Foundation
import LibraryModel
import Testing

@Suite("Bundle metadata parsing")
struct BundleMetadataTests {
    private func parse(_ text: String) throws(MetadataError) -> BundleMetadata {
        try BundleMetadata.parse(Data(text.utf8))
    }

    @Test("the original format parses unchanged")
    func originalFormat() throws {
        let metadata = try parse(#"{"title":"Starting Over","album":"Starting Over","artist":"Chris Stapleton","genre":6,"year":2020}"#)
        #expect(metadata == BundleMetadata(title: "Starting Over", album: "Starting Over", artist: "Chris Stapleton", genre: .id(6), year: 2020))
    }

    @Test("a genre may be a name, and a numeric string means an id")
    func genreForms() throws {
        #expect(try parse(#"{"title":"T","genre":"Synthwave"}"#).genre == .name("Synthwave"))
        #expect(try parse(#"{"title":"T","genre":" Country "}"#).genre == .name("Country"))
        #expect(try parse(#"{"title":"T","genre":"6"}"#).genre == .id(6))
    }

    @Test("missing and null fields are absent, so ID3 can fill them")
    func optionalFields() throws {
        #expect(try parse(#"{}"#) == BundleMetadata())
        #expect(try parse(#"{"title":null,"album":"","artist":"  ","genre":null,"year":null}"#) == BundleMetadata())
    }

    @Test("unknown fields are ignored; a UTF-8 BOM is accepted; surrounding space is trimmed")
    func lenientWhereHarmless() throws {
        let metadata = try parse("\u{FEFF}" + #"{"title":"  Hello  ","mood":"happy","bpm":120}"#)
        #expect(metadata.title == "Hello")
    }

    @Test("an integral number with a fraction part is still a year")
    func integralYear() throws {
        #expect(try parse(#"{"title":"T","year":2020.0}"#).year == 2020)
    }

    @Test("Unicode text survives: CJK, emoji, accents")
    func unicode() throws {
        let metadata = try parse(#"{"title":"夜に駆ける 🎵","artist":"Beyoncé"}"#)
        #expect(metadata.title == "夜に駆ける 🎵")
        #expect(metadata.artist == "Beyoncé")
    }

    static let rejections: [(String, MetadataError)] = [
        (#"{"title":"Starting Over""#, .notJSON("")),
        ("not json at all", .notJSON("")),
        ("", .notJSON("")),
        (#"["title"]"#, .notAnObject(found: "an array")),
        (#""just a string""#, .notAnObject(found: "the string \"just a string\"")),
        (#"{"title":42}"#, .wrongType(field: "title", expected: "a string", found: "the number 42")),
        (#"{"title":["a"]}"#, .wrongType(field: "title", expected: "a string", found: "an array")),
        (#"{"title":"T","artist":true}"#, .wrongType(field: "artist", expected: "a string", found: "the boolean true")),
        (#"{"title":""}"#, .empty(field: "title")),
        (#"{"title":"   "}"#, .empty(field: "title")),
        (#"{"title":"T","year":"2020"}"#, .wrongType(field: "year", expected: "a whole number such as 2020", found: "the string \"2020\"")),
        (#"{"title":"T","year":20.5}"#, .wrongType(field: "year", expected: "a whole number such as 2020", found: "the number 20.5")),
        (#"{"title":"T","year":0}"#, .yearOutOfRange(0)),
        (#"{"title":"T","year":12345}"#, .yearOutOfRange(12345)),
        (#"{"title":"T","genre":0}"#, .genreIDOutOfRange(0)),
        (#"{"title":"T","genre":-3}"#, .genreIDOutOfRange(-3)),
        (#"{"title":"T","genre":{"id":6}}"#, .wrongType(field: "genre", expected: "a genre id such as 6 or a name such as \"Country\"", found: "an object")),
        (#"{"title":"T\u0000"}"#, .controlCharacter(field: "title", scalar: 0)),
        (#"{"title":"line\nbreak"}"#, .controlCharacter(field: "title", scalar: 0x0A)),
    ]

    @Test("bad input is rejected with the reason", arguments: rejections)
    func rejected(input: String, expected: MetadataError) {
        #expect {
            _ = try parse(input)
        } throws: { error in
            guard let error = error as? MetadataError else { return false }
            if case .notJSON = expected, case .notJSON(let reason) = error { return !reason.isEmpty }
            return error == expected
        }
    }

    @Test("absurdly long strings are rejected, the limit itself is fine")
    func longStrings() throws {
        let limit = BundleMetadata.maximumTextLength
        #expect(try parse(#"{"title":"\#(String(repeating: "a", count: limit))"}"#).title?.count == limit)
        #expect(throws: MetadataError.tooLong(field: "artist", length: limit + 1, limit: limit)) {
            _ = try parse(#"{"title":"T","artist":"\#(String(repeating: "é", count: limit + 1))"}"#)
        }
        #expect(throws: MetadataError.tooLong(field: "genre", length: 65, limit: 64)) {
            _ = try parse(#"{"title":"T","genre":"\#(String(repeating: "g", count: 65))"}"#)
        }
    }

    @Test("documents over 64 KiB and invalid UTF-8 are refused before parsing")
    func sizeAndEncoding() {
        let huge = Data(#"{"title":"\#(String(repeating: "x", count: 70_000))"}"#.utf8)
        #expect(throws: MetadataError.tooLarge(bytes: huge.count)) { _ = try BundleMetadata.parse(huge) }
        #expect(throws: MetadataError.notUTF8) { _ = try BundleMetadata.parse(Data([0x7B, 0xFF, 0xFE, 0x7D])) }
    }

    @Test("errors read as sentences that name the field")
    func messages() {
        #expect(MetadataError.wrongType(field: "year", expected: "a whole number such as 2020", found: "the string \"x\"").description
            == #""year" must be a whole number such as 2020, not the string "x""#)
        #expect(MetadataError.controlCharacter(field: "title", scalar: 7).description.contains("U+0007"))
    }

    @Test("the JSON document round-trips in the original field order")
    func jsonDocument() throws {
        let metadata = BundleMetadata(title: "Say \"hi\"\\", album: "A", artist: "B", genre: .name("Jazz"), year: 1999)
        let text = String(decoding: metadata.jsonDocument(), as: UTF8.self)
        #expect(text == #"{"title":"Say \"hi\"\\","album":"A","artist":"B","genre":"Jazz","year":1999}"#)
        #expect(try BundleMetadata.parse(metadata.jsonDocument()) == metadata)
        #expect(String(decoding: BundleMetadata(title: "T", genre: .id(6)).jsonDocument(), as: UTF8.self) == #"{"title":"T","genre":6}"#)
    }
}
