/// Why a call to S3 or SQS failed, carrying what the service or the connection said.
public enum AWSError: Error, Sendable, CustomStringConvertible {
    /// The settings cannot work (no credentials, a bad endpoint or URL).
    case configuration(String)
    /// The request never got an answer: connection refused, timed out, reset.
    case transport(operation: String, underlying: String)
    /// The service answered with an error: its HTTP status, error code and message.
    case service(operation: String, status: Int, code: String, message: String)
    /// The service answered with something this client cannot read.
    case malformedResponse(operation: String, detail: String)

    public var description: String {
        switch self {
        case .configuration(let problem): problem
        case .transport(let operation, let underlying): "\(operation): no answer: \(underlying)"
        case .service(let operation, let status, let code, let message):
            "\(operation): \(code.isEmpty ? "HTTP \(status)" : "\(code) (HTTP \(status))")\(message.isEmpty ? "" : ": \(message)")"
        case .malformedResponse(let operation, let detail): "\(operation): unreadable response: \(detail)"
        }
    }

    /// The service's error code ("NoSuchKey", "AWS.SimpleQueueService.NonExistentQueue"), if it sent one.
    public var code: String? {
        if case .service(_, _, let code, _) = self { code } else { nil }
    }

    public var status: Int? {
        if case .service(_, let status, _, _) = self { status } else { nil }
    }
}
