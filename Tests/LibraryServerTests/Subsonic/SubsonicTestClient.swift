import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Calls `/rest` the ways real clients do: GET (Strawberry, Tempo), POST with everything in the query string (DSub),
/// and POST form (py-sonic), with `.view` or without.
struct SubsonicTestClient {
    enum Transport: CaseIterable {
        case get
        case postQuery
        case postForm
    }

    let client: any TestClientProtocol
    /// Sent with every call: `u` and `p`, `t` and `s`, or `apiKey`.
    var credentials: [(String, String)] = []

    static func encode(_ parameters: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return parameters.map { name, value in
            "\(name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
    }

    func call(
        _ method: String, _ parameters: [(String, String)] = [], format: String? = "json", transport: Transport = .get, view: Bool = true,
        headers: HTTPFields = [:], head: Bool = false
    ) async throws -> TestResponse {
        var all = credentials + [("v", "1.16.1"), ("c", "tests")] + parameters
        if let format { all.append(("f", format)) }
        let path = "/rest/\(method)\(view ? ".view" : "")"
        let encoded = Self.encode(all)
        switch transport {
        case .get:
            return try await client.executeRequest(uri: "\(path)?\(encoded)", method: head ? .head : .get, headers: headers, body: nil)
        case .postQuery:
            return try await client.executeRequest(uri: "\(path)?\(encoded)", method: .post, headers: headers, body: nil)
        case .postForm:
            var headers = headers
            headers[.contentType] = "application/x-www-form-urlencoded"
            return try await client.executeRequest(uri: path, method: .post, headers: headers, body: ByteBuffer(string: encoded))
        }
    }

    /// The `subsonic-response` object of a JSON answer, whatever its status.
    func envelope(_ method: String, _ parameters: [(String, String)] = [], transport: Transport = .get) async throws -> [String: Any] {
        let response = try await call(method, parameters, transport: transport)
        #expect(response.status == .ok, "\(method): HTTP \(response.status)")
        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any], "\(String(buffer: response.body))")
        return try #require(object["subsonic-response"] as? [String: Any], "\(object)")
    }

    /// A successful answer's envelope; a failure fails the test with its message.
    func ok(_ method: String, _ parameters: [(String, String)] = [], transport: Transport = .get, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        let envelope = try await envelope(method, parameters, transport: transport)
        #expect(envelope["status"] as? String == "ok", "\(method): \(envelope["error"] ?? "")", sourceLocation: sourceLocation)
        return envelope
    }

    /// A failed answer's error code (nil when it succeeded).
    func errorCode(_ method: String, _ parameters: [(String, String)] = [], transport: Transport = .get) async throws -> Int? {
        let envelope = try await envelope(method, parameters, transport: transport)
        guard envelope["status"] as? String == "failed" else { return nil }
        let error = try #require(envelope["error"] as? [String: Any])
        #expect(error["message"] is String)
        return error["code"] as? Int
    }
}

/// An XML document as a tree, read with Foundation's XMLParser, for checking XML answers the way DSub reads them.
final class XMLTree: NSObject, XMLParserDelegate {
    final class Node {
        let name: String
        let namespace: String?
        let attributes: [String: String]
        var children: [Node] = []
        var text = ""

        init(name: String, namespace: String?, attributes: [String: String]) {
            self.name = name
            self.namespace = namespace
            self.attributes = attributes
        }

        func all(_ name: String) -> [Node] { children.filter { $0.name == name } }
        func first(_ name: String) -> Node? { children.first { $0.name == name } }
    }

    private var stack: [Node] = []
    private(set) var root: Node?
    private(set) var failure: (any Error)?

    static func parse(_ data: Data) throws -> Node {
        let tree = XMLTree()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.delegate = tree
        let parsed = parser.parse()
        if let failure = tree.failure ?? parser.parserError { throw failure }
        #expect(parsed)
        return try #require(tree.root)
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        let node = Node(name: elementName, namespace: namespaceURI, attributes: attributes)
        if let parent = stack.last { parent.children.append(node) } else { root = node }
        stack.append(node)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        _ = stack.popLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        failure = parseError
    }
}
