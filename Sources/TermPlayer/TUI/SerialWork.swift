import OSThreads

/// Work done one piece at a time, in the order it was given, off the thread that gives it.
final class SerialWork: Sendable {
    typealias Work = @Sendable () async -> Void
    private let queue: AsyncStream<Work>.Continuation
    private let drained = WakeupSignal()

    init() {
        let (stream, queue) = AsyncStream.makeStream(of: Work.self)
        self.queue = queue
        Task { [drained] in
            for await work in stream { await work() }
            drained.signal()
        }
    }

    func enqueue(_ work: @escaping Work) {
        queue.yield(work)
    }

    /// Takes no more work, and waits (blocking the calling thread, one of the program's own) at most
    /// `timeout` for what is queued; false when time ran out first.
    @discardableResult
    func finish(within timeout: Duration) -> Bool {
        queue.finish()
        return drained.wait(timeout: timeout)
    }
}
