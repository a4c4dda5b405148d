public import AsyncHTTPClient
import AWSSigning
import Foundation
import LibraryModel
public import NIOCore
public import NIOHTTP1

/// Sends requests to one AWS service, signed with Signature Version 4, and turns failures into `AWSError`s
/// that say what the service answered.
public struct SignedHTTPClient: Sendable {
    public struct Request: Sendable {
        public var method: HTTPMethod
        public var endpoint: Endpoint
        /// The path before percent-encoding, starting with "/" (the endpoint's base path is added).
        public var path: String
        public var query: [(name: String, value: String)]
        public var headers: [(name: String, value: String)]
        public var body: ByteBuffer?
        /// Sent instead of `body`, as it is read, and signed as `UNSIGNED-PAYLOAD` (S3 accepts it): a large
        /// upload is neither held in memory nor read a first time to be hashed.
        public var unsignedStream: HTTPClientRequest.Body?

        public init(
            _ method: HTTPMethod, _ endpoint: Endpoint, path: String, query: [(name: String, value: String)] = [],
            headers: [(name: String, value: String)] = [], body: ByteBuffer? = nil, unsignedStream: HTTPClientRequest.Body? = nil
        ) {
            self.method = method
            self.endpoint = endpoint
            self.path = path
            self.query = query
            self.headers = headers
            self.body = body
            self.unsignedStream = unsignedStream
        }

        var fullPath: String { endpoint.basePath + path }

        var url: String {
            let query = query.map { SigV4Signer.uriEncode($0.name, encodingSlash: true) + "=" + SigV4Signer.uriEncode($0.value, encodingSlash: true) }
            return endpoint.origin + SigV4Signer.uriEncode(fullPath, encodingSlash: false) + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        }
    }

    let http: HTTPClient
    let signer: SigV4Signer

    /// The client every AWS call shares. A refused connection fails at once instead of being retried until
    /// the request's deadline (AsyncHTTPClient's default): callers decide how to back off, and say why.
    public static let sharedHTTPClient = makeHTTPClient()

    /// A client for AWS calls: refused connections fail at once, and up to 64 connections per host, since
    /// proxied media streams and long polls each hold one for minutes (AsyncHTTPClient's default is 8).
    public static func makeHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public init(http: HTTPClient = Self.sharedHTTPClient, configuration: AWSConfiguration, service: String) {
        self.http = http
        self.signer = configuration.signer(service: service)
    }

    /// Sends `request` and returns the response, which must be a 2xx (or one of `accepting`); anything
    /// else is thrown with the service's error code and message.
    public func send(
        _ request: Request, operation: String, timeout: TimeAmount = .seconds(30), accepting: Set<Int> = []
    ) async throws(AWSError) -> HTTPClientResponse {
        let payloadHash =
            if request.unsignedStream != nil {
                SignableRequest.unsignedPayload
            } else {
                request.body.map { SignableRequest.payloadHash(of: $0.readableBytesView) } ?? SignableRequest.emptyPayloadHash
            }
        let signable = SignableRequest(
            method: request.method.rawValue, host: request.endpoint.authority, path: request.fullPath, query: request.query,
            headers: request.headers, payloadHash: payloadHash)
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = request.method
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        let now = Int(Date().timeIntervalSince1970)
        for (name, value) in signer.signingHeaders(for: signable, at: now) { outgoing.headers.add(name: name, value: value) }
        if let stream = request.unsignedStream {
            outgoing.body = stream
        } else if let body = request.body {
            outgoing.body = .bytes(body)
        }

        let response: HTTPClientResponse
        do {
            response = try await http.execute(outgoing, timeout: timeout)
        } catch {
            throw .transport(operation: operation, underlying: "\(error)")
        }
        let status = Int(response.status.code)
        if (200..<300).contains(status) || accepting.contains(status) { return response }
        let errorBody = (try? await response.body.collect(upTo: 64 << 10)).map { String(buffer: $0) } ?? ""
        throw Self.serviceError(operation: operation, status: status, headers: response.headers, body: errorBody)
    }

    /// Sends `request` and collects the whole body (at most `limit` bytes).
    public func collect(
        _ request: Request, operation: String, limit: Int = 16 << 20, timeout: TimeAmount = .seconds(30)
    ) async throws(AWSError) -> ByteBuffer {
        let response = try await send(request, operation: operation, timeout: timeout)
        do {
            return try await response.body.collect(upTo: limit)
        } catch {
            throw .transport(operation: operation, underlying: "reading the response: \(error)")
        }
    }

    /// S3 answers errors in XML (`<Error><Code>…<Message>…`), SQS in JSON (`__type`, `message`) with the
    /// query-compatible code in `x-amzn-query-error`; HEAD answers have no body at all.
    static func serviceError(operation: String, status: Int, headers: HTTPHeaders, body: String) -> AWSError {
        var code = ""
        var message = ""
        if let queryError = headers.first(name: "x-amzn-query-error"), let name = queryError.split(separator: ";").first {
            code = String(name)
        }
        if let data = body.data(using: .utf8), let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] {
            if code.isEmpty, let type = (json["__type"] ?? json["code"]) as? String {
                code = String(type.split(separator: "#").last ?? Substring(type))
            }
            message = (json["message"] ?? json["Message"]) as? String ?? ""
        } else {
            if code.isEmpty { code = xmlElement("Code", in: body) ?? "" }
            message = xmlElement("Message", in: body) ?? ""
        }
        if code.isEmpty, status == 404 { code = "NotFound" }
        return .service(operation: operation, status: status, code: code, message: message)
    }

    /// The text of the first `<name>` element: enough for an error document's two fields.
    static func xmlElement(_ name: String, in document: String) -> String? {
        guard let start = document.range(of: "<\(name)>"), let end = document.range(of: "</\(name)>", range: start.upperBound..<document.endIndex)
        else { return nil }
        return XMLText.unescape(document[start.upperBound..<end.lowerBound])
    }
}
