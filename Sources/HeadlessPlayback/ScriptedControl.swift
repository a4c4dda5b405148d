import OSThreads
import PlayerCore

#if canImport(Glibc)
import Glibc
#endif

/// `play --commands`: lines on standard input become player commands, read on a thread of their own
/// (a blocking read never holds up playback or the position line).
enum ScriptedControl {
    static func start(_ player: Player, onCommand: @escaping @Sendable () -> Void) {
        OSThread.detach(name: "tp-commands") {
            while let line = readLine() {
                if let problem = apply(line, to: player) {
                    Console.write("ignored \(line.debugDescription): \(problem)\n", to: STDERR_FILENO)
                }
                onCommand()
            }
        }
    }

    /// Applies one command line; returns why it could not be, if it could not.
    static func apply(_ line: String, to player: Player) -> String? {
        let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let verb = words.first?.lowercased() else { return nil }
        let argument = words.dropFirst().first
        switch verb {
        case "pause": player.pause()
        case "resume", "play": player.resume()
        case "toggle": player.togglePause()
        case "next": player.next()
        case "previous", "prev": player.previous()
        case "stop": player.stop()
        case "seek":
            guard let argument, let seconds = Double(argument), seconds.isFinite else {
                return "seek needs seconds: seek 90, seek +5, seek -5"
            }
            if argument.hasPrefix("+") || argument.hasPrefix("-") { player.seek(by: seconds) } else { player.seek(to: seconds) }
        case "volume":
            guard let argument, let percent = Int(argument) else { return "volume needs a percentage: volume 80" }
            player.setVolume(percent)
        default:
            return "unknown command; use pause, resume, toggle, next, previous, stop, seek or volume"
        }
        return nil
    }
}
