/// tmux's passthrough envelope: `ESC P tmux; <sequence with every ESC doubled> ESC \`. tmux 3.3 hands
/// what is inside to the outer terminal, but only when the pane's `allow-passthrough` option is on
/// (off by default; `ArtChoice` deals with that).
///
/// Wrap each sequence on its own (each kitty chunk, say), never a whole frame: tmux drops any single
/// sequence over 1 MiB, and a sequence the outer terminal does not know stays harmless.
public enum TmuxPassthrough {
    public static let prefix = "\u{1B}Ptmux;"
    public static let suffix = "\u{1B}\\"

    public static func wrap(_ sequence: String) -> String {
        var body = String.UnicodeScalarView()
        for scalar in sequence.unicodeScalars {
            body.append(scalar)
            if scalar == "\u{1B}" { body.append(scalar) }
        }
        return prefix + String(body) + suffix
    }

    /// `sequence` wrapped when `inTmux`, else as it is: the one-liner every writer of art wants.
    public static func wrap(_ sequence: String, if inTmux: Bool) -> String {
        inTmux ? wrap(sequence) : sequence
    }
}
