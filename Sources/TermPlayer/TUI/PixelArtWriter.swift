import TerminalArt
import TerminalUI

/// Puts pictures on screen for the pixel protocols, after ncurses has drawn the text of a frame, and
/// takes them off again when they are no longer listed — so no picture outlives its place (a resize,
/// a scroll, a view change, a popup, a song change) and none covers text.
///
/// Kitty images are sent once per cover and then placed by id (or shown through placeholder cells,
/// which ncurses draws like text and which therefore cannot be left behind); sixel and iTerm2 pictures
/// are drawn where their region is, and a region that goes away is repainted by ncurses.
final class PixelArtWriter {
    private let mode: ArtMode
    private let inTmux: Bool
    /// Kitty image ids the terminal holds, by cover.
    private var transmitted: [ArtKey: UInt32] = [:]
    /// What is on screen for direct placements, sixel and iTerm2: region → the cover drawn there.
    private var shown: [ArtRegion] = []
    /// A kitty placement id per region drawn, so a moved region's old placement can be removed.
    private var nextPlacement: UInt32 = 1
    private var placements: [ArtRegion: UInt32] = [:]

    init(mode: ArtMode, inTmux: Bool) {
        self.mode = mode
        self.inTmux = inTmux
    }

    /// Called after every frame is drawn, with the state it was drawn from. Returns the covers on screen
    /// whose payloads were let go before they could be sent: the caller asks for them again.
    func sync(frame: Frame, state: AppState, payloads: PixelPayloads, screen: CursesScreen) -> [ArtKey] {
        guard mode.isPixelProtocol else { return [] }
        var output = ""
        var dropped: [ArtKey] = []
        if mode == .kittyPlaceholders {
            // Each cover shown through placeholders must be known to the terminal by its id, once.
            let shown = Set(ArtLayout.regions(for: state).map(\.key))
            for key in shown where transmitted[key] == nil {
                guard case .placeholders(let id)? = state.art.covers[key] else { continue }
                guard case .kitty(_, let transmit)? = payloads.payload(for: key) else {
                    dropped.append(key)
                    continue
                }
                output += transmit
                output += wrap(KittyGraphics.virtualPlacement(id: id, columns: key.columns, rows: key.rows))
                transmitted[key] = id
            }
            output += forget(keeping: shown)
        } else {
            // A picture already on screen needs nothing more; one to draw needs its payload.
            let redrawAll = screen.repaintedEverything
            var wanted: [ArtRegion] = []
            for region in frame.artRegions {
                if (shown.contains(region) && !redrawAll) || payloads.payload(for: region.key) != nil {
                    wanted.append(region)
                } else {
                    dropped.append(region.key)
                }
            }
            for old in shown where !wanted.contains(old) {
                output += remove(old, screen: screen)
            }
            if redrawAll { shown.removeAll() }
            for region in wanted where !shown.contains(region) {
                output += draw(region, payload: payloads.payload(for: region.key))
            }
            shown = wanted
            output += forget(keeping: Set(wanted.map(\.key)))
        }
        if !output.isEmpty { screen.writeDirectly(output) }
        return dropped
    }

    /// Deletes the kitty images of covers no longer on screen, so the terminal holds only what it shows
    /// (a song change deletes the old cover's image; coming back to it sends it again).
    private func forget(keeping shown: Set<ArtKey>) -> String {
        var output = ""
        for (key, id) in transmitted where !shown.contains(key) {
            output += wrap(KittyGraphics.delete(id: id))
            transmitted[key] = nil
            placements = placements.filter { $0.key.key != key }
        }
        return output
    }

    /// Ctrl-L, or a terminal that may have dropped its images: everything is sent again.
    func forgetEverything() {
        transmitted.removeAll()
        shown.removeAll()
        placements.removeAll()
    }

    private func draw(_ region: ArtRegion, payload: PixelPayload?) -> String {
        // Saved and restored around the picture, so ncurses' idea of the cursor stays true.
        var text = "\u{1B}7\u{1B}[\(region.y + 1);\(region.x + 1)H"
        switch payload {
        case .kitty(let id, let transmit)?:
            if transmitted[region.key] == nil {
                text += transmit
                transmitted[region.key] = id
            }
            let placement = nextPlacement
            nextPlacement &+= 1
            placements[region] = placement
            text += wrap(KittyGraphics.place(id: id, placement: placement, columns: region.columns, rows: region.rows))
        case .sequence(let sequence)?:
            text += sequence
        case nil:
            return ""
        }
        return text + "\u{1B}8"
    }

    private func remove(_ region: ArtRegion, screen: CursesScreen) -> String {
        if let placement = placements.removeValue(forKey: region), let id = transmitted[region.key] {
            return wrap("\u{1B}_Ga=d,d=i,i=\(id),p=\(placement),q=2\u{1B}\\")
        }
        // Sixel and iTerm2 pictures are cells' worth of pixels: ncurses paints the cells again.
        screen.repaint(x: region.x, y: region.y, columns: region.columns, rows: region.rows)
        return ""
    }

    private func wrap(_ sequence: String) -> String {
        TmuxPassthrough.wrap(sequence, if: inTmux)
    }
}
