import Crypto

#if canImport(Glibc)
import Glibc
#endif

/// Who signs: an access key pair, and the session token temporary credentials come with.
public struct AWSCredentials: Sendable, Equatable {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`, as every AWS tool reads them.
    public init?(environment: [String: String]) {
        guard let key = environment["AWS_ACCESS_KEY_ID"], !key.isEmpty,
            let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
        else { return nil }
        self.init(accessKeyID: key, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 })
    }
}

/// An HTTP request as Signature Version 4 sees it. `path` is the URL path before percent-encoding.
public struct SignableRequest: Sendable, Equatable {
    public var method: String
    public var host: String
    public var path: String
    public var query: [(name: String, value: String)]
    public var headers: [(name: String, value: String)]
    /// Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`.
    public var payloadHash: String

    public init(method: String, host: String, path: String, query: [(name: String, value: String)] = [], headers: [(name: String, value: String)] = [], payloadHash: String = SignableRequest.emptyPayloadHash) {
        self.method = method
        self.host = host
        self.path = path
        self.query = query
        self.headers = headers
        self.payloadHash = payloadHash
    }

    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    public static func payloadHash(of body: some Sequence<UInt8>) -> String {
        SigV4Signer.hex(SHA256.hash(data: Array(body)))
    }

    public static func == (lhs: SignableRequest, rhs: SignableRequest) -> Bool {
        lhs.method == rhs.method && lhs.host == rhs.host && lhs.path == rhs.path && lhs.payloadHash == rhs.payloadHash
            && lhs.query.elementsEqual(rhs.query, by: ==) && lhs.headers.elementsEqual(rhs.headers, by: ==)
    }
}

/// AWS Signature Version 4 with S3's rules: the path is encoded once and not normalised, and the
/// payload hash is sent as `x-amz-content-sha256`.
public struct SigV4Signer: Sendable {
    public var credentials: AWSCredentials
    public var region: String
    public var service: String

    public init(credentials: AWSCredentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The headers to add to `request` for it to be signed at `time` (seconds since 1970, UTC):
    /// `x-amz-date`, `x-amz-content-sha256` (S3), `x-amz-security-token` (temporary credentials) and
    /// `authorization`.
    public func signingHeaders(for request: SignableRequest, at time: Int) -> [(name: String, value: String)] {
        let stamp = AmzTimestamp(secondsSince1970: time)
        var added: [(name: String, value: String)] = [("x-amz-date", stamp.dateTime)]
        if service == "s3" { added.append(("x-amz-content-sha256", request.payloadHash)) }
        if let token = credentials.sessionToken { added.append(("x-amz-security-token", token)) }
        var signed = request
        signed.headers += added
        let (canonical, signedHeaders) = canonicalRequest(signed)
        let scope = "\(stamp.date)/\(region)/\(service)/aws4_request"
        let signature = sign(canonical, scope: scope, stamp: stamp)
        added.append(("authorization", "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"))
        return added
    }

    /// A presigned URL's query (without the `?`): anyone holding it may make `request` until `expires`
    /// seconds after `time`. Only `host` is signed; the payload is unsigned, as S3 expects.
    public func presignedQuery(for request: SignableRequest, at time: Int, expires: Int) -> String {
        let stamp = AmzTimestamp(secondsSince1970: time)
        let scope = "\(stamp.date)/\(region)/\(service)/aws4_request"
        var query = request.query + [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope)"),
            ("X-Amz-Date", stamp.dateTime),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", "host"),
        ]
        if let token = credentials.sessionToken { query.append(("X-Amz-Security-Token", token)) }
        var presigned = request
        presigned.query = query
        presigned.headers = []
        presigned.payloadHash = SignableRequest.unsignedPayload
        let (canonical, _) = canonicalRequest(presigned)
        let signature = sign(canonical, scope: scope, stamp: stamp)
        // The signature goes last, as S3's own presigners write it.
        return Self.canonicalQuery(query) + "&X-Amz-Signature=" + signature
    }

    // MARK: The algorithm

    /// The canonical request and the signed header names, as the specification defines them.
    func canonicalRequest(_ request: SignableRequest) -> (String, String) {
        var headers: [String: [String]] = ["host": [request.host]]
        for (name, value) in request.headers {
            // Values are trimmed and inner runs of spaces folded to one.
            let folded = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            headers[name.lowercased(), default: []].append(folded)
        }
        let names = headers.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(headers[$0, default: []].joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let canonical = [
            request.method,
            Self.uriEncode(request.path, encodingSlash: false),
            Self.canonicalQuery(request.query),
            canonicalHeaders,
            signedHeaders,
            request.payloadHash,
        ].joined(separator: "\n")
        return (canonical, signedHeaders)
    }

    private func sign(_ canonicalRequest: String, scope: String, stamp: AmzTimestamp) -> String {
        let stringToSign = ["AWS4-HMAC-SHA256", stamp.dateTime, scope, Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8)))].joined(separator: "\n")
        var key = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [stamp.date, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
    }

    static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        query.map { (uriEncode($0.name, encodingSlash: true), uriEncode($0.value, encodingSlash: true)) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// Percent-encodes everything but A–Z, a–z, 0–9, `-`, `_`, `.`, `~` (and `/` in paths), in uppercase hex.
    public static func uriEncode(_ text: String, encodingSlash: Bool) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where !encodingSlash:
                encoded.append("/")
            default:
                let digits = Array("0123456789ABCDEF".unicodeScalars)
                encoded.unicodeScalars.append(contentsOf: ["%", digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
            }
        }
        return encoded
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

/// `20130524T000000Z` and `20130524`, in UTC.
struct AmzTimestamp {
    let dateTime: String
    let date: String

    init(secondsSince1970: Int) {
        var time = time_t(secondsSince1970)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        date = "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))"
        dateTime = "\(date)T\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
    }
}
