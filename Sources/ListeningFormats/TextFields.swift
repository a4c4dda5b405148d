/// Cleaning of the free text other programs write: playlist fields and listens alike.
enum TextFields {
    /// Titles, artists, albums, names and descriptions are cut to this many characters.
    static let maximumLength = 1_000

    /// `text` without leading and trailing white space (Unicode's, so an ideographic space goes too).
    static func trimmed<Text: StringProtocol>(_ text: Text) -> Text.SubSequence {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }) else { return text[text.endIndex...] }
        let last = text[first...].lastIndex(where: { !$0.isWhitespace }) ?? first
        return text[first...last]
    }

    /// Trimmed and cut to `limit` characters; nil when nothing is left, so "" and "  " read as absent.
    static func field(_ text: some StringProtocol, limit: Int = maximumLength) -> String? {
        let trimmed = trimmed(text)
        guard !trimmed.isEmpty else { return nil }
        return String(trimmed.prefix(limit))
    }
}
