public import TerminalArt

/// A cover drawn at one size: its URL and the box it fills, in cells.
public struct ArtKey: Sendable, Hashable {
    public var url: String
    public var columns: Int
    public var rows: Int

    public init(url: String, columns: Int, rows: Int) {
        (self.url, self.columns, self.rows) = (url, columns, rows)
    }
}

/// A cover as the UI has it for one `ArtKey`.
public enum CoverArtwork: Sendable, Equatable {
    /// Asked for (`.loadCover`), not here yet: an empty dim box.
    case loading
    /// Drawn by the renderer as ▀ cells with colours of their own, centred in the region.
    case blocks(BlockArt)
    /// Kitty Unicode placeholders for image `id` (transmitted, with a virtual placement of the key's
    /// size, by the terminal layer): the renderer draws `KittyGraphics.placeholderRows` in the region,
    /// in `KittyGraphics.placeholderColor(id:)`.
    case placeholders(id: UInt32)
    /// A pixel protocol (kitty direct, sixel, iTerm2): the renderer leaves the region blank and lists it in
    /// `Frame.artRegions`, and the terminal layer draws the picture there after the text.
    case image
    /// No cover, or it could not be loaded or decoded: a quiet placeholder (a dim box with ♪).
    case unavailable(String)
}

/// Album art: how the terminal shows it, whether it is on, and the covers at hand.
public struct ArtState: Sendable, Equatable {
    /// How covers reach this terminal, picked at start by the terminal layer (`.artModeChosen`); `.off`
    /// when it cannot show them. With `.off` nothing about the UI changes.
    public var mode: ArtMode
    /// The toggle key (`A`); true from the start unless `mode` is `.off`.
    public var isEnabled: Bool
    /// `i`: the cover large over the current view; any key closes it.
    public var isShowingLarge = false
    /// Covers by key: those on screen, those asked for, and up to `capacity` in all (the ones no longer on
    /// screen leave first, oldest first).
    public internal(set) var covers: [ArtKey: CoverArtwork] = [:]
    /// A cell's height divided by its width, in pixels (the terminal layer measures it; 2 in most fonts):
    /// what keeps a square cover square.
    public var cellAspect: Double
    /// Said once on the status line (e.g. that tmux keeps pictures from the terminal, and how to let them through).
    public var hint: String?
    /// `covers`' keys, oldest first.
    var order: [ArtKey] = []

    /// The most covers kept.
    public static let capacity = 32

    public init(mode: ArtMode = .off, cellAspect: Double = 2, hint: String? = nil) {
        self.mode = mode
        isEnabled = mode != .off
        self.cellAspect = Self.sane(cellAspect)
        self.hint = hint
    }

    /// Whether covers show: a mode that draws them, turned on.
    public var isActive: Bool { mode != .off && isEnabled }

    /// A measured aspect within reason (a terminal answering nonsense must not make 1-row covers).
    static func sane(_ aspect: Double) -> Double {
        aspect.isFinite && aspect > 0 ? min(4, max(0.5, aspect)) : 2
    }

    mutating func store(_ artwork: CoverArtwork, for key: ArtKey) {
        if covers.updateValue(artwork, forKey: key) == nil { order.append(key) }
    }

    mutating func remove(_ key: ArtKey) {
        guard covers.removeValue(forKey: key) != nil else { return }
        order.removeAll { $0 == key }
    }

    mutating func removeAll() {
        covers = [:]
        order = []
    }
}
