#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call: which one, on what, and the errno it set.
public struct SystemCallError: Error, Hashable, Sendable, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var errno: Int32

    public var description: String {
        "\(operation)(\(path)): \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

/// The one place the service makes raw system calls: retries on EINTR, turns -1 into a typed error.
enum SystemCall {
    @discardableResult
    static func run<Result: BinaryInteger>(
        _ operation: String,
        _ path: String,
        _ call: () -> Result
    ) throws(SystemCallError) -> Result {
        while true {
            let result = call()
            if result != -1 { return result }
            let code = errno
            if code == EINTR { continue }
            throw SystemCallError(operation: operation, path: path, errno: code)
        }
    }
}
