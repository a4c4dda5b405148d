public import AsyncHTTPClient
import AWSSigning
public import Foundation
import FoundationXML
import LibraryModel
public import NIOCore
import NIOHTTP1

/// The S3 REST API for one bucket: the handful of object operations a bucket store needs, plus presigned
/// and public URLs. Speaks to AWS (virtual-hosted addressing) and to S3-compatible servers at
/// `AWS_ENDPOINT_URL(_S3)` (path-style addressing, which they all support).
public struct S3Client: Sendable {
    /// What S3 says about one object.
    public struct Object: Sendable, Hashable {
        public var key: String
        public var size: Int
        /// The entity tag without its quotes.
        public var etag: String
        public var lastModified: Date
    }

    /// One page of a listing, and where the next one starts.
    public struct ListingPage: Sendable {
        public var objects: [Object]
        public var continuationToken: String?
    }

    public let bucket: String
    let configuration: AWSConfiguration
    let http: SignedHTTPClient
    /// Where requests go, and the path prefix that names the bucket when addressing is path-style.
    let endpoint: Endpoint
    let bucketPath: String

    public init(bucket: String, configuration: AWSConfiguration, http: HTTPClient = SignedHTTPClient.sharedHTTPClient) throws(AWSError) {
        guard Self.isValidBucketName(bucket) else {
            throw .configuration("\"\(bucket)\" is not a valid S3 bucket name (3–63 lower-case letters, digits, dots and hyphens)")
        }
        self.bucket = bucket
        self.configuration = configuration
        self.http = SignedHTTPClient(http: http, configuration: configuration, service: "s3")
        if let custom = configuration.endpoint {
            endpoint = custom
            bucketPath = "/" + bucket
        } else if !bucket.contains(".") {
            // Virtual-hosted style, as AWS prefers; dotted names would break the TLS wildcard certificate.
            endpoint = Endpoint("https://\(bucket).s3.\(configuration.region).amazonaws.com") ?? Self.fallbackEndpoint
            bucketPath = ""
        } else {
            endpoint = Endpoint("https://s3.\(configuration.region).amazonaws.com") ?? Self.fallbackEndpoint
            bucketPath = "/" + bucket
        }
    }

    private static let fallbackEndpoint = Endpoint("https://s3.amazonaws.com")!  // a literal that parses

    /// "s3://music (http://127.0.0.1:5000)", for logs and status.
    public var description: String {
        "s3://\(bucket)" + (configuration.endpoint.map { " at \($0)" } ?? " (\(configuration.region))")
    }

    // MARK: Objects

    /// The object's size, entity tag and date, or nil when there is no such object.
    public func head(_ key: String) async throws(AWSError) -> Object? {
        let response = try await http.send(request(.HEAD, key), operation: "HEAD s3://\(bucket)/\(key)", accepting: [404])
        if response.status == .notFound { return nil }
        return try Self.object(key, from: response.headers, operation: "HEAD s3://\(bucket)/\(key)")
    }

    /// One page of ListObjectsV2 under `prefix`, at most `maxKeys` objects.
    public func list(prefix: String, after continuationToken: String? = nil, maxKeys: Int = 1000) async throws(AWSError) -> ListingPage {
        var query: [(name: String, value: String)] = [("list-type", "2"), ("prefix", prefix), ("max-keys", String(maxKeys))]
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        let operation = "LIST s3://\(bucket)/\(prefix)*"
        let body = try await http.collect(
            SignedHTTPClient.Request(.GET, endpoint, path: bucketPath.isEmpty ? "/" : bucketPath, query: query), operation: operation)
        return try ListingParser.parse(Data(body.readableBytesView), operation: operation)
    }

