import Foundation

/// `$XDG_CONFIG_HOME/termplayer/` (else `~/.config/termplayer/`): `config` with `server = URL`, and
/// `keys`, a keymap file (see `Keymap.reading`).
struct UserConfig {
    var folder: URL
    /// The service to use when neither --server nor TERMPLAYER_SERVER says.
    var server: String?
    /// Cover art (`art = auto|kitty|iterm|sixel|blocks|off`) when neither --art nor TERMPLAYER_ART says.
    var art: String?

    static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws(CommandFailure) -> UserConfig {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".config")
        var config = UserConfig(folder: base.appendingPathComponent("termplayer"))
        let file = config.folder.appendingPathComponent("config")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return config }
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw CommandFailure(message: "\(file.path), line \(number + 1): expected `name = value`")
            }
            let name = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            let value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                .trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            switch name {
            case "server": config.server = value.isEmpty ? nil : value
            case "art": config.art = value.isEmpty ? nil : value
            default: throw CommandFailure(message: "\(file.path), line \(number + 1): unknown setting \(name) (known: server, art)")
            }
        }
        return config
    }

    var keymapFile: URL { folder.appendingPathComponent("keys") }
}
