public import Foundation
import Synchronization

/// A private PulseAudio daemon with a null sink, for tests: what is played into it is captured from the
/// sink's monitor and analysed. It lives in its own runtime folder, so it never touches a user's sound.
public final class PulseAudioServer: Sendable {
    public let runtimeDirectory: URL
    public let sinkName = "termplayer_test"
    private let keepAlive = Mutex<Process?>(nil)

    /// `unix:<runtime>/pulse/native`, for PULSE_SERVER.
    public var address: String { "unix:\(runtimeDirectory.path)/pulse/native" }

    /// What a client process needs to reach this server.
    public var environment: [String: String] { ["PULSE_SERVER": address, "PULSE_SINK": sinkName] }

    private var pidFile: URL { runtimeDirectory.appendingPathComponent("pulse/pid") }

    /// The daemon's process id, from its pid file (to stop and continue it: a server that stops answering).
    public var daemonPID: Int32? {
        (try? String(contentsOf: pidFile, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// One server for the whole test process, started on first use. Its address is also put into this
    /// process's environment, so in-process players reach it.
    public static let shared: Result<PulseAudioServer, Fixtures.FixtureError> = {
        do {
            let server = try PulseAudioServer(directory: Fixtures.temporaryDirectory("pulse"))
            try server.start()
            setenv("PULSE_SERVER", server.address, 1)
            setenv("PULSE_SINK", server.sinkName, 1)
            // The daemon has daemonized away from us: end it with the test process, not after.
            atexit { if case .success(let server) = PulseAudioServer.shared { server.kill() } }
            return .success(server)
        } catch let error as Fixtures.FixtureError {
            return .failure(error)
        } catch {
            return .failure(.missing("PulseAudio: \(error)"))
        }
    }()

    /// A daemon of the caller's own, for a suite whose captures must not hear another suite's playback
    /// (suites run in parallel; the shared server's sink is one room). End it with `kill()`.
    public static func startPrivate() async throws -> PulseAudioServer {
        let server = try PulseAudioServer(directory: Fixtures.temporaryDirectory("pulse"))
        try await Fixtures.onOwnThread { try server.start() }
        return server
    }

    init(directory: URL) throws {
        runtimeDirectory = directory
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
    }

    /// Starts the daemon and waits until it answers.
    public func start() throws {
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_RUNTIME_DIR"] = runtimeDirectory.path
        environment["HOME"] = runtimeDirectory.path
        environment.removeValue(forKey: "PULSE_SERVER")
        try Fixtures.run(
            "pulseaudio",
            [
                "-n", "--daemonize=yes", "--exit-idle-time=-1", "--use-pid-file=yes", "--disallow-exit",
                "--log-target=file:\(runtimeDirectory.path)/pulse.log",
                "--load=module-null-sink sink_name=\(sinkName) rate=44100 channels=2",
                "--load=module-native-protocol-unix",
            ],
            environment: environment, captureOutput: false)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if (try? Fixtures.runAllowingFailure("pactl", ["--server", address, "info"]))?.status == 0 {
                startKeepAlive()
                try waitUntilSinkKeepsTime()
                return
            }
            usleep(50_000)
        }
        throw Fixtures.FixtureError.missing("PulseAudio did not start; see \(runtimeDirectory.path)/pulse.log")
    }

    /// Waits for the null sink to stop running ahead of the clock. With no stream it renders up to 2 s
    /// ahead; what it rendered stands until the clock catches up, and while it does, a capture is early and
    /// hides a player's stalls (the sink has already taken what the player wrote).
    private func waitUntilSinkKeepsTime() throws {
        let deadline = Date().addingTimeInterval(10)
        var latency: Double?
        while Date() < deadline {
            latency = try sinkLatency()
            if let latency, latency < 0.05 { return }
            usleep(100_000)
        }
        throw Fixtures.FixtureError.missing(
            "PulseAudio's null sink still ran \(latency.map { "\($0) s" } ?? "an unknown time") ahead after 10 s; see \(runtimeDirectory.path)/pulse.log")
    }

    /// What the sink holds now, in seconds: how far its rendering is ahead of the clock.
    private func sinkLatency() throws -> Double? {
        let sinks = try Fixtures.runAllowingFailure("pactl", ["--server", address, "list", "sinks"]).standardOutput
        // "Latency: 697625 usec, configured 5012 usec"
        guard let line = sinks.split(separator: "\n").first(where: { $0.contains("Latency:") }),
              let microseconds = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return Double(microseconds) / 1_000_000
    }

    /// Ends the daemon (SIGKILL: as abrupt as a crash), for testing that players survive it.
    public func kill() {
        keepAlive.withLock { process in
            // SIGKILL: children of the test process inherit its blocked SIGTERM.
            if let process, process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
            process = nil
        }
        if let text = try? String(contentsOf: pidFile, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            Foundation.kill(pid, SIGKILL)
            for _ in 0..<100 where Foundation.kill(pid, 0) == 0 { usleep(20_000) }
        }
        try? FileManager.default.removeItem(at: pidFile)
    }

    /// The null sink is idle, and its monitor silent and unclocked, when nothing plays; a stream of zeros
    /// keeps it running so a capture's timeline is the wall clock's (a pause shows up as silence).
    ///
    /// It also asks for 20 ms of latency, and a sink runs at the lowest latency any stream asks for. A sink
    /// that renders far ahead rewinds to mix in a stream that starts, and the monitor, which got the first
    /// rendering, never hears the rewritten start: a capture would lose up to the sink's latency.
    private func startKeepAlive() {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Fixtures.which("pacat") ?? "/usr/bin/pacat")
        process.arguments = ["--server", address, "--device", sinkName, "--raw", "--format=s16le", "--rate=44100", "--channels=2", "--volume=0", "--latency-msec=20", "/dev/zero"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
        keepAlive.withLock { $0 = process }
    }

    /// Records what the sink plays, from now until `stop()`.
    public func capture() throws -> AudioCapture {
        try AudioCapture(server: self)
    }
}

/// A recording of the null sink's monitor: 44.1 kHz stereo 16-bit.
public final class AudioCapture: Sendable {
    public static let sampleRate = 44100
    private let process: Process
    private let file: URL
    public let started = Date()

    init(server: PulseAudioServer) throws {
        file = try Fixtures.temporaryDirectory("capture").appendingPathComponent("capture.raw")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let process = Process()
        guard let parec = Fixtures.which("parec") else { throw Fixtures.FixtureError.toolMissing("parec") }
        process.executableURL = URL(fileURLWithPath: parec)
        process.arguments = [
            "--server", server.address, "--device", "\(server.sinkName).monitor", "--raw", "--format=s16le",
            "--rate=44100", "--channels=2", "--latency-msec=20", file.path,
        ]
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        usleep(200_000)  // parec connects before the caller starts playing
    }

    /// Stops recording and returns the left channel as floats in -1...1.
    public func stop() -> [Float] {
        usleep(100_000)  // what was just played reaches the monitor
        // SIGKILL: children of the test process inherit its blocked SIGTERM; parec writes raw samples as
        // they come, so nothing is lost.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        guard let data = try? Data(contentsOf: file) else { return [] }
        return data.withUnsafeBytes { raw in
            let samples = raw.bindMemory(to: Int16.self)
            return stride(from: 0, to: samples.count - 1, by: 2).map { Float(Int16(littleEndian: samples[$0])) / 32768 }
        }
    }
}

/// Measurements of recorded sound.
public enum SignalAnalysis {
    /// Root mean square of each `window`-sample slice.
    public static func loudness(_ samples: [Float], window: Int = 441) -> [Float] {
        stride(from: 0, to: samples.count - window + 1, by: window).map { start in
            let slice = samples[start..<start + window]
            return (slice.reduce(0) { $0 + $1 * $1 } / Float(window)).squareRoot()
        }
    }

    /// The spans (in seconds) where the sound is louder than `threshold`, joining gaps shorter than `bridge`.
    public static func soundSpans(_ samples: [Float], threshold: Float = 0.01, window: Int = 441, bridge: Double = 0.03) -> [ClosedRange<Double>] {
        let seconds = Double(window) / Double(AudioCapture.sampleRate)
        let bridgeWindows = Int((bridge / seconds).rounded())
        // Work in window indexes, so adjacent windows join exactly.
        var spans: [ClosedRange<Int>] = []
        for (index, level) in loudness(samples, window: window).enumerated() where level > threshold {
            if let last = spans.last, index - last.upperBound <= bridgeWindows + 1 {
                spans[spans.count - 1] = last.lowerBound...index
            } else {
                spans.append(index...index)
            }
        }
        return spans.map { Double($0.lowerBound) * seconds...Double($0.upperBound + 1) * seconds }
    }

    /// Seconds of sound in all of `spans` together.
    public static func heardSeconds(_ spans: [ClosedRange<Double>]) -> Double {
        spans.reduce(0) { $0 + $1.upperBound - $1.lowerBound }
    }

    /// The frequency of the last `seconds` of sound in `samples` (less its final 0.1 s, where it fades
    /// out), or 0 when nothing was heard.
    public static func finalTone(_ samples: [Float], lasting seconds: Double) -> Double {
        guard let last = soundSpans(samples).last else { return 0 }
        return frequency(slice(samples, from: last.upperBound - seconds, to: last.upperBound - 0.1))
    }

    /// The strongest frequency in a stretch of samples, by counting zero crossings (a pure tone's
    /// frequency is half its crossings per second).
    public static func frequency(_ samples: ArraySlice<Float>) -> Double {
        guard samples.count > 2 else { return 0 }
        var crossings = 0
        var previous = samples.first ?? 0
        for sample in samples.dropFirst() {
            if (previous < 0) != (sample < 0) { crossings += 1 }
            previous = sample
        }
        return Double(crossings) / 2 / (Double(samples.count) / Double(AudioCapture.sampleRate))
    }

    /// Root mean square of a stretch.
    public static func rms(_ samples: ArraySlice<Float>) -> Float {
        guard !samples.isEmpty else { return 0 }
        return (samples.reduce(0) { $0 + $1 * $1 } / Float(samples.count)).squareRoot()
    }

    /// The samples between two times, in seconds.
    public static func slice(_ samples: [Float], from start: Double, to end: Double) -> ArraySlice<Float> {
        let lower = max(0, min(samples.count, Int(start * Double(AudioCapture.sampleRate))))
        let upper = max(lower, min(samples.count, Int(end * Double(AudioCapture.sampleRate))))
        return samples[lower..<upper]
    }
}
