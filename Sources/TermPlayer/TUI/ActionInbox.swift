import OSThreads
import Synchronization
import TerminalUI

#if canImport(Glibc)
import Glibc
#endif

/// Where actions from other threads wait for the UI loop, and what wakes it: a signal pipe that any
/// thread posts to (and SIGWINCH, SIGTERM, SIGHUP and SIGINT write to), polled with the keyboard.
/// Catching SIGWINCH first also keeps ncurses from installing a handler that only a thread other than
/// the UI's might run.
final class ActionInbox: Sendable {
    private let pending = Mutex<[Action]>([])
    private let signals = SignalPipe(catching: [SIGWINCH, SIGTERM, SIGHUP, SIGINT])

    /// What a wake-up brought besides actions.
    struct Wake {
        var resized = false
        /// SIGTERM, SIGHUP (the SSH connection closed) or SIGINT: end the UI cleanly.
        var quit = false
    }

    func post(_ action: Action) {
        pending.withLock { $0.append(action) }
        wake()
    }

    func wake() { signals?.post() }

    func drain() -> [Action] {
        pending.withLock { actions in
            defer { actions.removeAll() }
            return actions
        }
    }

    /// Sleeps until a key is typed, something is posted, a signal arrives, or `timeout` passes.
    func sleep(untilInputOr timeout: Duration?) -> Wake {
        var descriptors = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0), pollfd(fd: signals?.readEnd ?? -1, events: Int16(POLLIN), revents: 0)]
        let milliseconds = timeout.map { Int32(clamping: $0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000) } ?? -1
        _ = poll(&descriptors, 2, milliseconds)  // EINTR (a signal) is a wake-up like any other
        var wake = Wake()
        for byte in signals?.drain() ?? [] {
            switch Int32(byte) {
            case SIGWINCH: wake.resized = true
            case SIGTERM, SIGHUP, SIGINT: wake.quit = true
            default: break
            }
        }
        return wake
    }
}
