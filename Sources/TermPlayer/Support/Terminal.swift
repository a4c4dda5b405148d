import Foundation
import PlayerCore

#if canImport(Glibc)
import Glibc
#endif

/// Writing to the terminal: results to stdout, diagnostics to stderr.
enum Terminal {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    static var standardOutputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// A song's length to the nearest second: "3:07" or "1:02:03".
    static func duration(_ seconds: Double?) -> String {
        PlaybackClock.format(seconds.map { $0.rounded() })
    }
}

/// A thrown error that ends a command with a message and exit status, without a stack of noise.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
