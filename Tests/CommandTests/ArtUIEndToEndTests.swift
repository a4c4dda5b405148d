import CoverArt
import Foundation
import TestSupport
import Testing

/// Covers in the real UI, in tmux, against a real service: half-blocks read back cell by cell, kitty
/// placeholders through tmux's passthrough, and the byte stream the terminal is sent.
@Suite("Album art in the terminal UI", .serialized)
struct ArtUIEndToEndTests {
    static let token = "art-journey-token"
    /// Title order is the listing's order: a two-colour cover, a green one, and none.
    static let songs = [("two", "A Two Colours", "Two Colours"), ("green", "B Green", "Green"), ("bare", "C Bare", "Bare")]

    static func library() throws -> URL {
        let library = try Fixtures.temporaryDirectory("art-ui-library")
        let bucket = library.appendingPathComponent("bucket")
        try FileManager.default.createDirectory(at: bucket, withIntermediateDirectories: true)
        let green = try CoverEncoder.jpeg(try CoverPicture(width: 64, height: 64, rgba: Array(repeating: [30, 190, 30, 255], count: 64 * 64).flatMap { $0 }), quality: 90)
        let covers: [String: [UInt8]] = ["two": try TestCovers.twoColourJPEG(), "green": green]
        for (id, title, album) in songs {
            try Fixtures.bundleJSON(title: title, album: album, artist: "Test Signals", genre: 1).write(to: bucket.appendingPathComponent("\(id).json"))
            try FileManager.default.copyItem(at: try Fixtures.toneMP3(frequency: 440, seconds: 20), to: bucket.appendingPathComponent("\(id).mp3"))
            if let cover = covers[id] { try Data(cover).write(to: bucket.appendingPathComponent("\(id).jpg")) }
        }
        return library
    }

    static func service() async throws -> ServeProcess {
        let service = try await ServeProcess(["--library", try library().path, "--token", token, "--log-level", "warning"])
        for _ in 0..<100 {
            let output = try await TermPlayerBinary.run(["songs", "--server", service.url, "--json"]).standardOutput
            if output.components(separatedBy: "\"id\"").count - 1 == songs.count { return service }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Fixtures.FixtureError.missing("the test service did not ingest its songs")
    }

    /// The UI in a tmux window: `--art` as given, a private PulseAudio, the environment a person's
    /// 256-colour terminal has. With `record`, the UI runs under `script`, which keeps every byte it writes.
    static func ui(
        _ service: ServeProcess, pulse: PulseAudioServer, art: [String], environment extra: [String: String] = [:], record: URL? = nil,
        tmuxConfig: String = "", width: Int = 110, height: Int = 32
    ) throws -> TmuxSession {
        var environment = pulse.environment.merging([
            "LANG": "C.UTF-8", "TERM": "xterm-256color", "TERMPLAYER_TOKEN": token,
            "XDG_CONFIG_HOME": try Fixtures.temporaryDirectory("art-ui-config").path,
        ]) { $1 }
        environment.merge(extra) { $1 }
        let assignments = environment.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
        let script = try Fixtures.temporaryDirectory("art-ui-run").appendingPathComponent("run.sh")
        let arguments = (["--server", service.url] + art).map { "'\($0)'" }.joined(separator: " ")
        try "#!/bin/sh\nexec env -u NO_COLOR \(assignments) '\(try TermPlayerBinary.path)' \(arguments)\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let command = record.map { "script -qfc '\(script.path)' '\($0.path)'" } ?? "'\(script.path)'"
        return try TmuxSession("\(command); sleep 60", width: width, height: height, config: tmuxConfig)
    }

    // MARK: Half-blocks

    @Test("half-blocks in tmux: the cover's own colours in its region and nowhere else, after a resize and a song change too")
    func halfBlocks() async throws {
        let service = try await Self.service()
        defer { service.stop() }
        let pulse = try await PulseAudioServer.startPrivate()
        defer { pulse.kill() }
        let tmux = try Self.ui(service, pulse: pulse, art: [])
        // auto, in tmux without passthrough: blocks, and the status line says how to get sharp covers.
        let hint = await tmux.waitFor("allow-passthrough on")
        #expect(hint.found, "\(hint.screen)")
        // The hint is said as the UI starts, the library may come a moment later.
        #expect(await tmux.waitFor("3 songs").found)

        try tmux.send("Enter")
        var cover = await Self.waitForCells(tmux) { $0.blocks.count >= 12 }
        Self.expectTwoColours(cover, where: "at 110 × 32, playing")
        // The panel sits above the status line (up to three rows with the hint), at the left.
        #expect(cover.blocks.allSatisfy { $0.x < 24 && $0.y >= 32 - 3 - 6 }, "\(cover.blocks.map { ($0.x, $0.y) })")

        // Too small for the panel: no cover, no cover colours; the song is still named.
        try tmux.resize(width: 90, height: 24)
        let small = await Self.waitForCells(tmux) { $0.blocks.isEmpty && $0.text.contains("A Two Colours") }
        #expect(small.blocks.isEmpty, "\(small.text)")
        #expect(small.cells.allSatisfy { !cover.artColours.contains($0.foreground) && !cover.artColours.contains($0.background) })

        // Room again: the cover comes back, made for the new size.
        try tmux.resize(width: 120, height: 36)
        cover = await Self.waitForCells(tmux) { $0.blocks.count >= 12 && $0.height == 36 }
        Self.expectTwoColours(cover, where: "at 120 × 36")
        #expect(cover.blocks.allSatisfy { $0.y >= 36 - 3 - 6 })

        // A song change: the green cover replaces the two-colour one, cell for cell.
        try tmux.send("j", "Enter")
        let green = await Self.waitForCells(tmux) { screen in
            !screen.blocks.isEmpty && screen.blocks.allSatisfy { Self.isGreen($0.foreground) && Self.isGreen($0.background) }
        }
        #expect(!green.blocks.isEmpty && green.blocks.allSatisfy { Self.isGreen($0.foreground) }, "\(green.blocks.map { "\($0.foreground)/\($0.background)" }) \(green.text)")
        #expect(green.cells.allSatisfy { !cover.artColours.contains($0.foreground) && !cover.artColours.contains($0.background) },
                "nothing of the last cover stays")

        // A song without a cover: the quiet placeholder, and no cover cells at all.
        try tmux.send("j", "Enter")
        let bare = await Self.waitForCells(tmux) { $0.blocks.isEmpty && $0.text.contains("♪") && $0.text.contains("C Bare") }
        #expect(bare.blocks.isEmpty && bare.text.contains("♪"), "\(bare.text)")

        // View 3: the album under the cursor has its cover in the albums pane.
        try tmux.send("3", "l", "G")
        let album = await Self.waitForCells(tmux) { $0.blocks.count >= 12 }
        Self.expectTwoColours(album, where: "view 3, album Two Colours")
        #expect(album.blocks.allSatisfy { $0.x > 30 }, "in the albums pane, not the artists'")

        // A turns covers off: the layout is as without art.
        try tmux.send("A")
        let off = await Self.waitForCells(tmux) { $0.blocks.isEmpty && $0.text.contains("Covers off") }
        #expect(off.blocks.isEmpty && !off.text.contains("♪"), "\(off.text)")
        try tmux.send("q")
    }

