import OSThreads
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C or SIGTERM while playing: stop cleanly (a WAV file gets its header) instead of dying mid-write.
/// A thread waits on the signals' pipe, raises the flag and wakes the caller.
final class InterruptWatcher: Sendable {
    private let flag = Atomic<Bool>(false)

    var isSet: Bool { flag.load(ordering: .acquiring) }

    static func install(onInterrupt: @escaping @Sendable () -> Void) -> InterruptWatcher {
        let watcher = InterruptWatcher()
        guard let signals = SignalPipe(catching: [SIGINT, SIGTERM]) else { return watcher }
        OSThread.detach(name: "tp-signals") {
            _ = signals.wait()
            watcher.flag.store(true, ordering: .releasing)
            onInterrupt()
        }
        return watcher
    }
}
