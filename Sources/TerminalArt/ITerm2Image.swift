/// iTerm2's inline images (https://iterm2.com/documentation-images.html), which WezTerm also speaks:
/// the file itself (PNG or JPEG, the terminal decodes it), base64 in one OSC 1337 sequence.
public enum ITerm2Image {
    /// `ESC ] 1337 ; File=inline=1;size=…;width=N;height=N;preserveAspectRatio=1[;name=…] : BASE64 BEL`.
    ///
    /// `width` and `height` are in cells (a bare number means cells in this protocol; `px` and `%` are
    /// the other units), and the picture keeps its shape inside that box. `name` is sent base64-encoded,
    /// as the protocol wants. Ends with BEL, which every implementation accepts; ST would do as well.
    /// Send the cover already scaled (a few hundred KB at most): the whole file is one sequence, and
    /// tmux drops sequences over 1 MiB.
    public static func inline(_ file: [UInt8], columns: Int, rows: Int, name: String? = nil) -> String {
        var arguments = "inline=1;size=\(file.count);width=\(max(columns, 1));height=\(max(rows, 1));preserveAspectRatio=1"
        if let name { arguments += ";name=" + Base64.encodeString(Array(name.utf8)) }
        return "\u{1B}]1337;File=" + arguments + ":" + Base64.encodeString(file) + "\u{07}"
    }
}
