import APIClient
import Foundation

/// A call to the service whose failure ends the command with one line a person can act on: the
/// service's own message (it names what was wrong), not the URL and status around it.
func serviceCall<Value>(_ body: () async throws(APIClientError) -> Value) async throws(CommandFailure) -> Value {
    do {
        return try await body()
    } catch {
        throw CommandFailure(message: serviceMessage(error))
    }
}

/// What an API error means to the person who ran the command.
func serviceMessage(_ error: APIClientError) -> String {
    switch error {
    case .http(_, let status, let message) where status == 409 && message.contains("changed since version"):
        return "\(message): someone changed it while this command ran; look at it again and retry"
    case .http(_, let status, let message) where status >= 500:
        return "the service failed (\(status)): \(message)"
    case .http(_, _, let message):
        return message
    default:
        return error.description
    }
}

/// "1 song", "2 songs".
func counted(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
}

/// Bytes as they are, to standard output (exports).
func writeToStandardOutput(_ bytes: [UInt8]) {
    FileHandle.standardOutput.write(Data(bytes))
}

/// The command's result lines go to stdout; a note beside them (not part of what scripts read) to stderr.
func note(_ message: String) {
    Terminal.error(message)
}
