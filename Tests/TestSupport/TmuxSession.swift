import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A program running in a detached tmux session of its own (a private tmux server), driven the way a
/// person drives it: keys in with `send-keys`, the screen read back with `capture-pane`.
public final class TmuxSession: Sendable {
    private let socket: String

    /// Starts `command` (run by a shell) in a `width`×`height` window, the tmux server reading `config`
    /// (tmux commands, one a line) first, so the command starts with those options in force.
    public init(_ command: String, width: Int = 100, height: Int = 30, config: String = "") throws {
        socket = "termplayer-test-\(UUID().uuidString.prefix(8))"
        guard Fixtures.which("tmux") != nil else { throw Fixtures.FixtureError.toolMissing("tmux") }
        var configFile = "/dev/null"
        if !config.isEmpty {
            configFile = try Fixtures.temporaryDirectory("tmux").appendingPathComponent("tmux.conf").path
            try config.write(toFile: configFile, atomically: true, encoding: .utf8)
        }
        try tmux(["-f", configFile, "new-session", "-d", "-x", String(width), "-y", String(height), command], capture: false)
    }

    /// Runs one tmux client to its end. Spawned and reaped here rather than through Foundation's
    /// `Process`, which left the client of `new-session` (whose server daemonizes) an unreaped zombie
    /// and its waiter blocked for ever.
    @discardableResult
    private func tmux(_ arguments: [String], capture: Bool = true) throws -> String {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw Fixtures.FixtureError.missing("pipe: errno \(errno)") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if capture {
            posix_spawn_file_actions_adddup2(&actions, ends[1], 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, ends[0])
        posix_spawn_file_actions_addclose(&actions, ends[1])
        let argv = (["tmux", "-L", socket] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "tmux", &actions, nil, argv, environ)
        close(ends[1])
        defer { close(ends[0]) }
        guard spawned == 0 else { throw Fixtures.FixtureError.missing("tmux: \(String(cString: strerror(spawned)))") }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(ends[0], &buffer, buffer.count)
            if count > 0 { output += buffer[..<count] } else if count == -1, errno == EINTR { continue } else { break }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        guard status == 0 else { throw Fixtures.FixtureError.missing("tmux \(arguments.first ?? "") exited with status \(status)") }
        return String(decoding: output, as: UTF8.self)
    }

    /// Keys as tmux names them: "j", "Enter", "Space", "C-c"…
    public func send(_ keys: String...) throws {
        try tmux(["send-keys", "-t", "0"] + keys)
    }

    /// The screen as text, one line per row; with `escapes`, colours and attributes as SGR sequences.
    public func screen(escapes: Bool = false) -> String {
        (try? tmux(["capture-pane", "-p", "-t", "0"] + (escapes ? ["-e"] : []))) ?? ""
    }

    public func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", "0", "-x", String(width), "-y", String(height)])
    }

    /// Waits until the screen shows `text`; returns the last screen either way.
    @discardableResult
    public func waitFor(_ text: String, timeout: Duration = .seconds(10)) async -> (found: Bool, screen: String) {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            last = screen()
            if last.contains(text) { return (true, last) }
            try? await Task.sleep(for: .milliseconds(50))
        }
        last = screen()
        return (last.contains(text), last)
    }

    deinit {
        _ = try? tmux(["kill-server"], capture: false)
    }
}
