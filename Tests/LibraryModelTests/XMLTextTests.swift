import LibraryModel
import Testing

@Suite("XML text references")
struct XMLTextTests {
    @Test("entities and numeric references are read; a stray & and an unknown name stay as written")
    func unescape() {
        #expect(XMLText.unescape("Rock &amp; Roll &lt;3 &#xE9;&#233; &quot;x&apos;") == "Rock & Roll <3 éé \"x'")
        // Text before a stray & once came out twice.
        #expect(XMLText.unescape("AC&DC") == "AC&DC")
        #expect(XMLText.unescape("a &nbsp; b") == "a &nbsp; b")
    }
}
