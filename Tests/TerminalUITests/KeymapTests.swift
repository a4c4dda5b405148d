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
