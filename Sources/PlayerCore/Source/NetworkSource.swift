import CurlTransfer
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// What the engine gets when it asks a source for bytes.
enum SourceRead: Equatable {
    case bytes(Int)
    /// Nothing buffered yet; more is on its way (or a retry is scheduled).
    case waiting
    /// Every byte of the track has been read.
    case end
    case failed(PlayerError)
}

/// The bytes of one track as the engine reads them: a bounded buffer that a transfer fills.
protocol ByteSource: AnyObject {
    func read(into buffer: UnsafeMutableRawBufferPointer) -> SourceRead
    /// Restarts the stream at `offset` (a seek); what was buffered is dropped.
    func restart(at offset: Int)
    /// Retries a dropped connection when its back-off has passed; called whenever the engine wakes.
    func maintain()
    /// The whole stream's size, once the server said.
    var totalBytes: Int? { get }
    /// Bytes received ahead of what was read.
    var bufferedBytes: Int { get }
    /// True once every byte has arrived (the next track may start downloading).
    var isComplete: Bool { get }
    /// True once the server answered a request from a later byte with the whole object (a transcoding
    /// server does): a seek then reads the song again from its start.
    var ignoresRanges: Bool { get }
    func close()
}

/// Streams a URL (http, https, file) with libcurl into a bounded buffer.
///
/// When the buffer is full the transfer pauses; reading frees room and resumes it. A connection that
/// drops before the end is resumed with a `Range` request from the next byte needed, after a short
/// back-off, a few times; an HTTP error status ends the track with that status.
final class NetworkSource: ByteSource, @unchecked Sendable {
    /// Bytes held between the network and the decoder by default: about 25 s of a 320 kbps MP3.
    static let defaultCapacity = 1 << 20
    static let retryDelays: [Duration] = [.milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2)]

    private enum Phase: Equatable {
        case streaming
        case complete
        case retrying(at: ContinuousClock.Instant)
        case failed(PlayerError)
    }

    private struct State {
        var ring: ByteRing
        /// Absolute offset of the next byte the network will append.
        var appendOffset = 0
        /// Absolute offset of the next byte the engine will read.
        var readOffset = 0
        var total: Int?
        var phase = Phase.streaming
        var paused = false
        /// Bytes still to drop because the server ignored our `Range` and started from 0.
        var skip = 0
        var ignoresRanges = false
        /// Which transfer is current; events from older ones are ignored.
        var generation = 0
        var failedAttempts = 0
        var handle: StreamHandle?
    }

    let url: String
    private let session: CurlSession
    private let wake: @Sendable () -> Void
    private let state: Mutex<State>
    /// A paused transfer resumes once this much room is free, not at every read.
    private let resumeRoom: Int

    init(url: String, session: CurlSession, capacity: Int = NetworkSource.defaultCapacity, wake: @escaping @Sendable () -> Void) {
        self.url = url
        self.session = session
        self.wake = wake
        state = Mutex(State(ring: ByteRing(capacity: capacity)))
        resumeRoom = capacity / 4
        restart(at: 0)
    }

    // MARK: The engine's side

    func read(into buffer: UnsafeMutableRawBufferPointer) -> SourceRead {
        let (result, resume) = state.withLock { state -> (SourceRead, StreamHandle?) in
            let count = state.ring.read(into: buffer)
            state.readOffset += count
            var resume: StreamHandle?
            if state.paused, state.ring.freeSpace >= resumeRoom {
                state.paused = false
                resume = state.handle
            }
            if count > 0 { return (.bytes(count), resume) }
            switch state.phase {
            case .complete: return (.end, resume)
            case .failed(let error): return (.failed(error), resume)
            case .streaming, .retrying: return (.waiting, resume)
            }
        }
        resume?.resume()
        return result
    }

    func restart(at offset: Int) {
        let (old, generation) = state.withLock { state -> (StreamHandle?, Int) in
            let old = state.handle
            state.generation += 1
            state.ring.removeAll()
            state.appendOffset = offset
            state.readOffset = offset
            state.skip = 0
            state.paused = false
            state.phase = .streaming
            state.handle = nil
            return (old, state.generation)
        }
        old?.cancel()
        connect(from: offset, generation: generation)
    }

    func maintain() {
        let due = state.withLock { state -> (offset: Int, generation: Int)? in
            guard case .retrying(let at) = state.phase, at <= .now else { return nil }
            state.phase = .streaming
            state.generation += 1
            return (state.appendOffset, state.generation)
        }
        if let due { connect(from: due.offset, generation: due.generation) }
    }

    var totalBytes: Int? { state.withLock { $0.total } }
    var bufferedBytes: Int { state.withLock { $0.ring.count } }
    var isComplete: Bool { state.withLock { $0.phase == .complete } }
    var ignoresRanges: Bool { state.withLock { $0.ignoresRanges } }

    func close() {
        let handle = state.withLock { state -> StreamHandle? in
            state.generation += 1
            defer { state.handle = nil }
            return state.handle
        }
        handle?.cancel()
    }

    private func connect(from offset: Int, generation: Int) {
        let request = TransferRequest(url: url, connectTimeout: .seconds(5), stallTimeout: .seconds(10), rangeStart: offset)
        let handle = session.stream(request, to: Connection(source: self, generation: generation, requestedOffset: offset))
        let stale = state.withLock { state -> Bool in
            guard state.generation == generation else { return true }
            state.handle = handle
            return false
        }
        if stale { handle.cancel() }
    }

    // MARK: The network's side (on the session thread)

    /// One transfer's receiver; it knows its generation so a superseded transfer cannot write.
    private final class Connection: StreamReceiver {
        let source: NetworkSource
        let generation: Int
        let requestedOffset: Int

        init(source: NetworkSource, generation: Int, requestedOffset: Int) {
            self.source = source
            self.generation = generation
            self.requestedOffset = requestedOffset
        }

        func transferDidReceiveHead(status: Int, headers: [(name: String, value: String)]) {
            source.head(status: status, headers: headers, connection: self)
        }

        func transferDidReceive(_ bytes: UnsafeRawBufferPointer) -> StreamDisposition {
            source.receive(bytes, connection: self)
        }

        func transferDidFinish(_ result: Result<Void, TransferError>) {
            source.finish(result, connection: self)
        }
    }

    private func head(status: Int, headers: [(name: String, value: String)], connection: Connection) {
        let failed = state.withLock { state -> Bool in
            guard state.generation == connection.generation else { return false }
            func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
            switch status {
            case 206:
                if let range = header("content-range"), let slash = range.lastIndex(of: "/") {
                    state.total = Int(range[range.index(after: slash)...])
                }
            case 200, 0:  // 0: file URLs
                if let length = header("content-length").flatMap(Int.init) { state.total = length }
                // Asked for a range and got the whole object: drop what comes before the range.
                state.skip = status == 200 ? connection.requestedOffset : 0
                if status == 200, connection.requestedOffset > 0 { state.ignoresRanges = true }
            case 416:
                state.phase = .complete  // a range at or past the end: nothing more to read
            default:
                state.phase = .failed(.http(url: url, status: status))
                return true
            }
            return false
        }
        if failed { wake() }
    }

    private func receive(_ bytes: UnsafeRawBufferPointer, connection: Connection) -> StreamDisposition {
        let disposition = state.withLock { state -> StreamDisposition in
            guard state.generation == connection.generation else { return .abort }
            if case .failed = state.phase { return .abort }
            // What to drop is decided before whether there is room: a paused transfer is handed the same
            // bytes again, so dropping part of them before pausing let bytes meant to be dropped in.
            let dropped = min(state.skip, bytes.count)
            let kept = UnsafeRawBufferPointer(rebasing: bytes[dropped...])
            guard state.ring.freeSpace >= kept.count else {
                state.paused = true
                return .pause
            }
            state.skip -= dropped
            state.ring.write(kept)
            state.appendOffset += kept.count
            state.failedAttempts = 0
            return .accepted
        }
        if disposition == .accepted { wake() }
        return disposition
    }

    private func finish(_ result: Result<Void, TransferError>, connection: Connection) {
        state.withLock { state in
            guard state.generation == connection.generation else { return }
            state.handle = nil
            if case .failed = state.phase { return }
            if state.phase == .complete { return }
            let short = state.total.map { state.appendOffset < $0 } ?? false
            switch result {
            case .success where !short:
                state.phase = .complete
            case .failure(.cancelled):
                return
            case .success, .failure:
                // Dropped before the end: resume from the next byte needed, after a back-off.
                guard state.failedAttempts < Self.retryDelays.count else {
                    let reason: String
                    if case .failure(let error) = result { reason = error.description } else { reason = "the connection closed early" }
                    state.phase = .failed(.network(url: url, reason: "\(reason) (after \(state.failedAttempts) retries)"))
                    return
                }
                state.phase = .retrying(at: .now + Self.retryDelays[state.failedAttempts])
                state.failedAttempts += 1
            }
        }
        wake()
    }
}

/// A fixed-size ring of bytes.
struct ByteRing {
    private var storage: [UInt8]
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        storage = [UInt8](repeating: 0, count: capacity)
    }

    var freeSpace: Int { storage.count - count }

    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count <= freeSpace)
        let capacity = storage.count
        var tail = (head + count) % capacity
        var remaining = bytes[...]
        storage.withUnsafeMutableBytes { destination in
            while !remaining.isEmpty {
                let chunk = min(remaining.count, capacity - tail)
                UnsafeMutableRawBufferPointer(rebasing: destination[tail..<tail + chunk])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: remaining.prefix(chunk)))
                remaining = remaining.dropFirst(chunk)
                tail = (tail + chunk) % capacity
            }
        }
        count += bytes.count
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let total = min(buffer.count, count)
        var copied = 0
        storage.withUnsafeBytes { source in
            while copied < total {
                let chunk = min(total - copied, source.count - head)
                UnsafeMutableRawBufferPointer(rebasing: buffer[copied..<copied + chunk])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[head..<head + chunk]))
                head = (head + chunk) % source.count
                copied += chunk
            }
        }
        count -= total
        return total
    }

    mutating func removeAll() {
        head = 0
        count = 0
    }
}
