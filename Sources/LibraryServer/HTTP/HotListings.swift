import NIOCore
import Synchronization

/// Anonymous listings as they were last written, kept while the change feed stands still: the same
/// page asked again (the original web page polling `/songs?genre=Rock&limit=100`) is answered from
/// memory, and `If-None-Match` with the feed's position is a 304 without reading the catalog at all.
/// Signed-in listings carry the caller's play counts, which move without a feed change, so they are
/// never kept. Anonymous pages of the change feed are kept the same way: every client a change wakes asks
/// for the same page.
final class HotListings: Sendable {
    /// Pages larger than this are not kept (a whole 100,000-song listing is streamed every time).
    static let largestPage = 256 << 10
    static let capacity = 64

    private struct Entry {
        var position: Int
        var body: ByteBuffer
        var lastUsed: Int
    }

    private let entries = Mutex<(pages: [String: Entry], clock: Int)>(([:], 0))

    /// The tag of a listing of `query` at feed `position`: it changes whenever anything listed may have.
    static func etag(query: String, position: Int) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a: short, stable across runs and replicas
        for byte in query.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return "W/\"\(position)-\(String(hash, radix: 36))\""
    }

    func page(for query: String, at position: Int) -> ByteBuffer? {
        entries.withLock { state in
            guard var entry = state.pages[query], entry.position == position else { return nil }
            state.clock += 1
            entry.lastUsed = state.clock
            state.pages[query] = entry
            return entry.body
        }
    }

    func keep(_ body: ByteBuffer, for query: String, at position: Int) {
        guard body.readableBytes <= Self.largestPage else { return }
        entries.withLock { state in
            state.clock += 1
            state.pages[query] = Entry(position: position, body: body, lastUsed: state.clock)
            // Stale pages go first, then the least recently used.
            state.pages = state.pages.filter { $0.value.position == position }
            while state.pages.count > Self.capacity, let oldest = state.pages.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                state.pages.removeValue(forKey: oldest.key)
            }
        }
    }
}
