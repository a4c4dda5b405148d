import CoverArt
import CurlTransfer
import Synchronization
import TerminalArt
import TerminalUI

/// Fetches covers at the size they are drawn, decodes them and encodes them for the terminal's mode, off
/// the UI thread (decoding on a thread of its own, never a cooperative one); a cover no longer wanted is
/// cancelled. What pixel protocols need is left in `payloads` for the terminal layer to send.
final class CoverWorker: Sendable {
    private let session = CurlSession(name: "tp-covers")
    private let token: String?
    /// A cell's size in pixels, for pixel protocols (the terminal said, or a common 8 × 16).
    let cellPixels: PixelSize
    let payloads = PixelPayloads()
    private let running = Mutex<[ArtKey: Task<Void, Never>]>([:])
    private let serial = Atomic<UInt32>(0)

    init(token: String?, cellPixels: PixelSize?) {
        self.token = token
        self.cellPixels = cellPixels ?? PixelSize(width: 8, height: 16)
    }

    func load(_ key: ArtKey, mode: ArtMode, cellAspect: Double, post: @escaping @Sendable (Action) -> Void) {
        let task = Task { [self] in
            do {
                let artwork = try await artwork(for: key, mode: mode, cellAspect: cellAspect)
                guard !Task.isCancelled else { return }
                post(.coverLoaded(key, artwork))
            } catch is CancellationError {
                return
            } catch {
                guard !Task.isCancelled else { return }
                post(.coverFailed(key, reason: "\(error)"))
            }
            _ = running.withLock { $0.removeValue(forKey: key) }
        }
        running.withLock { $0[key] = task }
    }

    func cancel(_ key: ArtKey) {
        running.withLock { $0.removeValue(forKey: key) }?.cancel()
    }

    func shutdown() {
        for task in running.withLock({ $0.values }) { task.cancel() }
        session.close()
    }

    /// The box, in pixels, a cover is drawn into.
    private func box(for key: ArtKey, mode: ArtMode) -> CoverSize {
        if mode.isPixelProtocol {
            return CoverSize(width: max(1, key.columns * cellPixels.width), height: max(1, key.rows * cellPixels.height))
        }
        // Half-blocks: two pixels a cell, taken from twice as many for a smooth average.
        return CoverSize(width: max(1, key.columns * 2), height: max(1, key.rows * 4))
    }

    private func artwork(for key: ArtKey, mode: ArtMode, cellAspect: Double) async throws -> CoverArtwork {
        let box = box(for: key, mode: mode)
        let bytes = try await fetch(key.url, size: max(box.width, box.height))
        try Task.checkCancellation()
        let cellPixels = self.cellPixels
        let id = KittyGraphics.placeholderID(serial: serial.add(1, ordering: .relaxed).newValue)
        let (artwork, payload): (CoverArtwork, PixelPayload?) = try await BlockingWork.run {
            Result { () throws -> (CoverArtwork, PixelPayload?) in
                let picture = try CoverDecoder.decode(bytes, fitting: box).scaled(toFit: box)
                switch mode {
                case .off, .blocks:
                    return (.blocks(HalfBlocks.render(picture, columns: key.columns, rows: key.rows, cellAspect: cellAspect)), nil)
                case .kittyPlaceholders:
                    return (.placeholders(id: id), .kitty(id: id, png: try CoverEncoder.png(picture)))
                case .kittyDirect:
                    return (.image, .kitty(id: id, png: try CoverEncoder.png(picture)))
                case .sixel:
                    return (.image, .sequence(try SixelImage.encode(picture, columns: key.columns, rows: key.rows, cellPixels: cellPixels)))
                case .iterm:
                    let jpeg = try CoverEncoder.jpeg(picture, quality: 90)
                    return (.image, .sequence(ITerm2Image.inline(jpeg, columns: key.columns, rows: key.rows)))
                }
            }
        }.get()
        if let payload { payloads.store(payload, for: key) }
        return artwork
    }

    /// The cover's bytes; from this service's `/media/`, at the size it is drawn (a presigned or public
    /// bucket URL is fetched as it is: a query would break its signature).
    private func fetch(_ url: String, size: Int) async throws -> [UInt8] {
        var address = url
        if url.contains("/media/") { address += (url.contains("?") ? "&" : "?") + "size=\(min(1024, max(16, size)))" }
        var headers: [(name: String, value: String)] = [("User-Agent", "termplayer")]
        if let token, url.contains("/media/") { headers.append(("Authorization", "Bearer \(token)")) }
        let response = try await session.perform(TransferRequest(url: address, headers: headers, connectTimeout: .seconds(3), stallTimeout: .seconds(10)))
        guard (200..<300).contains(response.status) else { throw CoverFetchError(url: url, status: response.status) }
        return response.body
    }

    struct CoverFetchError: Error, CustomStringConvertible {
        var url: String
        var status: Int
        var description: String { status == 404 ? "no cover at \(url)" : "\(url) answered \(status)" }
    }
}

/// What a pixel protocol sends for one cover.
enum PixelPayload: Sendable {
    /// A PNG for kitty, transmitted once under `id` and then placed, or shown through placeholders.
    case kitty(id: UInt32, png: [UInt8])
    /// A sequence drawn at the cursor each time (sixel, iTerm2).
    case sequence(String)
}

/// Payloads by cover, written by the worker and read by the UI thread; bounded like the state's covers.
final class PixelPayloads: Sendable {
    private let stored = Mutex<[ArtKey: PixelPayload]>([:])
    private let order = Mutex<[ArtKey]>([])
    static let capacity = 32

    func store(_ payload: PixelPayload, for key: ArtKey) {
        stored.withLock { $0[key] = payload }
        let evicted: [ArtKey] = order.withLock { order in
            order.removeAll { $0 == key }
            order.append(key)
            let extra = max(0, order.count - Self.capacity)
            defer { order.removeFirst(extra) }
            return Array(order.prefix(extra))
        }
        stored.withLock { table in for key in evicted { table[key] = nil } }
    }

    func payload(for key: ArtKey) -> PixelPayload? {
        stored.withLock { $0[key] }
    }
}
