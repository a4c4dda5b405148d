import CSystemShims

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Threads for blocking C work (libcurl's poll, PulseAudio's main loop, stdin), straight on pthreads.
///
/// The player's own binary links no Foundation, which saves about 10 MB of resident memory; this is the
/// little of `Thread` it needs.
public enum OSThread {
    /// Starts `body` on a new detached thread named `name` (at most 15 bytes are shown by `top -H`).
    public static func detach(name: String, _ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(ThreadContext(name: name, body: body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, threadEntry, context)
        guard result == 0 else {
            Unmanaged<ThreadContext>.fromOpaque(context).release()
            fatalError("could not start thread \(name): \(String(cString: strerror(result)))")
        }
        pthread_detach(thread)
    }

    /// Sleeps the calling thread for `duration`, through interruptions by signals.
    public static func sleep(for duration: Duration) {
        guard duration > .zero else { return }
        var request = timespec(duration)
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1, errno == EINTR { request = remaining }
    }
}

private final class ThreadContext {
    let name: String
    let body: @Sendable () -> Void

    init(name: String, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.body = body
    }
}

private func threadEntry(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let argument else { return nil }
    let context = Unmanaged<ThreadContext>.fromOpaque(argument).takeRetainedValue()
    _ = tp_name_current_thread(String(context.name.utf8.prefix(15)) ?? "termplayer")
    context.body()
    return nil
}

extension timespec {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
    }
}
