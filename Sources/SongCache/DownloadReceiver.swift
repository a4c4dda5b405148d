import CurlTransfer
import OSThreads
import Synchronization

/// Hands a streaming transfer's bytes from the curl session's thread to the thread that called `fetch`,
/// which does the file writes: a receiver must not block, and a slow disk must not stall the player's
/// streams that share the session. At most `highWater` bytes wait between them; beyond that the transfer
/// pauses until the writer has caught up.
final class DownloadReceiver: StreamReceiver {
    struct Head: Sendable {
        let status: Int
        let headers: [(name: String, value: String)]

        func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
    }

    /// What the writer's thread takes in one go.
    struct Batch {
        var head: Head?
        var chunks: [[UInt8]] = []
        var finished: Result<Void, TransferError>?
        /// The transfer paused for room and the room is there now: resume it.
        var resume = false
    }

    private struct State {
        var head: Head?
        var chunks: [[UInt8]] = []
        var buffered = 0
        var paused = false
        var finished: Result<Void, TransferError>?
    }

    private let state = Mutex(State())
    private let signal = WakeupSignal()
    private let highWater: Int

    init(highWater: Int = 1 << 20) {
        self.highWater = highWater
    }

    func transferDidReceiveHead(status: Int, headers: [(name: String, value: String)]) {
        state.withLock { $0.head = Head(status: status, headers: headers) }
        signal.signal()
    }

    func transferDidReceive(_ bytes: UnsafeRawBufferPointer) -> StreamDisposition {
        let disposition = state.withLock { state -> StreamDisposition in
            guard state.buffered < highWater else {
                state.paused = true
                return .pause
            }
            state.chunks.append(Array(bytes))
            state.buffered += bytes.count
            return .accepted
        }
        signal.signal()
        return disposition
    }

    func transferDidFinish(_ result: Result<Void, TransferError>) {
        state.withLock { $0.finished = result }
        signal.signal()
    }

    /// Waits (on the caller's thread) until something arrived, then takes all of it.
    func next() -> Batch {
        while true {
            let batch = state.withLock { state -> Batch? in
                guard state.head != nil || !state.chunks.isEmpty || state.finished != nil || state.paused else { return nil }
                // Bytes always arrive before the end, so a batch holding the end holds every byte too.
                let batch = Batch(head: state.head, chunks: state.chunks, finished: state.finished, resume: state.paused)
                state = State()
                return batch
            }
            if let batch { return batch }
            signal.wait(timeout: .seconds(1))
        }
    }
}
