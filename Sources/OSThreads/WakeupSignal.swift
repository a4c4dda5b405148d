import CSystemShims  // timespec's members, as the importer sees them through pthread.h

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A flag and a condition variable: `signal` sets the flag, `wait` sleeps until it is set (or the
/// timeout passes), then clears it. A signal sent while nobody waits is not lost, and many signals before
/// a wait wake it once.
///
/// Timeouts run on the monotonic clock, so changing the wall clock never stretches a wait.
public final class WakeupSignal: @unchecked Sendable {  // state guarded by `mutex`
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var signalled = false

    public init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    public func signal() {
        pthread_mutex_lock(mutex)
        signalled = true
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Waits for a signal, at most `timeout` (nil: for ever). Returns whether one came.
    @discardableResult
    public func wait(timeout: Duration?) -> Bool {
        pthread_mutex_lock(mutex)
        defer {
            signalled = false
            pthread_mutex_unlock(mutex)
        }
        guard let timeout else {
            while !signalled { pthread_cond_wait(condition, mutex) }
            return true
        }
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let step = timespec(timeout)
        let nanoseconds = deadline.tv_nsec + step.tv_nsec
        deadline.tv_sec += step.tv_sec + nanoseconds / 1_000_000_000
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        while !signalled, timeout > .zero {
            if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT { break }
        }
        return signalled
    }
}