    @Test("covers off by TERMPLAYER_ART, by the config file, and for NO_COLOR; a bad --art is refused with the choices")
    func offSwitches() async throws {
        let service = try await Self.service()
        defer { service.stop() }
        let pulse = try await PulseAudioServer.startPrivate()
        defer { pulse.kill() }
        let config = try Fixtures.temporaryDirectory("art-ui-off-config")
        try FileManager.default.createDirectory(at: config.appendingPathComponent("termplayer"), withIntermediateDirectories: true)
        try "art = off\n".write(to: config.appendingPathComponent("termplayer/config"), atomically: true, encoding: .utf8)
        for (label, extra) in [("TERMPLAYER_ART", ["TERMPLAYER_ART": "off"]), ("config", ["XDG_CONFIG_HOME": config.path]), ("NO_COLOR", ["NO_COLOR": "1"])] {
            let tmux = try Self.ui(service, pulse: pulse, art: [], environment: extra)
            #expect(await tmux.waitFor("3 songs").found, "\(label)")
            try tmux.send("Enter")
            let playing = await Self.waitForCells(tmux) { $0.text.contains("▶") }
            #expect(playing.blocks.isEmpty && !playing.text.contains("allow-passthrough"), "\(label): \(playing.text)")
            try tmux.send("A")
            #expect(await tmux.waitFor("Covers are off").found, "\(label): A says why")
            try tmux.send("q")
        }
        let refused = try Self.ui(service, pulse: pulse, art: ["--art", "pictures"])
        let words = await refused.waitFor("not pictures")
        #expect(words.screen.contains("auto, kitty, iterm, sixel, blocks or off"), "\(words.screen)")
    }

    // MARK: Kitty placeholders through tmux

