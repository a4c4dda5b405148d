import APIClient
import CoverArt
import CurlTransfer
import Synchronization
import TerminalArt
import TerminalUI

/// Fetches covers at the size they are drawn, decodes them and encodes them for the terminal's mode, off
/// the UI thread (decoding on a thread of its own, never a cooperative one); a cover no longer wanted is
/// cancelled. What pixel protocols need is left in `payloads` for the terminal layer to send.
final class CoverWorker: Sendable {
    /// Covers come on a session of their own: a cover never waits behind the library's listing.
    private let session = CurlSession(name: "tp-covers")
    private let source: any MusicSource
    /// A cell's size in pixels, as the terminal said; nil when it would not say.
    private let reportedCellPixels: PixelSize?
    let payloads = PixelPayloads()
    private let running = Mutex<[ArtKey: Task<Void, Never>]>([:])
    private let serial = Atomic<UInt32>(0)

    /// Whether kitty's commands go through tmux's passthrough: they are wrapped here, off the UI thread.
    private let inTmux: Bool

    init(source: any MusicSource, cellPixels: PixelSize?, inTmux: Bool) {
        self.source = source.using(session)
        reportedCellPixels = cellPixels
        self.inTmux = inTmux
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

    /// A cell's size in pixels for `mode`. Unreported, kitty and iTerm2 scale the picture to the cells
    /// themselves, so a common 8 × 16 only sets its sharpness; sixel is drawn pixel for pixel, so it gets
    /// a small guess (xterm's default font is 6 × 13): a picture short of its cells, never over the text.
    private func cellPixels(for mode: ArtMode) -> PixelSize {
        reportedCellPixels ?? (mode == .sixel ? PixelSize(width: 6, height: 12) : PixelSize(width: 8, height: 16))
    }

    /// The box, in pixels, a cover is drawn into.
    private func box(for key: ArtKey, mode: ArtMode) -> CoverSize {
        if mode.isPixelProtocol {
            let cellPixels = cellPixels(for: mode)
            return CoverSize(width: max(1, key.columns * cellPixels.width), height: max(1, key.rows * cellPixels.height))
        }
        // Half-blocks: two pixels a cell, taken from twice as many for a smooth average.
        return CoverSize(width: max(1, key.columns * 2), height: max(1, key.rows * 4))
    }

    private func artwork(for key: ArtKey, mode: ArtMode, cellAspect: Double) async throws -> CoverArtwork {
        let box = box(for: key, mode: mode)
        let bytes = try await fetch(key.url, size: max(box.width, box.height))
        try Task.checkCancellation()
        let (cellPixels, inTmux) = (cellPixels(for: mode), self.inTmux)
        let id = KittyGraphics.placeholderID(serial: serial.add(1, ordering: .relaxed).newValue)
        // The image as the commands that store it in the terminal, base64 and wrapped, ready to write.
        @Sendable func transmit(_ picture: CoverPicture) throws -> PixelPayload {
            let chunks = KittyGraphics.transmit(id: id, png: try CoverEncoder.png(picture))
            return .kitty(id: id, transmit: chunks.map { TmuxPassthrough.wrap($0, if: inTmux) }.joined())
        }
        let (artwork, payload): (CoverArtwork, PixelPayload?) = try await BlockingWork.run {
            Result { () throws -> (CoverArtwork, PixelPayload?) in
                let picture = try CoverDecoder.decode(bytes, fitting: box).scaled(toFit: box)
                switch mode {
                case .off, .blocks:
                    return (.blocks(HalfBlocks.render(picture, columns: key.columns, rows: key.rows, cellAspect: cellAspect)), nil)
                case .kittyPlaceholders:
                    return (.placeholders(id: id), try transmit(picture))
                case .kittyDirect:
                    return (.image, try transmit(picture))
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

    /// The cover's bytes, at the size it is drawn where the service can scale it.
    private func fetch(_ url: String, size: Int) async throws -> [UInt8] {
        do {
            return try await source.cover(at: url, fittingSquare: size)
        } catch .http(_, 404, _) {
            throw CoverFetchError(description: "no cover at \(url)")
        } catch .http(_, let status, _) {
            throw CoverFetchError(description: "\(url) answered \(status)")
        }
    }

    struct CoverFetchError: Error, CustomStringConvertible {
        var description: String
    }
}

/// What a pixel protocol sends for one cover.
enum PixelPayload: Sendable {
    /// Kitty: the commands that store the image under `id` (wrapped for tmux when in it), written once;
    /// the image is then placed, or shown through placeholders.
    case kitty(id: UInt32, transmit: String)
    /// A sequence drawn at the cursor each time (sixel, iTerm2).
    case sequence(String)

    var byteCount: Int {
        switch self {
        case .kitty(_, let transmit): transmit.utf8.count
        case .sequence(let sequence): sequence.utf8.count
        }
    }
}

/// Payloads by cover, written by the worker and read by the UI thread. Bounded by bytes, least recently
/// used first out (the UI reads the payloads of what it shows every frame, so those stay): a kitty
/// payload of a large cover is hundreds of KB, and 32 of them would cost the UI several MiB. The last
/// `kept` always stay, so the covers on screen (three at most) cannot push each other out; a cover whose
/// payload went is asked for again when shown (`.coverDropped`).
final class PixelPayloads: Sendable {
    private struct Store {
        var payloads: [ArtKey: PixelPayload] = [:]
        var order: [ArtKey] = []
        var bytes = 0
    }

    private let store = Mutex(Store())
    static let byteLimit = 3 << 20
    static let kept = 4

    func store(_ payload: PixelPayload, for key: ArtKey) {
        store.withLock { store in
            if let old = store.payloads.updateValue(payload, forKey: key) {
                store.bytes -= old.byteCount
                store.order.removeAll { $0 == key }
            }
            store.order.append(key)
            store.bytes += payload.byteCount
            while store.bytes > Self.byteLimit, store.order.count > Self.kept {
                let oldest = store.order.removeFirst()
                store.bytes -= store.payloads.removeValue(forKey: oldest)?.byteCount ?? 0
            }
        }
    }

    func payload(for key: ArtKey) -> PixelPayload? {
        store.withLock { store in
            guard let payload = store.payloads[key] else { return nil }
            if store.order.last != key, let index = store.order.firstIndex(of: key) {
                store.order.remove(at: index)
                store.order.append(key)
            }
            return payload
        }
    }
}
