import Synchronization
import TerminalUI

#if canImport(Glibc)
import Glibc
#endif

/// Where actions from other threads wait for the UI loop, and what wakes it: a pipe that any thread (or
/// a signal handler) writes a byte to, polled together with the keyboard.
final class ActionInbox: Sendable {
    private let pending = Mutex<[Action]>([])
    private let readEnd: Int32
    private let writeEnd: Int32

    init() {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends {
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
                _ = fcntl(end, F_SETFL, O_NONBLOCK)
            }
        }
        (readEnd, writeEnd) = (ends[0], ends[1])
        signalPipe = writeEnd
        installSignalHandlers()
    }

    deinit {
        signalPipe = -1
        close(readEnd)
        close(writeEnd)
    }

    func post(_ action: Action) {
        pending.withLock { $0.append(action) }
        wake()
    }

    func wake() {
        var byte: UInt8 = 0
        _ = write(writeEnd, &byte, 1)
    }

    func drain() -> [Action] {
        pending.withLock { actions in
            defer { actions.removeAll() }
            return actions
        }
    }

    /// Sleeps until a key is typed, something is posted, a signal arrives, or `timeout` passes.
    func sleep(untilInputOr timeout: Duration?) {
        var descriptors = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0), pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)]
        let milliseconds = timeout.map { Int32(clamping: $0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000) } ?? -1
        _ = poll(&descriptors, 2, milliseconds)  // EINTR (a signal) is a wake-up like any other
        var sink = [UInt8](repeating: 0, count: 64)
        while read(readEnd, &sink, sink.count) > 0 {}
    }

    func takeResized() -> Bool { signalledResize.exchange(false, ordering: .acquiringAndReleasing) }
    func takeSignalledQuit() -> Bool { signalledQuit.load(ordering: .acquiring) }
}

/// Set by signal handlers, which may only touch lock-free atomics and `write`.
private let signalledResize = Atomic<Bool>(false)
private let signalledQuit = Atomic<Bool>(false)
nonisolated(unsafe) private var signalPipe: Int32 = -1

/// SIGWINCH resizes; SIGTERM, SIGHUP (the SSH connection closed) and SIGINT end the UI cleanly.
/// Installing our own SIGWINCH handler first also keeps ncurses from installing one that only a
/// thread other than the UI's might run.
private func installSignalHandlers() {
    for number in [SIGWINCH, SIGTERM, SIGHUP, SIGINT] {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { number in
            if number == SIGWINCH {
                signalledResize.store(true, ordering: .releasing)
            } else {
                signalledQuit.store(true, ordering: .releasing)
            }
            var byte: UInt8 = 1
            _ = write(signalPipe, &byte, 1)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(number, &action, nil)
    }
}