    @Test("kitty in tmux with passthrough on: placeholder cells on screen, each cover sent once, the old one deleted on a song change")
    func kittyPlaceholders() async throws {
        let service = try await Self.service()
        defer { service.stop() }
        let pulse = try await PulseAudioServer.startPrivate()
        defer { pulse.kill() }
        let log = try Fixtures.temporaryDirectory("art-ui-pty").appendingPathComponent("pty.log")
        let tmux = try Self.ui(service, pulse: pulse, art: ["--art", "kitty"], record: log, tmuxConfig: "set -g allow-passthrough on\n")
        let started = await tmux.waitFor("3 songs")
        #expect(started.found && !started.screen.contains("allow-passthrough"), "passthrough is on: no hint. \(started.screen)")

        var ids: [UInt32] = []
        for title in ["A Two Colours", "B Green"] {
            if ids.isEmpty { try tmux.send("Enter") } else { try tmux.send("j", "Enter") }
            let screen = await Self.waitForCells(tmux) { screen in
                screen.placeholders.count >= 12 && screen.text.contains(title)
                    && Set(screen.placeholders.map(\.foreground)).count == 1 && !ids.contains { id in screen.placeholders.first?.foreground == .palette(Int(id & 0xFF)) }
            }
            let stream = try Self.kittyCommands(in: log)
            let sent = stream.filter { $0.action == "t" }.map(\.id)
            #expect(sent.count == ids.count + 1, "one transmit per cover: \(stream)")
            guard let id = sent.last else { continue }
            // The cells name the image just sent: its id's low byte is their colour.
            #expect(screen.placeholders.allSatisfy { $0.foreground == .palette(Int(id & 0xFF)) }, "\(id): \(Set(screen.placeholders.map(\.foreground))) \(stream)")
            #expect(stream.contains { $0.action == "p" && $0.id == id && $0.keys.contains("U=1") }, "a virtual placement for \(id)")
            if let previous = ids.last {
                #expect(stream.contains { $0.action == "d" && $0.id == previous }, "the old cover's image is deleted: \(stream)")
            }
            ids.append(id)
        }

        // No cover: the placeholder box, and the terminal is told to let the green cover go.
        try tmux.send("j", "Enter")
        let bare = await Self.waitForCells(tmux) { $0.placeholders.isEmpty && $0.text.contains("♪") }
        #expect(bare.placeholders.isEmpty, "\(bare.text)")
        try await Task.sleep(for: .milliseconds(300))
        let stream = try Self.kittyCommands(in: log)
        #expect(stream.filter { $0.action == "t" }.count == 2, "exactly one transmit per cover: \(stream)")
        #expect(Set(stream.filter { $0.action == "d" }.map(\.id)) == Set(ids), "every image sent is deleted once unseen: \(stream)")
        try tmux.send("q")
    }

    // MARK: Reading the terminal back

    /// One cell as tmux holds it.
    struct Cell: Equatable {
        var x: Int
        var y: Int
        var character: Character
        var foreground: Colour
        var background: Colour
    }

    enum Colour: Hashable, CustomStringConvertible {
        case `default`
        case palette(Int)
        case rgb(Int, Int, Int)

        /// The colour as red, green and blue (xterm's palette for indexed ones).
        var rgb: (r: Int, g: Int, b: Int)? {
            switch self {
            case .default: return nil
            case .rgb(let r, let g, let b): return (r, g, b)
            case .palette(let index) where index >= 232: let grey = 8 + 10 * (index - 232); return (grey, grey, grey)
            case .palette(let index) where index >= 16:
                let levels = [0, 95, 135, 175, 215, 255]
                let cube = index - 16
                return (levels[cube / 36], levels[cube / 6 % 6], levels[cube % 6])
            case .palette: return nil
            }
        }

        var description: String {
            switch self {
            case .default: "default"
            case .palette(let index): "\(index)"
            case .rgb(let r, let g, let b): "#\(r),\(g),\(b)"
            }
        }
    }

    /// The screen of `capture-pane -e`, cell by cell.
    struct Screen {
        var cells: [Cell]
        var text: String
        var height: Int
        var blocks: [Cell] { cells.filter { $0.character == "▀" } }
        var placeholders: [Cell] { cells.filter { $0.character.unicodeScalars.first == "\u{10EEEE}" } }
        /// The colours the cover's cells are drawn in.
        var artColours: Set<Colour> { Set(blocks.flatMap { [$0.foreground, $0.background] }).subtracting([.default]) }

        init(_ styled: String) {
            var cells: [Cell] = []
            let lines = styled.split(separator: "\n", omittingEmptySubsequences: false)
            // tmux carries colours over from one line to the next, writing only changes.
            var (foreground, background) = (Colour.default, Colour.default)
            for (y, line) in lines.enumerated() {
                var x = 0
                var rest = Substring(line)
                while let character = rest.first {
                    if character == "\u{1B}", rest.dropFirst().first == "[", let end = rest.firstIndex(where: { $0.isLetter }) {
                        if rest[end] == "m" {
                            Self.apply(rest[rest.index(rest.startIndex, offsetBy: 2)..<end], &foreground, &background)
                        }
                        rest = rest[rest.index(after: end)...]
                        continue
                    }
                    cells.append(Cell(x: x, y: y, character: character, foreground: foreground, background: background))
                    x += 1
                    rest = rest.dropFirst()
                }
            }
            self.cells = cells
            text = String(styled.split(separator: "\u{1B}").map { $0.drop { $0 != "m" && $0 != "\u{1B}" }.dropFirst() }.joined())
            height = lines.count - (lines.last?.isEmpty == true ? 1 : 0)
        }

