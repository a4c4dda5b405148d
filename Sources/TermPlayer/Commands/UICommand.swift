import APIClient
import ArgumentParser
import CurlTransfer
import Foundation
import LibraryCache
import LibraryServer
import OSThreads
import PlayerCore
import SongCache
import SystemPackage
import TerminalArt
import TerminalUI

/// Bare `termplayer`: the terminal UI.
struct UICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "The terminal UI (what `termplayer` with no command opens).",
        discussion: """
            Uses --server URL, else TERMPLAYER_SERVER, else `server = URL` in $XDG_CONFIG_HOME/termplayer/config; \
            with none of these it runs the library service inside itself over the local library (--library), \
            and offers the demo songs when that is empty. Keys can be rebound in $XDG_CONFIG_HOME/termplayer/keys, \
            one `KEY COMMAND` per line; `?` in the UI lists the keys and the command names.
            """
    )

    @Option(help: ArgumentHelp("The library service's URL.", valueName: "url"))
    var server: String?

    @Option(help: ArgumentHelp("The local library, when no service is configured (default: the standard library folder).", valueName: "dir"))
    var library: String?

    @Option(
        help: ArgumentHelp(
            "Cover art: auto, kitty, iterm, sixel, blocks or off (default: TERMPLAYER_ART, else `art = …` in the config file, else auto).",
            valueName: "mode"))
    var art: String?

    func run() async throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw CommandFailure(message: "the terminal UI needs a terminal; in scripts, use `termplayer play`, `songs` or `genres`")
        }
        SystemMemory.mapLargeAllocations()
        let config = try UserConfig.load()
        let (keymap, keymapProblem) = Self.loadKeymap(config.keymapFile)
        var embedded: EmbeddedService?
        let source: any MusicSource
        let folder = LocalLibrary(root: library.map { FilePath($0) } ?? LocalLibrary.defaultRoot())
        if let configured = server ?? ServiceLocation.environmentServer ?? config.server {
            // As the listener commands do: a login for that server, else this machine's own token; or a
            // Subsonic server with its password.
            source = try await MusicSourceChoice.source(server: configured, given: nil, library: folder, config: config)
        } else {
            let service = try await EmbeddedService.start(library: folder)
            embedded = service
            source = LibraryClient(server: service.url, token: service.token)
        }
        defer { embedded?.stop() }
        let cacheKey = Self.cacheKey(source: source, embedded: embedded != nil, library: folder)
        let cache = try Self.openCache(cacheKey)

        let environment = ProcessInfo.processInfo.environment
        let artText = art ?? environment["TERMPLAYER_ART"].flatMap { $0.isEmpty ? nil : $0 } ?? config.art ?? "auto"
        guard let artSetting = ArtSetting(parsing: artText) else {
            throw CommandFailure(message: "cover art is auto, kitty, iterm, sixel, blocks or off, not \(artText)")
        }
        // The terminal is asked what it can show before ncurses takes it over.
        let probe = TerminalProbe.ask(setting: artSetting, environment: environment)

        let inbox = ActionInbox()
        let songFolder = config.offlineCacheBytes == 0 ? nil : LibraryCache.defaultDirectory().appendingPathComponent(cacheKey.songFolderName).path
        let (keeper, keeperProblem) = await SongKeeper.open(
            directory: songFolder, limitBytes: config.offlineCacheBytes ?? SongCache.defaultLimitBytes, library: cache, inbox: inbox)
        let screen: CursesScreen
        do {
            screen = try CursesScreen()
        } catch {
            throw CommandFailure(message: error.description)
        }
        var state = AppState(
            width: screen.width, height: screen.height,
            serverName: embedded == nil ? source.label : "local library", keymap: keymap)
        state.message = keymapProblem ?? keeperProblem
        state.offline = keeper.initial
        if Self.terminalLacksSymbols { state.glyphs = .ascii }
        let colors = screen.colorMode == .full ? 256 : screen.colorMode == .eight ? 8 : 0
        var choice = ArtChoice.choose(
            setting: artSetting, replies: probe.replies, environment: environment, colors: colors, isTTY: true,
            tmuxPassthrough: probe.tmuxPassthrough)
        // Half-blocks are colours; without 256 of them they would be noise.
        if choice.mode == .blocks, screen.colorMode != .full { choice.mode = .off }
        let cellPixels = probe.replies?.cellPixels(columns: screen.width, rows: screen.height)
        let cellAspect = cellPixels.map { Double($0.height) / Double(max(1, $0.width)) } ?? 2
        let artStart = UILoop.ArtStart(
            mode: choice.mode, cellAspect: cellAspect, cellPixels: cellPixels, hint: choice.hint, inTmux: ArtChoice.inTmux(environment))
        let player = Player(output: .pulse, session: CurlSession(name: "tp-stream"), onChange: { inbox.wake() }, locate: keeper.locate)
        let loop = UILoop(screen: screen, state: state, source: source, player: player, inbox: inbox, embedded: embedded, art: artStart, cache: cache, keeper: keeper)
        // ncurses belongs to one thread of our own, never to Swift concurrency's pool.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            OSThread.detach(name: "tp-ui") {
                loop.run()
                done.resume()
            }
        }
        player.shutdown(timeout: .milliseconds(500))
    }

    /// Whose library the cache holds: the embedded service's by its folder (its port changes every run),
    /// a Subsonic server's by its URL and user, another by its URL; the listener by the login sent, else
    /// by the token (a hash of it), else the local or anonymous listener.
    static func cacheKey(source: any MusicSource, embedded: Bool, library: LocalLibrary) -> CacheKey {
        if embedded { return CacheKey(service: "local:\(library.root)", listener: "local") }
        if let subsonic = source as? SubsonicClient {
            return CacheKey(service: "subsonic:\(subsonic.address.base)", listener: "user:\(subsonic.address.user)")
        }
        return cacheKey(server: source.label, library: library)
    }

    static func cacheKey(server: String, library: LocalLibrary) -> CacheKey {
        let listener: String =
            switch try? ServiceLocation.token(for: .listener, server: server, given: nil, library: library) {
            case (_, .login(let login))?: "login:\(login.name)"
            case (_, .libraryFile)?: "local"
            case (let token, _)?: "token:\(CacheKey.fingerprint(token))"
            case nil: "anonymous"
            }
        return CacheKey(service: server, listener: listener)
    }

    /// The cache under `$XDG_CACHE_HOME/termplayer`; in memory when that cannot be written (the UI works
    /// as before, and this run's changes still wait in order for an outage to end).
    static func openCache(_ key: CacheKey) throws(CommandFailure) -> LibraryCache {
        do {
            return try LibraryCache(directory: LibraryCache.defaultDirectory(), key: key)
        } catch {
            do {
                return try LibraryCache.inMemory(key: key)
            } catch let inMemory {
                throw CommandFailure(message: "\(error); and even an in-memory cache failed: \(inMemory)")
            }
        }
    }

    /// Terminals of the VT100 family draw ASCII only: hearts and stars become `+` and `*` there.
    private static var terminalLacksSymbols: Bool {
        if let forced = ProcessInfo.processInfo.environment["TERMPLAYER_ASCII"], !forced.isEmpty { return forced != "0" }
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        return term == "dumb" || term.hasPrefix("vt")
    }

    /// The user's keymap file over the standard keys; a broken file is reported in the UI, not fatal.
    private static func loadKeymap(_ file: URL) -> (Keymap, StatusMessage?) {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return (.standard, nil) }
        do {
            return (try Keymap.reading(text), nil)
        } catch {
            return (.standard, StatusMessage("\(file.path), \(error) — using the standard keys", isError: true))
        }
    }
}
