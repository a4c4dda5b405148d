public import AWSSigning

/// Where an AWS service is and who signs for it, read from the variables every AWS tool reads.
public struct AWSConfiguration: Sendable {
    public var credentials: AWSCredentials
    public var region: String
    /// An S3/SQS-compatible server ("http://127.0.0.1:5000"), or nil for AWS itself.
    public var endpoint: Endpoint?

    public init(credentials: AWSCredentials, region: String, endpoint: Endpoint? = nil) {
        self.credentials = credentials
        self.region = region
        self.endpoint = endpoint
    }

    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION` (else
    /// `AWS_DEFAULT_REGION`, else us-east-1) and the endpoint: `AWS_ENDPOINT_URL_<SERVICE>` before
    /// `AWS_ENDPOINT_URL`, as the AWS SDKs resolve it.
    public init(environment: [String: String], service: String) throws(AWSError) {
        guard let credentials = AWSCredentials(environment: environment) else {
            throw .configuration("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        }
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let region = value("AWS_REGION") ?? value("AWS_DEFAULT_REGION") ?? "us-east-1"
        var endpoint: Endpoint?
        let variable = "AWS_ENDPOINT_URL_\(service.uppercased())"
        if let url = value(variable) ?? value("AWS_ENDPOINT_URL") {
            guard let parsed = Endpoint(url) else {
                throw .configuration("\(value(variable) != nil ? variable : "AWS_ENDPOINT_URL") is not an http(s) URL: \(url)")
            }
            endpoint = parsed
        }
        self.init(credentials: credentials, region: region, endpoint: endpoint)
    }

    func signer(service: String) -> SigV4Signer {
        SigV4Signer(credentials: credentials, region: region, service: service)
    }
}

/// The origin of an HTTP(S) service: scheme, host and port, nothing else.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public var secure: Bool
    /// The host as the `Host` header carries it, with the port when it is not the scheme's default.
    public var authority: String
    /// A path prefix the server is mounted under, without the trailing slash ("" for most).
    public var basePath: String

    /// Parses "http(s)://host[:port][/base]"; nil for anything else.
    public init?(_ url: String) {
        let secure: Bool
        var rest: Substring
        if url.hasPrefix("https://") {
            secure = true
            rest = url.dropFirst(8)
        } else if url.hasPrefix("http://") {
            secure = false
            rest = url.dropFirst(7)
        } else {
            return nil
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = String(rest[..<slash])
        rest = rest[slash...]
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !authority.isEmpty, !authority.contains("@"), !rest.contains("?") else { return nil }
        if secure, authority.hasSuffix(":443") { authority.removeLast(4) }
        if !secure, authority.hasSuffix(":80") { authority.removeLast(3) }
        self.secure = secure
        self.authority = authority
        self.basePath = String(rest)
    }

    public var origin: String { (secure ? "https://" : "http://") + authority }
    public var description: String { origin + basePath }
}
