#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Signals turned into bytes on a pipe, read where the owner already waits: in `poll` beside other
/// descriptors, or on a thread of its own. The handler only writes the signal's number, the one thing it
/// may safely do; anyone may also `post` a plain wake-up (0).
///
/// One per process: the handlers write to the newest. Both ends are non-blocking, so a full pipe never
/// blocks a handler (a wake-up is already waiting then).
public final class SignalPipe: Sendable {
    public let readEnd: Int32
    private let writeEnd: Int32

    /// Nil when no descriptors are left; the signals then keep their default actions.
    public init?(catching signals: [Int32]) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return nil }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        (readEnd, writeEnd) = (ends[0], ends[1])
        signalPipeWriteEnd = writeEnd
        for number in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(signalPipeWriteEnd, &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }
    }

    deinit {
        if signalPipeWriteEnd == writeEnd { signalPipeWriteEnd = -1 }
        close(readEnd)
        close(writeEnd)
    }

    /// Wakes the reader without a signal.
    public func post() {
        var byte: UInt8 = 0
        _ = write(writeEnd, &byte, 1)
    }

    /// What arrived since the last read, without waiting: signal numbers, and 0 for each `post`.
    public func drain() -> [UInt8] {
        var arrived: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = read(readEnd, &buffer, buffer.count)
            if count > 0 { arrived += buffer[..<count] } else if count == -1, errno == EINTR { continue } else { break }
        }
        return arrived
    }

    /// Waits until something arrives, then returns it.
    public func wait() -> [UInt8] {
        var descriptor = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        while true {
            _ = poll(&descriptor, 1, -1)
            let arrived = drain()
            if !arrived.isEmpty { return arrived }
        }
    }
}

/// The write end the handlers write to; set before they are installed.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1
