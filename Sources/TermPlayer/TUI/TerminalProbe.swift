import Foundation
import OSThreads
import TerminalArt

#if canImport(Glibc)
import Glibc
#endif

/// Asks the terminal itself what it can show, once, before ncurses takes it over: kitty graphics,
/// cell size in pixels, sixel (DA1), its name and version (XTVERSION). Environment variables are only
/// a hint (they go stale inside tmux and over SSH). A silent terminal costs at most `timeout`.
enum TerminalProbe {
    struct Answer {
        var replies: TerminalReplies?
        /// nil outside tmux; whether the pane lets pixel protocols through.
        var tmuxPassthrough: Bool?
    }

    static let timeout = Duration.milliseconds(300)

    static func ask(setting: ArtSetting, environment: [String: String]) -> Answer {
        let inTmux = ArtChoice.inTmux(environment)
        let passthrough = inTmux ? tmuxPassthrough() : nil
        // The colour count is ncurses' to tell, later; here only what rules querying out without it.
        guard ArtChoice.shouldQuery(setting: setting, environment: environment, colors: 256, isTTY: isatty(STDOUT_FILENO) == 1),
            isatty(STDIN_FILENO) == 1
        else { return Answer(replies: nil, tmuxPassthrough: passthrough) }
        let queries = ArtChoice.queries(kittyID: UInt32.random(in: 100_000...999_999), inTmux: inTmux, passthrough: passthrough ?? true)
        return Answer(replies: exchange(queries), tmuxPassthrough: passthrough)
    }

    /// `tmux show -pvA allow-passthrough` for this pane: "on" or "all" lets pixel protocols through.
    /// `-A` counts what the pane inherits: without it, the usual `set -g allow-passthrough on` reads as
    /// nothing at all.
    private static func tmuxPassthrough() -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tmux", "show", "-pvA", "allow-passthrough"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return false
        }
        let answer = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let value = answer.trimmingCharacters(in: .whitespacesAndNewlines)
        return value == "on" || value == "all"
    }

    /// Writes the queries and reads what comes back, in raw mode, until the sentinel arrives or time is up.
    private static func exchange(_ queries: ArtChoice.Queries) -> TerminalReplies? {
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return nil }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        raw.c_cc.6 = 0  // VMIN
        raw.c_cc.5 = 0  // VTIME
        guard tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0 else { return nil }
        defer { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }

        guard queries.bytes.withUnsafeBytes({ FullWrite.write($0, to: STDOUT_FILENO) }) == nil else { return nil }
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        var replies = TerminalReplies.parse([], kittyQueryID: queries.kittyID)
        var buffer = [UInt8](repeating: 0, count: 512)
        while !queries.isAnswered(by: replies) {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { break }
            var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            guard poll(&descriptor, 1, milliseconds) > 0 else { continue }
            let count = read(STDIN_FILENO, &buffer, buffer.count)
            guard count > 0 else { continue }
            received += buffer[0..<count]
            replies = TerminalReplies.parse(received, kittyQueryID: queries.kittyID)
            // A terminal that keeps talking is not a reason to wait forever, nor to hold its words in memory.
            if received.count > 64 << 10 { break }
        }
        return replies
    }
}