    /// Streams the object (bytes `range` of it, when given) to `write`, a chunk at a time. False when there
    /// is no such object. Throws `AWSError`s, and whatever `write` throws.
    public func read(_ key: String, range: ClosedRange<Int>? = nil, into write: (ByteBuffer) async throws -> Void) async throws -> Bool {
        guard let response = try await get(key, range: range) else { return false }
        do {
            for try await chunk in response.body { try await write(chunk) }
        } catch let error as HTTPClientError {
            throw AWSError.transport(operation: "GET s3://\(bucket)/\(key)", underlying: "\(error)")
        }
        return true
    }

    /// What a whole-object read found.
    public enum Contents: Sendable {
        case missing
        case tooLarge(size: Int)
        case bytes(ByteBuffer)
    }

    /// The whole object, when it is at most `limit` bytes.
    public func contents(of key: String, limit: Int) async throws(AWSError) -> Contents {
        guard let response = try await get(key) else { return .missing }
        if let length = response.headers.first(name: "content-length").flatMap({ Int($0) }), length > limit {
            return .tooLarge(size: length)
        }
        do {
            return .bytes(try await response.body.collect(upTo: limit))
        } catch let error as NIOTooManyBytesError {
            return .tooLarge(size: error.maxBytes.map { $0 + 1 } ?? limit + 1)
        } catch {
            throw .transport(operation: "GET s3://\(bucket)/\(key)", underlying: "\(error)")
        }
    }

    private func get(_ key: String, range: ClosedRange<Int>? = nil) async throws(AWSError) -> HTTPClientResponse? {
        var headers: [(name: String, value: String)] = []
        if let range { headers.append(("range", "bytes=\(range.lowerBound)-\(range.upperBound)")) }
        let response = try await http.send(
            request(.GET, key, headers: headers), operation: "GET s3://\(bucket)/\(key)", timeout: .minutes(10), accepting: [404])
        return response.status == .notFound ? nil : response
    }

    /// Stores `body` as the object and returns what S3 now holds.
    @discardableResult
    public func put(_ key: String, body: ByteBuffer, contentType: String) async throws(AWSError) -> Object {
        var request = request(.PUT, key, headers: [("content-type", contentType)])
        request.body = body
        return try await put(request, key: key, size: body.readableBytes)
    }

    /// Stores the object from `chunks`, `size` bytes in all, sent as they come: a large upload is never
    /// in memory whole.
    @discardableResult
    public func put(
        _ key: String, streaming chunks: some AsyncSequence<ByteBuffer, any Error> & Sendable, size: Int, contentType: String
    ) async throws(AWSError) -> Object {
        var request = request(.PUT, key, headers: [("content-type", contentType)])
        request.unsignedStream = .stream(chunks, length: .known(Int64(size)))
        return try await put(request, key: key, size: size)
    }

    private func put(_ request: SignedHTTPClient.Request, key: String, size: Int) async throws(AWSError) -> Object {
        let operation = "PUT s3://\(bucket)/\(key)"
        let response = try await http.send(request, operation: operation, timeout: .minutes(10))
        guard let etag = response.headers.first(name: "etag") else {
            throw .malformedResponse(operation: operation, detail: "no ETag header")
        }
        return Object(key: key, size: size, etag: Self.unquoted(etag), lastModified: Date())
    }

    /// Deletes the object; deleting one that is not there succeeds, as in S3.
    public func delete(_ key: String) async throws(AWSError) {
        _ = try await http.send(request(.DELETE, key), operation: "DELETE s3://\(bucket)/\(key)", accepting: [404])
    }

    /// Creates the bucket (in the client's region); one that exists already and is ours is fine.
    public func createBucket() async throws(AWSError) {
        var body: ByteBuffer?
        if configuration.region != "us-east-1" {
            body = ByteBuffer(string: "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>\(configuration.region)</LocationConstraint></CreateBucketConfiguration>")
        }
        do {
            _ = try await http.send(
                SignedHTTPClient.Request(.PUT, endpoint, path: bucketPath.isEmpty ? "/" : bucketPath, body: body), operation: "CREATE s3://\(bucket)")
        } catch where error.code == "BucketAlreadyOwnedByYou" {
            return
        }
    }

    // MARK: URLs for clients

