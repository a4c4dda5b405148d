/// Kitty's graphics protocol (https://sw.kovidgoyal.net/kitty/graphics-protocol/): the escape
/// sequences, as strings ready to write. Every command but `query` carries `q=2`, so the terminal never
/// answers into ncurses' input.
///
/// The flow TermPlayer uses: `transmit` a cover once under an id, then either `virtualPlacement` +
/// `placeholderRows` drawn by ncurses (placeholders), or `place` after each frame (direct); `delete` the
/// id when the cover changes. Inside tmux, wrap each string with `TmuxPassthrough.wrap`.
public enum KittyGraphics {
    /// The payload bytes of one chunk: kitty's limit, and a multiple of 4 so every chunk is whole base64.
    public static let chunkSize = 4096

    /// The most rows or columns a placeholder image can span: one per diacritic in kitty's table (297).
    public static var maximumPlaceholderSpan: Int { KittyDiacritics.scalars.count }

    /// The placeholder character, U+10EEEE from a private-use plane.
    public static let placeholder: Unicode.Scalar = "\u{10EEEE}"

    /// A PNG stored under `id` without showing it (`a=t,f=100`), base64 in chunks of at most 4096
    /// bytes: `m=1` on all but the last, which has `m=0`. Each string is one complete sequence; write
    /// (and wrap for tmux) them in order, nothing else in between.
    public static func transmit(id: UInt32, png: [UInt8]) -> [String] {
        let payload = Base64.encode(png)
        var chunks: [String] = []
        var start = 0
        repeat {
            let end = min(start + chunkSize, payload.count)
            let more = end < payload.count
            let keys = start == 0 ? "a=t,q=2,f=100,i=\(id),m=\(more ? 1 : 0)" : "q=2,m=\(more ? 1 : 0)"
            chunks.append(command(keys, payload: String(decoding: payload[start..<end], as: UTF8.self)))
            start = end
        } while start < payload.count
        return chunks
    }

    /// Shows image `id` at the cursor over `columns × rows` cells (`a=p`), scaled to fit; placing the
    /// same `placement` again moves it instead of adding a copy. `C=1` leaves the cursor where it was.
    /// For terminals without placeholders, outside tmux.
    public static func place(id: UInt32, placement: UInt32, columns: Int, rows: Int) -> String {
        command("a=p,i=\(id),p=\(placement),c=\(max(columns, 1)),r=\(max(rows, 1)),C=1,q=2")
    }

    /// A virtual placement of image `id` over `columns × rows` cells (`a=p,U=1`): invisible by itself,
    /// it is what the placeholder cells of `placeholderRows` show. Send it again with the new size after
    /// a resize; nothing needs deleting.
    public static func virtualPlacement(id: UInt32, columns: Int, rows: Int) -> String {
        command("a=p,U=1,i=\(id),c=\(clampSpan(columns)),r=\(clampSpan(rows)),q=2")
    }

    /// The text of a placeholder image: `rows` strings of `columns` characters, each U+10EEEE followed by
    /// the diacritics for its row and column (and, for an id above 2²⁴−1, one for the id's top byte).
    /// Draw them in the colour `placeholderColor(id:)` gives; the terminal shows the image in their
    /// place. Spans are clamped to 1…297, the size of kitty's diacritic table.
    public static func placeholderRows(id: UInt32, columns: Int, rows: Int) -> [String] {
        let marks = KittyDiacritics.scalars
        let columns = clampSpan(columns), rows = clampSpan(rows)
        let topByte = Int(id >> 24)
        return (0..<rows).map { row in
            var scalars = String.UnicodeScalarView()
            for column in 0..<columns {
                scalars.append(placeholder)
                scalars.append(marks[row])
                scalars.append(marks[column])
                if topByte != 0 { scalars.append(marks[topByte]) }
            }
            return String(scalars)
        }
    }

    /// The foreground colour that carries an image id in placeholder cells.
    public struct PlaceholderColor: Sendable, Hashable {
        /// The 256-colour form (`38;5;N`): the id's low byte. Nil when bits 8–23 of the id are set, which
        /// only the 24-bit form can carry; ids from `placeholderID(serial:)` always fit.
        public let index256: UInt8?
        /// The 24-bit form (`38;2;R;G;B`): the id's low three bytes.
        public let rgb: RGB
    }

    /// The id's colour in both forms. The top byte travels in a third diacritic (see `placeholderRows`).
    public static func placeholderColor(id: UInt32) -> PlaceholderColor {
        let rgb = RGB(r: UInt8(truncatingIfNeeded: id >> 16), g: UInt8(truncatingIfNeeded: id >> 8), b: UInt8(truncatingIfNeeded: id))
        return PlaceholderColor(index256: id & 0x00FF_FF00 == 0 ? UInt8(truncatingIfNeeded: id) : nil, rgb: rgb)
    }

    /// An image id for the `serial`th cover that both colour forms carry: low byte 16…255 (skipping the
    /// 16 system colours, which terminals and tmux may rewrite) and the top byte counting up, the middle
    /// bytes zero. 61,440 distinct ids before they repeat.
    public static func placeholderID(serial: UInt32) -> UInt32 {
        let low = 16 + serial % 240
        let high = (serial / 240) % 256
        return high << 24 | low
    }

    /// Deletes image `id` and all its placements, freeing its data (`a=d,d=I`).
    public static func delete(id: UInt32) -> String {
        command("a=d,d=I,i=\(id),q=2")
    }

    /// The detection query: a 1×1 RGB image with `a=q`, which a terminal speaking the protocol answers
    /// with `ESC _ G i=<id>;OK ESC \` without storing anything. Follow it with DA1: a terminal that
    /// answers DA1 but not this does not speak the protocol.
    public static func query(id: UInt32) -> String {
        command("i=\(id),s=1,v=1,a=q,t=d,f=24", payload: "AAAA")
    }

    static func command(_ keys: String, payload: String? = nil) -> String {
        "\u{1B}_G" + keys + (payload.map { ";" + $0 } ?? "") + "\u{1B}\\"
    }

    static func clampSpan(_ span: Int) -> Int { min(max(span, 1), KittyDiacritics.scalars.count) }
}
