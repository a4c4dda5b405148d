public import Foundation
import Synchronization

/// The real `termplayer` binary, as users run it.
public enum TermPlayerBinary {
    /// `termplayer` next to the test bundle in the build folder (`swift build` puts both there).
    public static var path: String {
        get throws {
            let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
            let candidate = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("termplayer").path
            guard FileManager.default.isExecutableFile(atPath: candidate) else {
                throw Fixtures.FixtureError.missing("\(candidate): run `swift build` before the tests (make test does)")
            }
            return candidate
        }
    }

    /// Runs `termplayer arguments…` to completion, waiting on a thread of its own.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Fixtures.ProcessResult {
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { $1 }
        let (path, environment) = (try path, merged)
        return try await Fixtures.onOwnThread { try Fixtures.runAllowingFailure(path, arguments, environment: environment) }
    }
}

/// A `termplayer serve` running in the background for a test, stopped with SIGTERM.
public final class ServeProcess: @unchecked Sendable {
    public let process: Process
    public let port: Int
    /// "https" when the service was started with `--tls-cert`.
    public let scheme: String
    public var url: String { "\(scheme)://127.0.0.1:\(port)" }
    private let errorOutput: Pipe
    /// stderr, drained continuously so a chatty service never blocks on a full pipe.
    private let log = LogBuffer()
    private let logDone = DispatchSemaphore(value: 0)

    private final class LogBuffer: Sendable {
        let data = Mutex(Data())
    }

    /// Starts `termplayer serve --port <port> extra…` (0: any free port) and waits until it says where it listens.
    public init(_ extraArguments: [String], port: Int = 0, environment: [String: String] = [:], timeout: Duration = .seconds(20)) async throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: try TermPlayerBinary.path)
        process.arguments = ["serve", "--port", String(port)] + extraArguments
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { $1 }
        process.environment = merged
        let output = Pipe()
        errorOutput = Pipe()
        process.standardOutput = output
        process.standardError = errorOutput
        try process.run()
        let errorHandle = errorOutput.fileHandleForReading
        Thread { [log, logDone] in
            while true {
                let chunk = errorHandle.availableData
                if chunk.isEmpty { break }
                log.data.withLock { $0.append(chunk) }
            }
            logDone.signal()
        }.start()

        let found = Mutex<(scheme: String, port: Int)?>(nil)
        let ready = DispatchSemaphore(value: 0)
        Thread {
            var buffer = Data()
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                let text = String(decoding: buffer, as: UTF8.self)
                if let match = text.firstMatch(of: /listening on (https?):\/\/127\.0\.0\.1:([0-9]+)/), let port = Int(match.output.2) {
                    found.withLock { $0 = (String(match.output.1), port) }
                    break
                }
            }
            ready.signal()
        }.start()
        let seconds = Double(timeout.components.seconds)
        let started = try await Fixtures.onOwnThread { ready.wait(timeout: .now() + seconds) == .success }
        guard started, let (scheme, port) = found.withLock({ $0 }) else {
            process.terminate()
            process.waitUntilExit()
            logDone.wait()
            let text = String(decoding: log.data.withLock { $0 }, as: UTF8.self)
            throw Fixtures.FixtureError.missing("termplayer serve did not start within \(seconds) s: \(text)")
        }
        self.port = port
        self.scheme = scheme
    }

    private let stopped = Mutex<(status: Int32, log: String)?>(nil)

    /// Sends SIGTERM and waits; returns the exit status and what the service wrote to stderr.
    /// Calling it again returns the same answer.
    @discardableResult
    public func stop() -> (status: Int32, log: String) {
        stopped.withLock { stopped in
            if let stopped { return stopped }
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            logDone.wait()
            let result = (process.terminationStatus, String(decoding: log.data.withLock { $0 }, as: UTF8.self))
            stopped = result
            return result
        }
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
