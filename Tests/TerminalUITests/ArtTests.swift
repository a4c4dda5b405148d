import Foundation
import PlayerCore
import Testing
import TerminalArt
import TerminalUI

@Suite("Album art: layout, covers asked for and drawn")
struct ArtTests {
    typealias F = ArtFixture

    static let bluePanel = ArtKey(url: "http://s/media/blue.jpg", columns: 12, rows: 6)
    static let paperPanel = ArtKey(url: "http://s/media/paper.jpg", columns: 12, rows: 6)
    /// Loopback Sessions' cover in view 3 at 100 × 30: the pane is 25 wide, the body 22 rows.
    static let paperAlbum = ArtKey(url: "http://s/media/paper.jpg", columns: 18, rows: 9)

    // MARK: Songs and their covers

    @Test("songs decode their cover's URL (present, null or missing), and still take 144 bytes")
    func decoding() throws {
        let json = """
            [{"id":"a","title":"A","file":"http://s/media/a.mp3","image":"http://s/media/a.jpg","year":2020,"duration":12.5},
             {"id":"b","title":"B","file":"http://s/media/b.mp3","image":null},
             {"id":"c","title":"C","file":"http://s/media/c.mp3"},
             {"id":"d","title":"D","file":"http://s/media/d.mp3","image":"http://s/media/d.png"},
             {"id":"e","title":"E","file":"https://b.s3.example/e.mp3?X-Amz-Signature=1","image":"https://b.s3.example/e.jpg?X-Amz-Signature=2"},
             {"id":"f","title":"F","file":"http://s/media/f","image":"http://s/media/f.jpg"}]
            """
        let songs = try JSONDecoder().decode([LibrarySong].self, from: Data(json.utf8))
        #expect(songs.map(\.image) == [
            "http://s/media/a.jpg", nil, nil, "http://s/media/d.png", "https://b.s3.example/e.jpg?X-Amz-Signature=2", "http://s/media/f.jpg",
        ])
        #expect(songs[0].year == 2020 && songs[0].duration == 12.5 && songs[1].year == nil && songs[1].duration == nil)
        #expect(MemoryLayout<LibrarySong>.stride == 144, "a library holds 100,000 songs or more")
        var changed = songs[0]
        changed.image = "http://elsewhere.example/a.jpg"
        #expect(changed.image == "http://elsewhere.example/a.jpg" && changed != songs[0])
        changed.image = "http://s/media/a.jpg"
        #expect(changed == songs[0])
        changed.file = "http://elsewhere.example/a.mp3"
        #expect(changed.image == "http://s/media/a.jpg", "the cover stays when the file moves")
        changed.image = nil
        #expect(changed.image == nil)
        let song = LibrarySong(ListenerFixture.song(F.blue))
        #expect(song.image == nil, "the fixture's API song has no cover")
    }

    // MARK: Layout

    @Test("at 100 × 30 and larger the cover panel takes the bottom six rows: the cover, and beside it the song and the bar",
          arguments: [(100, 30), (160, 48), (200, 60)])
    func panel(width: Int, height: Int) {
        var state = F.state(width: width, height: height)
        #expect(F.play(&state, F.blue) == [.loadCover(Self.bluePanel, .blocks)])
        #expect(state.nowPlayingRows == 6 && state.listRows == height - 8 - 1)
        let top = height - 7
        #expect(ArtLayout.regions(for: state) == [ArtRegion(x: 0, y: top, columns: 12, rows: 6, key: Self.bluePanel)])
        let lines = RendererTests.lines(Renderer.render(state))
        #expect(Array(lines[top..<top + 5]) == [
            "┌──────────┐  Blue Checksum",
            "│          │  Otis Lambda Trio — After Hours",
            "│          │  Jazz · 2021 · 0:23",
            "│          │",
            "│          │  ▶ Blue Checksum — Otis Lambda Trio · After Hours",
        ], "an empty box while the cover loads")
        #expect(lines[top + 5].hasPrefix("└──────────┘  0:10 / 0:23 ━━━") && lines[top + 5].hasSuffix("vol 100%  in order  repeat off"))
        #expect(lines[top - 1].isEmpty && lines[height - 1].hasPrefix("? help"))
    }

    @Test("below 100 × 30, the layout is exactly as without art, and nothing is asked for",
          arguments: [(99, 30), (100, 29), (80, 24), (40, 8)])
    func belowTheMinimum(width: Int, height: Int) {
        for view in ["1", "2", "3", "4", "5", "6", "7"] {
            var art = F.state(width: width, height: height)
            var plain = F.state(width: width, height: height, mode: nil)
            #expect(F.play(&art, F.blue).isEmpty)
            F.play(&plain, F.blue)
            #expect(art.press(.character(Character(view)), .character("G"), .tab) == plain.press(.character(Character(view)), .character("G"), .tab))
            #expect(ArtLayout.regions(for: art).isEmpty && art.art.covers.isEmpty)
            #expect(Renderer.render(art) == Renderer.render(plain), "\(width)×\(height), view \(view)")
        }
    }

    @Test("view 3: the selected album's cover (its first song's that has one) at the bottom of the albums pane")
    func albumCover() {
        var state = F.state()
        #expect(F.loads(state.press(.character("3"))) == [ArtKey(url: "http://covers.example/yoake?size=600", columns: 18, rows: 9)])
        let effects = state.press(.character("G"))
        #expect(F.loads(effects) == [Self.paperAlbum], "First Light has no cover; Paper Satellites has")
        #expect(ArtLayout.regions(for: state) == [ArtRegion(x: 29, y: 14, columns: 18, rows: 9, key: Self.paperAlbum)], "nothing plays")
        #expect(state.albumListRows == 11)
        let lines = RendererTests.lines(Renderer.render(state))
        #expect(lines[1] == "Artists                  │Albums                   │Songs")
        #expect(lines[2].hasPrefix(" Daemon Drift            │ Loopback Sessions (2)   │   First Light"))
        #expect(lines[13] == "                         │                         │")
        #expect(lines[14] == "                         │   ┌────────────────┐    │")
        #expect(lines[22] == "                         │   └────────────────┘    │")
        #expect(lines[23].hasPrefix("┌──────────┐  nothing playing"), "the panel's placeholder: nothing plays")
        // Another artist, another album: the one still loading is cancelled.
        #expect(state.press(.character("k")) == [.loadCover(ArtKey(url: "http://s/media/blue.jpg", columns: 18, rows: 9), .blocks), .cancelCover(Self.paperAlbum)])
        // A cover from elsewhere is asked for by its URL as it is.
        let yoake = ArtKey(url: "http://covers.example/yoake?size=600", columns: 18, rows: 9)
        #expect(state.press(.character("g")) == [.loadCover(yoake, .blocks), .cancelCover(ArtKey(url: "http://s/media/blue.jpg", columns: 18, rows: 9))])
    }

    @Test("view 3: the album cursor stays above the cover, however many albums")
    func albumCursor() {
        var state = F.state(library: Fixture.many(100))
        state.press(.character("3"), .tab, .character("G"))
        #expect(state.albums.selected == 12 && state.albums.top == 2, "11 album rows over the cover")
        let frame = Renderer.render(state)
        #expect(frame[27, 12].style == .selected && frame.line(12).contains("Album 9"))
        #expect(frame.line(14).contains("┌"), "the placeholder box: these albums have no covers")
        state.press(.character("g"))
        #expect(state.albums.top == 0)
    }

    @Test("the panel and covers keep a square picture's shape at the terminal's cell aspect")
    func cellAspect() {
        var state = F.state(cellAspect: 2.5)
        #expect(F.loads(F.play(&state, F.blue)) == [ArtKey(url: "http://s/media/blue.jpg", columns: 15, rows: 6)])
        state.press(.character("3"))
        #expect(F.loads(state.press(.character("G"))) == [ArtKey(url: "http://s/media/paper.jpg", columns: 23, rows: 9)])
        #expect(ArtLayout.regions(for: state).map(\.x) == [0, 27])
        for nonsense in [0, -1, .nan, .infinity] {
            _ = state.reduce(.artModeChosen(.blocks, cellAspect: nonsense, hint: nil))
            #expect(state.art.cellAspect == 2)
        }
    }

    // MARK: The large cover

    @Test("i shows the playing song's cover as large as fits; any key closes it and does nothing else")
    func large() {
        var state = F.state()
        F.answer(F.play(&state, F.blue), in: &state)
        let largeKey = ArtKey(url: "http://s/media/blue.jpg", columns: 48, rows: 24)
        #expect(state.press(.character("i")) == [.loadCover(largeKey, .blocks)])
        #expect(state.art.isShowingLarge)
        #expect(ArtLayout.regions(for: state) == [
            ArtRegion(x: 0, y: 23, columns: 12, rows: 6, key: Self.bluePanel), ArtRegion(x: 26, y: 3, columns: 48, rows: 24, key: largeKey),
        ])
        let lines = RendererTests.lines(Renderer.render(state))
        #expect(lines[1] == "   Cover — any key closes this")
        #expect(lines[3] == String(repeating: " ", count: 26) + "┌" + String(repeating: "─", count: 46) + "┐")
        #expect(lines[28] == String(repeating: " ", count: 27) + "Blue Checksum — Otis Lambda Trio · After Hours")
        #expect(state.press(.character("j")) == [.cancelCover(largeKey)], "still loading when closed")
        #expect(!state.art.isShowingLarge && state.songs.selected == 0)
    }

    @Test("i without anything playing shows the cover under the cursor; with nothing at all it says so")
    func largeFromCursor() {
        var state = F.state()
        state.press(.character("j"), .character("i"))
        #expect(state.art.isShowingLarge && ArtLayout.regions(for: state).isEmpty, "First Light has no cover: nothing to ask for")
        let text = Renderer.render(state).text
        #expect(text.contains("♪") && text.contains("First Light — The Null Sinks · Loopback Sessions · no cover"))
        state.press(.escape, .character("j"))
        #expect(F.loads(state.press(.character("i"))) == [ArtKey(url: "http://s/media/paper.jpg", columns: 48, rows: 24)])
        var empty = F.state(library: .empty)
        empty.press(.character("i"))
        #expect(!empty.art.isShowingLarge && empty.message?.text == "No cover to show: play a song, or put the cursor on one")
    }

    // MARK: What is asked for

    @Test("a new song asks for its cover; a change before it arrives cancels it; a late answer is dropped")
    func songChanges() {
        var state = F.state()
        #expect(F.play(&state, F.blue) == [.loadCover(Self.bluePanel, .blocks)])
        #expect(state.art.covers[Self.bluePanel] == .loading)
        #expect(F.play(&state, F.blue, at: 11).isEmpty, "the same song playing on asks again for nothing")
        #expect(F.play(&state, F.paper) == [.loadCover(Self.paperPanel, .blocks), .cancelCover(Self.bluePanel)])
        #expect(state.art.covers[Self.bluePanel] == nil)
        _ = state.reduce(.coverLoaded(Self.bluePanel, .blocks(F.blocks(columns: 12, rows: 6))))
        #expect(state.art.covers[Self.bluePanel] == nil, "cancelled: its answer is not kept")
        _ = state.reduce(.coverLoaded(Self.paperPanel, .blocks(F.blocks(columns: 12, rows: 6))))
        #expect(F.play(&state, F.blue) == [.loadCover(Self.bluePanel, .blocks)], "the loaded one stays")
        F.answer([.loadCover(Self.bluePanel, .blocks)], in: &state)
        #expect(F.play(&state, F.paper).isEmpty && F.play(&state, F.blue).isEmpty, "both are at hand now")
        #expect(F.play(&state, F.first).isEmpty, "a song without a cover asks for nothing")
        #expect(Renderer.render(state).line(25).hasPrefix("│    ♪     │"))
    }

    @Test("a cover that failed shows the quiet placeholder")
    func failed() {
        var state = F.state()
        F.play(&state, F.blue)
        _ = state.reduce(.coverFailed(Self.bluePanel, reason: "http://s/media/blue.jpg answered HTTP 404"))
        #expect(state.art.covers[Self.bluePanel] == .unavailable("http://s/media/blue.jpg answered HTTP 404"))
        let frame = Renderer.render(state)
        #expect(frame[5, 25].character == "♪" && frame[5, 25].style == .dim)
        #expect(frame.line(23).hasPrefix("┌──────────┐") && frame.line(28).hasPrefix("└──────────┘"))
        #expect(state.message == nil, "quietly")
        #expect(F.play(&state, F.blue, at: 12).isEmpty, "not asked for again while it is held")
    }

    @Test("a cover the terminal layer let go is asked for again while it is on screen, and not once it is gone")
    func dropped() {
        var state = F.state(mode: .kittyPlaceholders)
        F.play(&state, F.blue)
        _ = state.reduce(.coverLoaded(Self.bluePanel, .placeholders(id: 17)))
        #expect(state.reduce(.coverDropped(Self.bluePanel)) == [.loadCover(Self.bluePanel, .kittyPlaceholders)])
        #expect(state.art.covers[Self.bluePanel] == .loading, "the panel waits for it again")
        _ = state.reduce(.coverLoaded(Self.bluePanel, .placeholders(id: 18)))
        F.play(&state, F.first)
        #expect(state.reduce(.coverDropped(Self.bluePanel)).isEmpty, "off screen: nothing asked for")
        #expect(state.art.covers[Self.bluePanel] == nil)
    }

    @Test("A toggles covers: off, the layout is as without art and nothing is asked for; on again, they come back")
    func toggle() {
        var state = F.state()
        F.play(&state, F.blue)
        #expect(state.press(.character("A")) == [.cancelCover(Self.bluePanel)])
        #expect(!state.art.isEnabled && state.message?.text == "Covers off")
        state.message = nil
        var plain = F.state(mode: nil)
        F.play(&plain, F.blue)
        #expect(Renderer.render(state) == Renderer.render(plain))
        #expect(F.play(&state, F.paper).isEmpty)
        #expect(F.loads(state.press(.character("3"), .character("G"), .character("i"))).isEmpty)
        #expect(!state.art.isShowingLarge && state.message?.text == "Covers are off: A turns them on")
        #expect(F.loads(state.press(.character("A"))) == [Self.paperPanel, Self.paperAlbum])
        #expect(state.art.isEnabled && ArtLayout.regions(for: state).count == 2)
    }

    @Test("art mode off changes nothing anywhere: no panel, no covers, no effects")
    func modeOff() {
        var off = F.state(mode: .off)
        var plain = F.state(mode: nil)
        #expect(off == plain && off.art == ArtState())
        for keys in [["3", "G"], ["i"], ["A"], ["1", "j", "i"], ["6"], ["7"]] {
            var art = off
            var none = plain
            F.play(&art, F.blue)
            F.play(&none, F.blue)
            let effects = keys.flatMap { art.press(.character(Character($0))) }
            #expect(effects == keys.flatMap { none.press(.character(Character($0))) })
            #expect(ArtLayout.regions(for: art).isEmpty && art.art.covers.isEmpty && !art.art.isShowingLarge)
            art.message = nil
            none.message = nil
            #expect(Renderer.render(art) == Renderer.render(none))
        }
        _ = off.reduce(.coverLoaded(Self.bluePanel, .image))
        #expect(off.art.covers.isEmpty)
        // Turning art off after it was on: the panel goes, and what was loading is cancelled.
        var on = F.state()
        F.play(&on, F.blue)
        F.play(&plain, F.blue)
        #expect(on.reduce(.artModeChosen(.off, cellAspect: 2, hint: nil)) == [.cancelCover(Self.bluePanel)])
        #expect(Renderer.render(on) == Renderer.render(plain))
    }

    @Test("a new mode drops the covers made for the old one and asks again; a hint is said once")
    func modeChange() {
        var state = F.state()
        F.answer(F.play(&state, F.blue), in: &state)
        #expect(state.reduce(.artModeChosen(.sixel, cellAspect: 2, hint: ArtChoice.passthroughHint)) == [.loadCover(Self.bluePanel, .sixel)])
        #expect(state.art.mode == .sixel && state.art.hint == ArtChoice.passthroughHint)
        #expect(state.message == StatusMessage(ArtChoice.passthroughHint))
    }

    @Test("at most 32 covers are kept: those not on screen leave, the longest unseen first")
    func capacity() {
        let songs = (0..<40).map { LibrarySong(id: "c\($0)", title: "Cover \($0)", file: "http://s/media/c\($0).mp3", image: "http://s/media/c\($0).jpg") }
        var state = F.state(library: Library(songs: songs, genreNames: []))
        for song in songs { F.answer(F.play(&state, song), in: &state) }
        #expect(state.art.covers.count == ArtState.capacity)
        let key = { (index: Int) in ArtKey(url: "http://s/media/c\(index).jpg", columns: 12, rows: 6) }
        #expect((0..<8).allSatisfy { state.art.covers[key($0)] == nil })
        #expect((8..<40).allSatisfy { state.art.covers[key($0)] != nil })
        // A cover seen again counts as new: c8 stays, c9 goes.
        F.answer(F.play(&state, songs[8]), in: &state)
        F.answer(F.play(&state, songs[0]), in: &state)
        #expect(state.art.covers[key(8)] != nil && state.art.covers[key(9)] == nil && state.art.covers.count == 32)
    }

    // MARK: Drawing

    @Test("half-blocks: the cells in the region carry the cover's colours, letterboxed cells and everything else none")
    func blocks() {
        var state = F.state()
        F.play(&state, F.blue)
        _ = state.reduce(.coverLoaded(Self.bluePanel, .blocks(F.blocks(columns: 12, rows: 6))))
        var frame = Renderer.render(state)
        for y in 0..<30 {
            for x in 0..<100 {
                let cell = frame[x, y]
                guard (0..<12).contains(x), (23..<29).contains(y) else {
                    if cell.color != nil { Issue.record("colour outside the cover at \(x), \(y)") }
                    continue
                }
                if x == 0 || x == 11 {
                    #expect(cell.character == " " && cell.color == nil && cell.style == .normal, "letterbox at \(x), \(y)")
                } else {
                    let rgb = x < 6 ? F.redRGB : F.blueRGB
                    #expect(cell.character == "▀" && cell.color == CellColor(foreground: .rgb(rgb), background: .rgb(rgb)), "\(x), \(y)")
                }
            }
        }
        #expect(frame.artRegions.isEmpty, "ncurses draws blocks as text")
        // A smaller picture is centred in its region.
        _ = state.reduce(.coverLoaded(Self.bluePanel, .blocks(F.blocks(columns: 8, rows: 4))))
        frame = Renderer.render(state)
        #expect(frame[3, 24].color == CellColor(foreground: .rgb(F.redRGB), background: .rgb(F.redRGB)))
        #expect(frame[8, 27].color == CellColor(foreground: .rgb(F.blueRGB), background: .rgb(F.blueRGB)))
        #expect(frame[2, 24].color == nil && frame[3, 23].color == nil && frame[3, 28].color == nil && frame[9, 24].color == nil)
    }

    @Test("kitty placeholders: the region's cells are U+10EEEE rows in the image id's colour")
    func placeholders() {
        var state = F.state(mode: .kittyPlaceholders)
        #expect(F.play(&state, F.blue) == [.loadCover(Self.bluePanel, .kittyPlaceholders)])
        for (id, color) in [(UInt32(42), ArtColor.palette(42)), (0x0001_2345, .rgb(RGB(r: 0x01, g: 0x23, b: 0x45))), (0x0300_0010, .palette(16))] {
            _ = state.reduce(.coverLoaded(Self.bluePanel, .placeholders(id: id)))
            let frame = Renderer.render(state)
            _ = RendererTests.lines(frame)
            let rows = KittyGraphics.placeholderRows(id: id, columns: 12, rows: 6)
            for (row, text) in rows.enumerated() {
                #expect((0..<12).map { frame[$0, 23 + row].character } == text.map { Optional($0) }, "row \(row)")
                #expect((0..<12).allSatisfy { frame[$0, 23 + row].color == CellColor(foreground: color) })
                #expect(frame[0, 23 + row].character?.unicodeScalars.first == "\u{10EEEE}")
            }
            #expect(frame[12, 23].color == nil && frame.artRegions.isEmpty)
        }
    }

    @Test("pixel protocols: the region is blank and listed; a popup over it unlists it; closing lists it again")
    func pixelRegions() {
        for mode in [ArtMode.sixel, .kittyDirect, .iterm] {
            var state = F.state(mode: mode)
            F.answer(F.play(&state, F.paper), in: &state)
            F.answer(state.press(.character("3"), .character("G")), in: &state)
            let panel = ArtRegion(x: 0, y: 23, columns: 12, rows: 6, key: Self.paperPanel)
            let album = ArtRegion(x: 29, y: 14, columns: 18, rows: 9, key: Self.paperAlbum)
            var frame = Renderer.render(state)
            #expect(frame.artRegions == [panel, album])
            for region in frame.artRegions {
                for y in region.y..<region.y + region.rows {
                    for x in region.x..<region.x + region.columns where frame[x, y] != Frame.Cell(character: " ", style: .normal) {
                        Issue.record("\(mode): text under the picture at \(x), \(y)")
                    }
                }
            }
            let before = frame
            state.press(.character("?"))
            #expect(Renderer.render(state).artRegions.isEmpty, "the help box covers both")
            state.press(.escape)
            #expect(Renderer.render(state) == before)
            state.press(.character("*"))
            #expect(Renderer.render(state).artRegions == [panel], "the rating popup covers the album's, not the panel's")
            state.press(.escape)
            state.message = nil
            #expect(Renderer.render(state) == before)
            F.answer(state.press(.character("i")), in: &state)
            frame = Renderer.render(state)
            #expect(frame.artRegions == [ArtRegion(x: 26, y: 3, columns: 48, rows: 24, key: ArtKey(url: "http://s/media/paper.jpg", columns: 48, rows: 24))])
            state.press(.character("x"))
            #expect(Renderer.render(state) == before)
        }
    }

    @Test("regions follow a resize: the panel moves, the album's cover is asked for at its new size")
    func resize() {
        var state = F.state(mode: .sixel)
        F.answer(F.play(&state, F.paper), in: &state)
        F.answer(state.press(.character("3"), .character("G")), in: &state)
        let effects = state.reduce(.resized(width: 140, height: 40))
        let album = ArtKey(url: "http://s/media/paper.jpg", columns: 28, rows: 14)
        #expect(effects == [.loadCover(album, .sixel)])
        #expect(Renderer.render(state).artRegions == [ArtRegion(x: 0, y: 33, columns: 12, rows: 6, key: Self.paperPanel)], "the album's is not here yet")
        #expect(state.reduce(.resized(width: 99, height: 40)) == [.cancelCover(album)])
        #expect(Renderer.render(state).artRegions.isEmpty && state.art.covers.count == 2, "too narrow: both stay at hand")
        #expect(state.reduce(.resized(width: 100, height: 30)).isEmpty)
        #expect(Renderer.render(state).artRegions.count == 2)
    }

    // MARK: Keys

    @Test("A, i and Ctrl-L are bound, in the help, and rebindable; Ctrl-L asks for a redraw, even from an overlay")
    func keys() throws {
        let keymap = Keymap.standard
        #expect(keymap.command(for: .character("A")) == .toggleArt && keymap.command(for: .character("i")) == .showCover)
        #expect(keymap.command(for: .control("l")) == .redraw)
        #expect([Command.toggleArt, .showCover, .redraw].map(\.rawValue) == ["toggle-art", "show-cover", "redraw"])
        let mine = try Keymap.reading("ctrl-r redraw\nC toggle-art\nI show-cover\nunbind A")
        #expect(mine.command(for: .control("r")) == .redraw && mine.command(for: .character("C")) == .toggleArt)
        #expect(mine.command(for: .character("I")) == .showCover && mine.command(for: .character("A")) == nil)
        var state = F.state(width: 160, height: 40)
        #expect(state.press(.control("l")) == [.redrawScreen])
        state.press(.character("?"))
        let help = Renderer.render(state).text
        #expect(help.contains("covers on / off") && help.contains("the cover, large") && help.contains("redraw the screen"))
        #expect(help.contains("ctrl-l"))
        #expect(state.press(.control("l")) == [.redrawScreen] && !state.isShowingHelp)
        state.press(.character("/"))
        #expect(state.press(.control("l")) == [.redrawScreen] && state.isEditingQuery, "typing a search")
        state.press(.escape, .character("1"), .character("*"))
        #expect(state.press(.control("l")) == [.redrawScreen] && state.popup != nil, "in a popup")
        state.press(.escape)
        state.keymap = mine
        F.play(&state, F.blue)
        state.press(.character("A"))
        #expect(state.art.isEnabled, "unbound")
        state.press(.character("C"))
        #expect(!state.art.isEnabled)
        state.press(.character("I"))
        #expect(state.message?.text == "Covers are off: C turns them on")
    }
}