        private static func apply(_ parameters: Substring, _ foreground: inout Colour, _ background: inout Colour) {
            let numbers = parameters.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }
            var index = 0
            func colour() -> Colour {
                guard index + 1 < numbers.count else { return .default }
                if numbers[index + 1] == 5, index + 2 < numbers.count {
                    index += 2
                    return .palette(numbers[index])
                }
                if numbers[index + 1] == 2, index + 4 < numbers.count {
                    index += 4
                    return .rgb(numbers[index - 2], numbers[index - 1], numbers[index])
                }
                return .default
            }
            if numbers.isEmpty { (foreground, background) = (.default, .default) }
            while index < numbers.count {
                switch numbers[index] {
                case 0: (foreground, background) = (.default, .default)
                case 38: foreground = colour()
                case 48: background = colour()
                case 39: foreground = .default
                case 49: background = .default
                case 30...37: foreground = .palette(numbers[index] - 30)
                case 40...47: background = .palette(numbers[index] - 40)
                case 90...97: foreground = .palette(numbers[index] - 82)
                case 100...107: background = .palette(numbers[index] - 92)
                default: break
                }
                index += 1
            }
        }
    }

    static func waitForCells(_ tmux: TmuxSession, timeout: Duration = .seconds(10), _ condition: (Screen) -> Bool) async -> Screen {
        let deadline = ContinuousClock.now + timeout
        var screen = Screen(tmux.screen(escapes: true))
        while !condition(screen), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
            screen = Screen(tmux.screen(escapes: true))
        }
        return screen
    }

    static func isRed(_ colour: Colour) -> Bool { colour.rgb.map { $0.r > $0.g + 80 && $0.r > $0.b + 80 } ?? false }
    static func isBlue(_ colour: Colour) -> Bool { colour.rgb.map { $0.b > $0.r + 80 && $0.b > $0.g + 80 } ?? false }
    static func isGreen(_ colour: Colour) -> Bool { colour.rgb.map { $0.g > $0.r + 80 && $0.g > $0.b + 80 } ?? false }

    /// The cover's cells make a rectangle, red in its left half and blue in its right, and no cell
    /// outside it has the cover's colours.
    static func expectTwoColours(_ screen: Screen, where place: String) {
        let blocks = screen.blocks
        guard let left = blocks.map(\.x).min(), let right = blocks.map(\.x).max(), let top = blocks.map(\.y).min(), let bottom = blocks.map(\.y).max()
        else {
            Issue.record("\(place): no cover cells: \(screen.text)")
            return
        }
        #expect(blocks.count == (right - left + 1) * (bottom - top + 1), "\(place): a whole rectangle of ▀")
        let middle = Double(left + right) / 2
        for cell in blocks where abs(Double(cell.x) - middle) > 1 {
            let expected = Double(cell.x) < middle ? isRed : isBlue
            #expect(expected(cell.foreground) && expected(cell.background), "\(place): \(cell.x), \(cell.y) is \(cell.foreground)/\(cell.background)")
        }
        let colours = screen.artColours
        for cell in screen.cells where !(left...right).contains(cell.x) || !(top...bottom).contains(cell.y) {
            if colours.contains(cell.foreground) || colours.contains(cell.background) || cell.character == "▀" {
                Issue.record("\(place): cover colour outside the cover at \(cell.x), \(cell.y): \(cell)")
            }
        }
    }

    /// A kitty graphics command from the recorded stream.
    struct KittyCommand: CustomStringConvertible {
        var action: String
        var id: UInt32
        var keys: String
        var description: String { "\(action):\(id)" }
    }

    /// The kitty commands the UI wrote (unwrapped from tmux's passthrough, where ESC is doubled), the
    /// continuation chunks of a transmit left out.
    static func kittyCommands(in log: URL) throws -> [KittyCommand] {
        let text = String(decoding: try Data(contentsOf: log), as: UTF8.self)
        return text.components(separatedBy: "\u{1B}_G").dropFirst().compactMap { part in
            let keys = String(part.prefix { $0 != ";" && $0 != "\u{1B}" })
            var fields: [String: String] = [:]
            for pair in keys.split(separator: ",") {
                let halves = pair.split(separator: "=", maxSplits: 1)
                if halves.count == 2 { fields[String(halves[0])] = String(halves[1]) }
            }
            guard let id = fields["i"].flatMap({ UInt32($0) }) else { return nil }
            return KittyCommand(action: fields["a"] ?? "t", id: id, keys: keys)
        }
    }
}
