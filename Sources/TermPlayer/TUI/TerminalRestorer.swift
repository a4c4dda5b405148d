#if canImport(Glibc)
import Glibc
#endif

/// Puts the terminal back if the process dies mid-frame (a crash signal), so the user's shell is not
/// left in raw mode on the alternate screen.
///
/// The handler may only make async-signal-safe calls: it restores the saved termios with `tcsetattr`,
/// writes fixed escape sequences with `write`, then puts back the handler that was there before (Swift's
/// backtracer, or the default action) and re-raises, so the crash is still reported as before.
enum TerminalRestorer {
    static func saveTerminalState() {
        if tcgetattr(STDIN_FILENO, &savedTermios) == 0 { hasSavedTermios = true }
    }

    static func installCrashHandlers() {
        for (slot, number) in crashSignals.enumerated() {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                restoreFromSignalHandler()
                if let previous = crashSlot(of: number) { _ = sigaction(number, previousActions + previous, nil) }
                raise(number)
            }
            sigemptyset(&action.sa_mask)
            sigaction(number, &action, previousActions + slot)
        }
    }
}

private let crashSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]

/// Where each crash signal's handler was before ours, by its slot in `crashSignals`.
nonisolated(unsafe) private let previousActions = UnsafeMutablePointer<sigaction>.allocate(capacity: 6)

/// A crash signal's slot, without touching Swift arrays (the handler must not allocate).
private func crashSlot(of number: Int32) -> Int? {
    switch number {
    case SIGSEGV: 0
    case SIGBUS: 1
    case SIGILL: 2
    case SIGFPE: 3
    case SIGABRT: 4
    case SIGTRAP: 5
    default: nil
    }
}

nonisolated(unsafe) private var savedTermios = termios()
nonisolated(unsafe) private var hasSavedTermios = false

/// Leave the alternate screen, show the cursor, reset colours; then the saved terminal modes.
private func restoreFromSignalHandler() {
    let reset: StaticString = "\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l\r\n"
    _ = write(STDOUT_FILENO, reset.utf8Start, reset.utf8CodeUnitCount)
    if hasSavedTermios { _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &savedTermios) }
}
