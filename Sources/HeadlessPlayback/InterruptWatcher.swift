import OSThreads
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C or SIGTERM while playing: stop cleanly (a WAV file gets its header) instead of dying mid-write.
///
/// The signal handler only writes a byte to a pipe (the one thing it may safely do); a thread reading
/// the pipe raises the flag and wakes the caller.
final class InterruptWatcher: Sendable {
    private let flag = Atomic<Bool>(false)

    var isSet: Bool { flag.load(ordering: .acquiring) }

    static func install(onInterrupt: @escaping @Sendable () -> Void) -> InterruptWatcher {
        let watcher = InterruptWatcher()
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return watcher }  // no descriptors left: signals keep their default
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        interruptPipe = writeEnd
        OSThread.detach(name: "tp-signals") {
            var byte: UInt8 = 0
            while read(readEnd, &byte, 1) == -1, errno == EINTR {}
            watcher.flag.store(true, ordering: .releasing)
            onInterrupt()
        }
        for number in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { _ in
                var byte: UInt8 = 1
                _ = write(interruptPipe, &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }
        return watcher
    }
}

/// The write end the signal handler writes to; set once before the handler is installed.
nonisolated(unsafe) private var interruptPipe: Int32 = -1
