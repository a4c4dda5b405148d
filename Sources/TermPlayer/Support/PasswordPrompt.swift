import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Passwords for `login` and `user add|passwd`: asked on the terminal with echo off, or read as one line
/// of standard input for scripts. These block on the terminal, so callers run them with `BlockingWork`.
enum PasswordPrompt {
    static var standardInputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    /// The first line of standard input, without its line ending.
    static func fromStandardInput() throws(CommandFailure) -> String {
        guard let line = readLine(from: STDIN_FILENO) else {
            throw CommandFailure(message: "no password on standard input (give it as one line)")
        }
        guard !line.isEmpty else { throw CommandFailure(message: "the password on standard input is empty") }
        return line
    }

    /// Asks on the terminal (the prompt on stderr), with echo off while the password is typed.
    static func ask(_ prompt: String) throws(CommandFailure) -> String {
        guard standardInputIsTerminal else {
            throw CommandFailure(message: "standard input is not a terminal to ask for the password on; give it with --password-stdin")
        }
        FileHandle.standardError.write(Data(prompt.utf8))
        let line = withEchoOff(STDIN_FILENO) { readLine(from: STDIN_FILENO) }
        // The Enter the listener typed was not echoed.
        Terminal.error("")
        guard let line else { throw CommandFailure(message: "no password given") }
        guard !line.isEmpty else { throw CommandFailure(message: "a password cannot be empty") }
        return line
    }

    /// Asks twice, for a new password, and insists the two match.
    static func askNew(_ prompt: String) throws(CommandFailure) -> String {
        let first = try ask(prompt)
        let second = try ask("Again, to be sure: ")
        guard first == second else { throw CommandFailure(message: "the two passwords differ; nothing was changed") }
        return first
    }

    // MARK: The terminal

    /// One line read a byte at a time (so nothing after it is consumed), without "\n" or "\r\n"; nil at
    /// end of input before any byte.
    private static func readLine(from descriptor: Int32) -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = read(descriptor, &byte, 1)
            if count < 0, errno == EINTR { continue }
            if count <= 0 {
                if bytes.isEmpty { return nil }
                break
            }
            if byte == UInt8(ascii: "\n") { break }
            bytes.append(byte)
            if bytes.count > 64 << 10 { break }
        }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Runs `body` with the terminal's echo off, putting it back afterwards — also when the listener
    /// presses Ctrl-C, or the process is told to stop, meanwhile.
    private static func withEchoOff<Result>(_ descriptor: Int32, _ body: () -> Result) -> Result {
        var current = termios()
        guard tcgetattr(descriptor, &current) == 0 else { return body() }
        savedTerminal = current
        savedDescriptor = descriptor
        var quiet = current
        quiet.c_lflag &= ~tcflag_t(ECHO)
        let signals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
        let previous = signals.map { signal($0, restoreTerminalAndResignal) }
        tcsetattr(descriptor, TCSAFLUSH, &quiet)
        defer {
            tcsetattr(descriptor, TCSAFLUSH, &current)
            for (number, handler) in zip(signals, previous) { signal(number, handler) }
            savedDescriptor = -1
        }
        return body()
    }
}

// The terminal's settings while a password is read with echo off, for the signal handler to put back.
// Written only before the handler is installed and after it is removed.
nonisolated(unsafe) private var savedTerminal = termios()
nonisolated(unsafe) private var savedDescriptor: Int32 = -1

private func restoreTerminalAndResignal(_ number: Int32) {
    if savedDescriptor >= 0 { tcsetattr(savedDescriptor, TCSANOW, &savedTerminal) }
    signal(number, SIG_DFL)
    raise(number)
}
