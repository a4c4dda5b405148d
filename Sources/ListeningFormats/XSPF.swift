internal import Foundation
internal import FoundationXML
internal import LibraryModel

/// XSPF version 1 (https://xspf.org/spec): read with FoundationXML's XMLParser, written by hand.
///
/// Only the elements TermPlayer uses are read; `<extension>`, `<meta>`, `<link>` and anything in another
/// namespace (VLC's `vlc:id`, for one) are skipped with everything inside them.
enum XSPF {
    static func parse(_ bytes: [UInt8]) throws(PlaylistFileError) -> PlaylistFile {
        // From a stream, which XMLParser feeds to libxml2 in pieces: handed the whole Data at once, libxml2
        // gives up on documents over 10 MB ("huge input lookup") without the XML_PARSE_HUGE flag that
        // Foundation offers no way to set.
        if let offset = XMLText.firstNonUTF8Byte(in: bytes) {
            throw .notUTF8(line: 1 + bytes[..<offset].count { $0 == UInt8(ascii: "\n") })
        }
        let parser = XMLParser(stream: InputStream(data: Data(bytes)))
        // An XSPF never needs a DTD; a file that declares an external entity must not make us read a file
        // or fetch a URL.
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = true
        let reader = XSPFReader()
        parser.delegate = reader
        let finished = parser.parse()
        if let failure = reader.failure { throw failure }
        // parse() can answer true after reporting errors (a truncated file, for one), so the reported
        // errors decide.
        if let error = reader.xmlError {
            throw .malformed(line: max(1, error.line), column: max(1, error.column), reason: LibXML2Error.reason(for: error.code))
        }
        if !finished, let code = (parser.parserError as NSError?)?.code, !LibXML2Error.isNamespaceError(code) {
            throw .malformed(line: max(1, parser.lineNumber), column: max(1, parser.columnNumber), reason: LibXML2Error.reason(for: code))
        }
        guard reader.sawRoot else {
            throw .malformed(line: 1, column: 1, reason: "the file holds no XML element; an XSPF playlist starts with <playlist>")
        }
        return reader.playlist
    }

    static func render(_ playlist: PlaylistFile) -> [UInt8] {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<playlist version=\"1\" xmlns=\"\(PlaylistFormat.xspfNamespace)\">\n"
        element("title", playlist.name, indent: 1, into: &xml)
        element("annotation", playlist.description, indent: 1, into: &xml)
        guard !playlist.entries.isEmpty else { return Array((xml + "  <trackList/>\n</playlist>\n").utf8) }
        xml += "  <trackList>\n"
        for entry in playlist.entries {
            xml += "    <track>\n"
            // The schema's order: location, identifier, title, creator, annotation, info, image, album, trackNum, duration.
            element("location", entry.location, indent: 3, into: &xml)
            element("identifier", entry.songID.map { PlaylistText.songURIPrefix + $0 }, indent: 3, into: &xml)
            element("title", entry.title, indent: 3, into: &xml)
            element("creator", entry.artist, indent: 3, into: &xml)
            element("album", entry.album, indent: 3, into: &xml)
            element("duration", milliseconds(entry.duration), indent: 3, into: &xml)
            xml += "    </track>\n"
        }
        xml += "  </trackList>\n</playlist>\n"
        return Array(xml.utf8)
    }

    private static func element(_ name: String, _ value: String?, indent: Int, into xml: inout String) {
        guard let value else { return }
        xml += String(repeating: "  ", count: indent) + "<\(name)>"
        appendEscaped(value, to: &xml)
        xml += "</\(name)>\n"
    }

    /// XSPF durations are whole milliseconds (xs:nonNegativeInteger).
    private static func milliseconds(_ duration: Double?) -> String? {
        guard let duration, duration.isFinite, duration > 0, duration < 1e12 else { return nil }
        return String(Int((duration * 1000).rounded()))
    }

    /// Markup characters as references; a carriage return as one too, since parsers turn a raw one into a
    /// line feed; and the characters XML 1.0 forbids anywhere (most C0 controls, U+FFFE, U+FFFF) left out.
    static func appendEscaped(_ text: String, to xml: inout String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": xml += "&amp;"
            case "<": xml += "&lt;"
            case ">": xml += "&gt;"
            case "\"": xml += "&quot;"
            case "'": xml += "&apos;"
            case "\r": xml += "&#xD;"
            case "\t", "\n": xml.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20, scalar.value != 0xFFFE, scalar.value != 0xFFFF { xml.unicodeScalars.append(scalar) }
            }
        }
    }
}

/// Collects the playlist as XMLParser walks the document.
private final class XSPFReader: NSObject, XMLParserDelegate {
    /// The elements whose text TermPlayer reads.
    private enum Field {
        case playlistTitle, playlistAnnotation
        case location, title, creator, album, duration, identifier
    }

    private(set) var playlist = PlaylistFile()
    /// Set when reading stopped for a reason of our own (not XSPF, too many tracks).
    private(set) var failure: PlaylistFileError?
    /// The error to report: the file's premature end if the parser saw one (what follows it is noise),
    /// else the first error the parser reported.
    private(set) var xmlError: (code: Int, line: Int, column: Int)?
    private(set) var sawRoot = false

    /// The root's namespace: XSPF's, or none for a careless writer; children count only in the same one.
    private var namespace = PlaylistFormat.xspfNamespace
    /// Local names of the open elements; "" for an element of another namespace, so no path through one matches.
    private var path: [String] = []
    private var track: PlaylistFileEntry?
    private var field: Field?
    private var fieldDepth = 0
    private var text = ""

