import Testing
import TerminalUI

@Suite("Keymaps")
struct KeymapTests {
    @Test("cmus and vim habits by default")
    func standard() {
        let keymap = Keymap.standard
        #expect(keymap.command(for: .character("j")) == .down)
        #expect(keymap.command(for: .down) == .down)
        #expect(keymap.command(for: .control("d")) == .halfPageDown)
        #expect(keymap.command(for: .character(" ")) == .togglePause)
        #expect(keymap.command(for: .character(",")) == .seekBackLong)
        #expect(keymap.command(for: .character("3")) == .artistsView)
        #expect(keymap.command(for: .character("?")) == .help)
        #expect(Command.allCases.allSatisfy { !keymap.keys(for: $0).isEmpty }, "every command has a key")
    }

    @Test("the listener's keys: f F * y S, 6 7, and N R X x J K for view 6")
    func listenerKeys() throws {
        let expected: [(String, Command)] = [
            ("f", .toggleLike), ("F", .toggleLikePlaying), ("*", .rate), ("y", .addToPlaylist), ("S", .saveQueue),
            ("6", .playlistsView), ("7", .historyView), ("N", .newPlaylist), ("R", .renamePlaylist), ("X", .deletePlaylist),
            ("x", .removeFromPlaylist), ("J", .moveEntryDown), ("K", .moveEntryUp), ("D", .loadDemo),
        ]
        for (key, command) in expected {
            #expect(Keymap.standard.command(for: .character(Character(key))) == command, "\(key)")
        }
        let mine = try Keymap.reading("l like\nctrl-r rate\nP add-to-playlist\nH view-history\nunbind f")
        #expect(mine.command(for: .character("l")) == .toggleLike && mine.command(for: .control("r")) == .rate)
        #expect(mine.command(for: .character("P")) == .addToPlaylist && mine.command(for: .character("H")) == .historyView)
        #expect(mine.command(for: .character("f")) == nil)
        #expect(Set(Command.allCases.map(\.rawValue)).count == Command.allCases.count, "every command has a name of its own")
    }

    @Test("a keymap file rebinds, unbinds and keeps the rest")
    func file() throws {
        let keymap = try Keymap.reading("""
            # mine
            x quit
            bind ctrl-n next
              unbind q
            space play
            """)
        #expect(keymap.command(for: .character("x")) == .quit)
        #expect(keymap.command(for: .control("n")) == .next)
        #expect(keymap.command(for: .character("q")) == nil)
        #expect(keymap.command(for: .character(" ")) == .play)
        #expect(keymap.command(for: .character("j")) == .down)
    }

    @Test("a bad line is refused with its number and the reason", arguments: [
        ("j\n", "line 1: expected KEY COMMAND, got 1 words"),
        ("\nfoo down", "line 2: foo is not a key name"),
        ("j dance", "line 1: dance is not a command (see the help overlay, ?)"),
        ("unbind", "line 1: unbind needs one key name"),
    ])
    func bad(text: String, reason: String) {
        let error = #expect(throws: Keymap.FileError.self) { try Keymap.reading(text) }
        #expect(error?.description == reason)
    }
}
