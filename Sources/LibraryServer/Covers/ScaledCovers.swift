import CoverArt
import LibraryModel
import NIOPosix
import Synchronization

/// Covers at the size a client asks for (`GET /media/{key}?size=N`, as Subsonic's `getCoverArt`): decoded,
/// scaled to fit N × N and written as JPEG once, then answered from memory. A cover over a slow SSH link
/// costs kilobytes instead of the original's hundreds.
final class ScaledCovers: Sendable {
    /// Covers up to this size are made; a larger `size` is answered at this size.
    static let largestSize = 1024
    /// Scaled covers kept, by their bytes: at ~20 KB each, hundreds of covers.
    private let capacity: Int
    private let state = Mutex(State())

    private struct State {
        var entries: [String: [UInt8]] = [:]
        /// Least recently used first.
        var order: [String] = []
        var bytes = 0
        /// One decode per cover and size at a time: a second request waits for the first.
        var inFlight: [String: Task<[UInt8], any Error>] = [:]
    }

    init(capacity: Int = 16 << 20) {
        self.capacity = capacity
    }

    /// `cacheKey` names the original exactly (its key and entity tag), so a replaced cover is scaled anew.
    func scaled(_ cacheKey: String, size: Int, original: @escaping @Sendable () async throws -> [UInt8]) async throws -> [UInt8] {
        let key = "\(cacheKey)@\(size)"
        let task: Task<[UInt8], any Error> = state.withLock { state in
            if let cached = state.entries[key] {
                state.order.removeAll { $0 == key }
                state.order.append(key)
                return Task { cached }
            }
            if let running = state.inFlight[key] { return running }
            let running = Task {
                let bytes = try await original()
                // Decoding and encoding are C calls that keep a core busy for milliseconds: NIO's thread
                // pool, not an event loop or the cooperative pool.
                return try await NIOThreadPool.singleton.runIfActive {
                    let picture = try CoverDecoder.decode(bytes, fitting: CoverSize(square: size)).scaled(toFit: CoverSize(square: size))
                    return try CoverEncoder.jpeg(picture, quality: 85)
                }
            }
            state.inFlight[key] = running
            return running
        }
        do {
            let scaled = try await task.value
            store(scaled, as: key)
            return scaled
        } catch {
            _ = state.withLock { $0.inFlight.removeValue(forKey: key) }
            throw error
        }
    }

    private func store(_ bytes: [UInt8], as key: String) {
        state.withLock { state in
            state.inFlight[key] = nil
            guard state.entries[key] == nil, bytes.count <= capacity else { return }
            state.entries[key] = bytes
            state.order.append(key)
            state.bytes += bytes.count
            while state.bytes > capacity, let oldest = state.order.first {
                state.order.removeFirst()
                state.bytes -= state.entries.removeValue(forKey: oldest)?.count ?? 0
            }
        }
    }
}