    /// Enough for any real field; stops a giant text node from costing more than the clamp keeps anyway.
    private static let maximumTextBytes = 65_536

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        guard failure == nil else { return }
        if path.isEmpty {
            guard !sawRoot else { return }
            sawRoot = true
            let rootNamespace = namespaceURI ?? ""
            guard elementName == "playlist", rootNamespace == PlaylistFormat.xspfNamespace || rootNamespace.isEmpty else {
                let name = qName ?? elementName
                stop(parser, because: .notXSPF(root: rootNamespace.isEmpty ? name : "\(name) xmlns=\"\(rootNamespace)\""))
                return
            }
            namespace = rootNamespace
        }
        path.append((namespaceURI ?? "") == namespace ? elementName : "")
        guard field == nil else { return }
        switch path {
        case ["playlist", "title"]: begin(.playlistTitle)
        case ["playlist", "annotation"]: begin(.playlistAnnotation)
        case ["playlist", "trackList", "track"]:
            guard playlist.entries.count < ListenerLimits.playlistSize else {
                stop(parser, because: .tooManyEntries)
                return
            }
            track = PlaylistFileEntry()
        default:
            guard path.count == 4, track != nil, path.starts(with: ["playlist", "trackList", "track"]) else { return }
            switch path[3] {
            case "location": begin(.location)
            case "title": begin(.title)
            case "creator": begin(.creator)
            case "album": begin(.album)
            case "duration": begin(.duration)
            case "identifier": begin(.identifier)
            default: break
            }
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard field != nil, text.utf8.count < Self.maximumTextBytes else { return }
        text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard field != nil, text.utf8.count < Self.maximumTextBytes else { return }
        text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard failure == nil else { return }
        if let field, path.count == fieldDepth {
            finish(field)
            self.field = nil
        } else if path == ["playlist", "trackList", "track"], let track {
            playlist.entries.append(track)
            self.track = nil
        }
        _ = path.popLast()
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        let code = (parseError as NSError).code
        // An undeclared prefix (`<vlc:id>` without its xmlns) leaves the document readable; that element
        // simply belongs to no namespace we read.
        guard failure == nil, !LibXML2Error.isNamespaceError(code) else { return }
        let position = (code: code, line: parser.lineNumber, column: parser.columnNumber)
        if xmlError == nil || code == LibXML2Error.documentEnd { xmlError = position }
    }

    private func begin(_ field: Field) {
        self.field = field
        fieldDepth = path.count
        text = ""
    }

    private func finish(_ field: Field) {
        let value = PlaylistText.field(text)
        switch field {
        case .playlistTitle: playlist.name = value
        case .playlistAnnotation: playlist.description = value
        case .location:
            if track?.location == nil {
                track?.location = PlaylistText.field(text, limit: PlaylistFiles.maximumLocationLength)
            }
        case .title: track?.title = value
        case .creator: track?.artist = value
        case .album: track?.album = value
        case .duration:
            let milliseconds = value.flatMap(Double.init).flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
            track?.duration = milliseconds.map { $0 / 1000 }
        case .identifier:
            if track?.songID == nil, let value { track?.songID = PlaylistText.songID(inURI: value) }
        }
    }

    private func stop(_ parser: XMLParser, because failure: PlaylistFileError) {
        self.failure = failure
        parser.abortParsing()
    }
}

/// libxml2's error numbers, which XMLParser reports as the NSError's code. They are also Apple's
/// `XMLParser.ErrorCode` values; swift-corelibs-foundation's copy of that enum is numbered one lower, so
/// the numbers are written out here rather than taken from it.
private enum LibXML2Error {
    static let documentEnd = 5

    /// XML_NS_ERR_*: namespace errors, after which libxml2 carries on.
    static func isNamespaceError(_ code: Int) -> Bool { (200..<300).contains(code) }

    /// The numbers alone say nothing to a person.
    static func reason(for code: Int) -> String {
        let problem: String =
            switch code {
            case 3, 4: "there is no XML element where the document should start"
            case documentEnd: "the file ends before the XML does (is it cut short?)"
            case 6, 7, 8: "a character reference (&#…;) names a character XML does not allow"
            case 9: "it holds a character XML does not allow (a control character, or text that is not in the declared encoding)"
            case 22, 23, 26, 27: "an & starts something that is not an XML entity (write &amp; for a literal &)"
            case 31, 32, 79, 81: "the text is not in the encoding its XML declaration names"
            case 38, 39, 40, 41: "an attribute is not written name=\"value\""
            case 42: "an element gives the same attribute twice"
            case 45, 80: "a comment is not closed with -->, or holds --"
            case 63: "a CDATA section is not closed with ]]>"
            case 64: "the <?xml …?> declaration is not at the very start of the file"
            case 65: "a space is missing inside a tag or declaration"
            case 68: "a name is missing where one must be (a bare & must be written &amp;, a bare < as &lt;)"
            case 72, 73, 77: "a tag is not closed with >"
            case 74, 76, 85: "a closing tag does not match the element it closes"
            case 86: "there is more after the root element has ended"
            case 89, 90: "its entity declarations refer to one another"
            default: "XML parser error \(code)"
            }
        return "the XML is not well formed: " + problem
    }
}
