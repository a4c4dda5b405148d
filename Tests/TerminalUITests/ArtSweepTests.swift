import Testing
import TerminalArt
import TerminalUI

@Suite("Album art at every size")
struct ArtSweepTests {
    typealias F = ArtFixture

    /// For each mode: views 1, 3 and 6 with covers loaded, the large cover, help and the rating popup
    /// over view 3, a song without a cover, and covers toggled off.
    static let states: [AppState] = {
        var states: [AppState] = []
        for mode in [ArtMode.blocks, .kittyPlaceholders, .kittyDirect, .iterm, .sixel] {
            var base = F.state(width: 120, height: 40, mode: mode)
            F.answer(F.play(&base, F.paper), in: &base)
            for view in ["1", "3", "6"] {
                var state = base
                F.answer(state.press(.character(Character(view)), .character("G")), in: &state)
                states.append(state)
            }
            var artists = states[states.count - 2]
            var large = artists
            F.answer(large.press(.character("i")), in: &large)
            var help = artists
            help.press(.character("?"))
            artists.press(.character("*"))
            var noCover = base
            F.answer(F.play(&noCover, F.first), in: &noCover)
            noCover.press(.character("3"))
            var toggled = base
            toggled.press(.character("A"))
            states += [large, help, artists, noCover, toggled]
        }
        return states
    }()

    @Test(
        "sizes from 1×1 to 200×60 with art on: no torn row, no picture over text, no colour outside a cover",
        arguments: [Int](0..<10))
    func everySize(slice: Int) {
        for (index, width, height) in SizeSweep.slice(slice, of: 10) {
            var state = Self.states[index % Self.states.count]
            F.answer(state.reduce(.resized(width: width, height: height)), in: &state)
            let frame = Renderer.render(state)
            for y in 0..<height where TextWidth.columns(of: frame.line(y)) != width {
                Issue.record("\(width)×\(height), row \(y): \(frame.line(y))")
            }
            let slots = ArtLayout.slots(for: state)
            let wanted = ArtLayout.regions(for: state)
            if width < ArtLayout.minimumWidth || height < ArtLayout.minimumHeight {
                if slots.contains(where: { $0.place != .large }) { Issue.record("\(width)×\(height): a cover without room") }
            }
            for region in frame.artRegions {
                guard wanted.contains(region), state.art.covers[region.key] == .image else {
                    Issue.record("\(width)×\(height): \(region) is not a picture on screen")
                    continue
                }
                for y in region.y..<region.y + region.rows {
                    for x in region.x..<region.x + region.columns where frame[x, y] != Frame.Cell(character: " ", style: .normal) {
                        Issue.record("\(width)×\(height): text under the picture at \(x), \(y)")
                    }
                }
            }
            for (index, region) in frame.artRegions.enumerated() {
                for other in frame.artRegions[(index + 1)...]
                where region.x < other.x + other.columns && other.x < region.x + region.columns
                    && region.y < other.y + other.rows && other.y < region.y + region.rows {
                    Issue.record("\(width)×\(height): pictures overlap: \(region), \(other)")
                }
            }
            for (index, cell) in frame.cells.enumerated() where cell.color != nil {
                let (x, y) = (index % width, index / width)
                let inside = slots.contains { x >= $0.x && x < $0.x + $0.columns && y >= $0.y && y < $0.y + $0.rows }
                if !inside { Issue.record("\(width)×\(height): colour outside every cover at \(x), \(y)") }
            }
            if state.art.covers.count > ArtState.capacity { Issue.record("\(width)×\(height): \(state.art.covers.count) covers") }
        }
    }
}
