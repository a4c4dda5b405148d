import Foundation

/// `$XDG_CONFIG_HOME/termplayer/` (else `~/.config/termplayer/`): `config` with `server = URL`, and
/// `keys`, a keymap file (see `Keymap.reading`).
struct UserConfig {
    var folder: URL
    /// The service to use when neither --server nor TERMPLAYER_SERVER says.
    var server: String?
    /// Cover art (`art = auto|kitty|iterm|sixel|blocks|off`) when neither --art nor TERMPLAYER_ART says.
    var art: String?
    /// The offline song cache's limit in bytes (`offline-cache = 2G`, `500M`…; `off` or 0: keep none).
    var offlineCacheBytes: Int?
    /// A Subsonic server's password (`password = …`) or API key (`api-key = …`), for a `subsonic+` server.
    var password: String?
    var apiKey: String?

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
            case "password": config.password = value.isEmpty ? nil : value
            case "api-key": config.apiKey = value.isEmpty ? nil : value
            case "offline-cache":
                guard let bytes = Self.size(value) else {
                    throw CommandFailure(message: "\(file.path), line \(number + 1): offline-cache is a size like 2G or 500M, or off, not \(value)")
                }
                config.offlineCacheBytes = bytes
            default:
                throw CommandFailure(message: "\(file.path), line \(number + 1): unknown setting \(name) (known: server, art, offline-cache, password, api-key)")
            }
        }
        return config
    }

    /// "2G", "2GB", "2GiB", "500M", "1048576" (bytes), "off"; units are powers of 1024.
    static func size(_ text: String) -> Int? {
        var digits = Substring(text.lowercased().replacingOccurrences(of: " ", with: ""))
        if digits == "off" { return 0 }
        if digits.hasSuffix("ib") { digits = digits.dropLast(2) } else if digits.hasSuffix("b") { digits = digits.dropLast() }
        let units: [Character: Double] = ["k": 0x1p10, "m": 0x1p20, "g": 0x1p30, "t": 0x1p40]
        var unit = 1.0
        if let last = digits.last, let scale = units[last] {
            unit = scale
            digits = digits.dropLast()
        }
        guard let number = Double(digits), number >= 0, number * unit < 0x1p60 else { return nil }
        return Int(number * unit)
    }

    var keymapFile: URL { folder.appendingPathComponent("keys") }
}
