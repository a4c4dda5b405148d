import Foundation

/// The form of a piece of text that sorting and searching compare: case and accents folded away, so
/// "Beyoncé" sorts beside "beyonce" and `?q=beyonce` finds it. Server and TUI fold the same way.
public enum SearchKey {
    public static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
    }
}
