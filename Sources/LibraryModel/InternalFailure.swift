/// What a client is told when the service fails in a way that is not the client's doing: a reference to
/// quote, never the failure's own text (paths, SQL, addresses and library internals stay in the log,
/// beside the same reference).
public struct InternalFailure: Sendable, CustomStringConvertible {
    /// Eight hex digits, drawn per failure.
    public let reference: String

    public init() {
        reference = Hex.lowercase((0..<4).map { _ in UInt8.random(in: 0...255) })
    }

    /// The client's message.
    public var description: String { "internal error (reference \(reference)); the service's log has the details" }

    /// The log's line: what failed, the reference, and the error itself.
    public func logLine(_ what: String, _ error: any Error) -> String { "\(what) failed (reference \(reference)): \(error)" }
}
