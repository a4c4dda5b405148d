import Foundation

/// `Tests/Tools/throttle-proxy.py`: a TCP proxy that passes a server's answers on slowly, and cuts every
/// connection when killed — a network that drops, for playback tests.
public final class ThrottleProxy: Sendable {
    public let port: Int
    private let process: Process

    public init(port: Int = 0, target: Int, bytesPerSecond: Int) throws {
        let script = Fixtures.repositoryRoot.appendingPathComponent("Tests/Tools/throttle-proxy.py").path
        guard let python = Fixtures.which("python3") else { throw Fixtures.FixtureError.toolMissing("python3") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, String(port), String(target), String(bytesPerSecond)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let words = String(decoding: line, as: UTF8.self).split(separator: " ")
        guard words.first == "ready", let bound = words.last.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else {
            process.terminate()
            throw Fixtures.FixtureError.missing("the throttling proxy did not start")
        }
        self.port = bound
        self.process = process
    }

    /// Cuts every connection at once (SIGKILL).
    public func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { kill() }
}