    /// A URL anyone may GET the object with until `expires` seconds from now, signed with these credentials.
    public func presignedURL(for key: String, expires: Int, now: Date = Date()) -> String {
        let target = request(.GET, key)
        let signable = SignableRequest(method: "GET", host: endpoint.authority, path: target.fullPath)
        let query = configuration.signer(service: "s3").presignedQuery(for: signable, at: Int(now.timeIntervalSince1970), expires: expires)
        return target.url + "?" + query
    }

    /// The object's plain URL, for buckets whose objects are publicly readable.
    public func publicURL(for key: String) -> String { request(.GET, key).url }

    // MARK: Requests and responses

    private func request(
        _ method: HTTPMethod, _ key: String, headers: [(name: String, value: String)] = [], body: ByteBuffer? = nil
    ) -> SignedHTTPClient.Request {
        SignedHTTPClient.Request(method, endpoint, path: bucketPath + "/" + key, headers: headers, body: body)
    }

    static func object(_ key: String, from headers: HTTPHeaders, operation: String) throws(AWSError) -> Object {
        guard let length = headers.first(name: "content-length").flatMap({ Int($0) }), let etag = headers.first(name: "etag") else {
            throw .malformedResponse(operation: operation, detail: "no Content-Length or ETag header")
        }
        let modified = headers.first(name: "last-modified").flatMap(HTTPDate.parse) ?? Date(timeIntervalSince1970: 0)
        return Object(key: key, size: length, etag: unquoted(etag), lastModified: modified)
    }

    static func unquoted(_ etag: String) -> String {
        var tag = Substring(etag)
        if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
        if tag.hasPrefix("\""), tag.hasSuffix("\""), tag.count >= 2 { tag = tag.dropFirst().dropLast() }
        return String(tag)
    }

    /// S3's rules for new buckets: 3–63 characters of a–z, 0–9, `.` and `-`, starting and ending with a
    /// letter or digit.
    static func isValidBucketName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count) else { return false }
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard let first = bytes.first, let last = bytes.last, isAlphanumeric(first), isAlphanumeric(last) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }
}

/// Reads a ListObjectsV2 result: each `Contents`' key, size, ETag and LastModified, and the continuation.
final class ListingParser: NSObject, XMLParserDelegate {
    private var objects: [S3Client.Object] = []
    private var nextToken: String?
    private var truncated = false
    private var field: [String: String] = [:]
    private var text = ""
    private var inContents = false

    static func parse(_ data: Data, operation: String) throws(AWSError) -> S3Client.ListingPage {
        if let offset = XMLText.firstNonUTF8Byte(in: Array(data)) {
            throw .malformedResponse(operation: operation, detail: "not a listing: not UTF-8 from byte \(offset + 1)")
        }
        let delegate = ListingParser()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        guard parser.parse() else {
            throw .malformedResponse(operation: operation, detail: "not a listing: \(parser.parserError.map { "\($0)" } ?? "bad XML")")
        }
        if delegate.truncated, delegate.nextToken == nil {
            throw .malformedResponse(operation: operation, detail: "a truncated listing without a NextContinuationToken")
        }
        return S3Client.ListingPage(objects: delegate.objects, continuationToken: delegate.truncated ? delegate.nextToken : nil)
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        text = ""
        if name == "Contents" {
            inContents = true
            field = [:]
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "Contents":
            inContents = false
            if let key = field["Key"], let size = field["Size"].flatMap({ Int($0) }) {
                let modified = field["LastModified"].flatMap { try? Date($0, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)) }
                    ?? field["LastModified"].flatMap { try? Date($0, strategy: .iso8601) }
                    ?? Date(timeIntervalSince1970: 0)
                objects.append(S3Client.Object(key: key, size: size, etag: S3Client.unquoted(field["ETag"] ?? ""), lastModified: modified))
            }
        case "NextContinuationToken": nextToken = text
        case "IsTruncated": truncated = text == "true"
        default: if inContents { field[name] = text }
        }
    }
}
