/// A size in cells.
public struct CellSize: Sendable, Hashable {
    public var columns: Int
    public var rows: Int

    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }
}

/// What a terminal said back to the detection queries (`ArtChoice.queries`), read from the bytes as they
/// came from the tty: several replies run together, in any order, with anything else in between
/// (a key the person pressed), possibly cut short at the end. A reply cut short counts as not given;
/// parse the whole buffer again when more bytes arrive.
///
/// Only 7-bit replies are read (ESC-introduced, strings ended by `ESC \`): terminals answer in 7 bits
/// unless told otherwise.
public struct TerminalReplies: Sendable, Equatable {
    /// The terminal answered our kitty query (`ESC _ G i=<id>;OK ESC \`): it speaks kitty graphics.
    public var kittyGraphics = false
    /// The message of the reply to our query id, `OK` or an error such as `EINVAL:…`. Any reply means
    /// the terminal parses the protocol, even when it refused the query.
    public var kittyMessage: String?
    /// A cell's size in pixels: the terminal's answer to CSI 16t (`CSI 6;h;w t`), else its text area
    /// (CSI 14t) divided by its size in cells (CSI 18t). Nil when neither was answered with non-zero sizes.
    public var cellPixels: PixelSize?
    /// The text area in pixels (`CSI 4;h;w t`, the reply to CSI 14t).
    public var windowPixels: PixelSize?
    /// The text area in cells (`CSI 8;rows;columns t`, the reply to CSI 18t).
    public var windowCells: CellSize?
    /// The parameters of the primary device attributes (DA1, `CSI ? 62;4;… c`); 4 means sixel.
    public var primaryAttributes: Set<Int> = []
    /// The terminal's name and version (XTVERSION, `DCS > | text ST`): "kitty(0.35.2)", "WezTerm
    /// 20240203-110809-5046fc22", "XTerm(379)", "ghostty 1.1.3"… The first one seen. In tmux the
    /// query goes through passthrough, so this is the outer terminal's (tmux 3.3a forwards the reply;
    /// asked directly, tmux would say "tmux 3.3a").
    public var version: String?
    /// DA1 was answered. Every terminal answers it, in order, so outside tmux nothing else is coming.
    public var sawDeviceAttributes = false
    /// A device status report (`CSI 0 n`) came back: in tmux, the sentinel of the queries sent through
    /// passthrough (tmux answers DA1 itself at once, long before the outer terminal's replies return).
    public var sawStatusReport = false

    public init() {}

    /// Whether DA1 listed sixel graphics (attribute 4).
    public var sixel: Bool { primaryAttributes.contains(4) }

    /// The cell size as reported, else the text area's pixels divided by `columns × rows` (the size
    /// TIOCGWINSZ gives) when the terminal answered CSI 14t but not 16t.
    public func cellPixels(columns: Int, rows: Int) -> PixelSize? {
        if let cellPixels { return cellPixels }
        guard let windowPixels, columns > 0, rows > 0 else { return nil }
        let size = PixelSize(width: windowPixels.width / columns, height: windowPixels.height / rows)
        return size.width > 0 && size.height > 0 ? size : nil
    }

    public static func parse(_ bytes: [UInt8], kittyQueryID: UInt32) -> TerminalReplies {
        var replies = TerminalReplies()
        var reportedCell: PixelSize?
        var parser = ReplyScanner(bytes: bytes)
        while let reply = parser.next() {
            switch reply {
            case .csi(let prefix, let parameters, let final):
                switch (prefix, final) {
                case (UInt8(ascii: "?"), UInt8(ascii: "c")):
                    replies.primaryAttributes.formUnion(parameters.compactMap { $0 })
                    replies.sawDeviceAttributes = true
                case (nil, UInt8(ascii: "t")) where parameters.count >= 3:
                    guard let height = parameters[1], let width = parameters[2], height > 0, width > 0 else { break }
                    switch parameters[0] {
                    case 6?: reportedCell = PixelSize(width: width, height: height)
                    case 4?: replies.windowPixels = PixelSize(width: width, height: height)
                    case 8?: replies.windowCells = CellSize(columns: width, rows: height)
                    default: break
                    }
                case (nil, UInt8(ascii: "n")) where parameters.first == 0 || parameters.first == 3:
                    replies.sawStatusReport = true
                default:
                    break
                }
            case .apc(let body):
                guard body.first == UInt8(ascii: "G") else { break }
                let text = String(decoding: body.dropFirst(), as: UTF8.self)
                let parts = text.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
                let keys = parts.first.map { $0.split(separator: ",") } ?? []
                guard keys.contains(where: { $0 == "i=\(kittyQueryID)" }) else { break }
                let message = parts.count > 1 ? String(parts[1]) : ""
                replies.kittyMessage = message
                replies.kittyGraphics = message == "OK"
            case .dcs(let body):
                guard body.starts(with: [UInt8(ascii: ">"), UInt8(ascii: "|")]) else { break }
                if replies.version == nil {
                    replies.version = String(decoding: body.dropFirst(2), as: UTF8.self)
                }
            }
        }
        replies.cellPixels = reportedCell ?? replies.windowCells.flatMap { replies.cellPixels(columns: $0.columns, rows: $0.rows) }
        return replies
    }
}

/// The control sequences in a byte stream, one at a time. Anything that is not a complete sequence is
/// skipped: plain bytes, lone ESCs, a sequence interrupted by another ESC (as terminals treat it), and
/// whatever is cut short at the end.
struct ReplyScanner {
    enum Reply {
        /// `ESC [ prefix? params final`: the private prefix (`?`, `>`, `<`, `=`) if any, the
        /// parameters split on `;` (nil where one is empty or not a number).
        case csi(prefix: UInt8?, parameters: [Int?], final: UInt8)
        /// `ESC _ body ST`
        case apc([UInt8])
        /// `ESC P body ST`
        case dcs([UInt8])
    }

    private static let escape: UInt8 = 0x1B
    /// How much a single reply may hold: replies to our queries are short, and a stuck string
    /// sequence must not swallow the rest of the buffer forever.
    private static let longestString = 4096

    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func next() -> Reply? {
        while position < bytes.count {
            guard bytes[position] == Self.escape, position + 1 < bytes.count else {
                position += 1
                continue
            }
            let start = position
            let kind = bytes[position + 1]
            position += 2
            switch kind {
            case UInt8(ascii: "["):
                if let reply = csi() { return reply }
            case UInt8(ascii: "_"):
                if let body = string(allowBEL: false) { return .apc(body) }
            case UInt8(ascii: "P"):
                if let body = string(allowBEL: false) { return .dcs(body) }
            case UInt8(ascii: "]"):
                _ = string(allowBEL: true)  // OSC: read past it, nothing here asks for one
            default:
                position = start + 1
            }
        }
        return nil
    }

    /// Reads a CSI after `ESC [`; on anything malformed, leaves `position` at the offending byte.
    private mutating func csi() -> Reply? {
        var prefix: UInt8?
        if position < bytes.count, (0x3C...0x3F).contains(bytes[position]) {
            prefix = bytes[position]
            position += 1
        }
        var parameters: [Int?] = []
        var current: Int?
        var digits = 0
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits += 1
                if digits <= 9 { current = (current ?? 0) * 10 + Int(byte - UInt8(ascii: "0")) }
                position += 1
            case UInt8(ascii: ";"), UInt8(ascii: ":"):
                parameters.append(current)
                current = nil
                digits = 0
                position += 1
            case 0x20...0x2F, 0x3C...0x3F:
                position += 1  // intermediates and stray private markers: not in any reply we read
            case 0x40...0x7E:
                parameters.append(current)
                position += 1
                return .csi(prefix: prefix, parameters: parameters, final: byte)
            default:
                return nil  // ESC or a control: the sequence was interrupted
            }
        }
        return nil
    }

    /// Reads a string sequence's body up to ST (`ESC \`, or BEL where allowed). Nil if it is cut short
    /// or interrupted by another sequence; then `position` is at the interrupting ESC.
    private mutating func string(allowBEL: Bool) -> [UInt8]? {
        let start = position
        while position < bytes.count, position - start <= Self.longestString {
            let byte = bytes[position]
            if byte == Self.escape {
                guard position + 1 < bytes.count else {
                    position = bytes.count
                    return nil
                }
                if bytes[position + 1] == UInt8(ascii: "\\") {
                    let body = Array(bytes[start..<position])
                    position += 2
                    return body
                }
                return nil
            }
            if byte == 0x07 && allowBEL {
                let body = Array(bytes[start..<position])
                position += 1
                return body
            }
            if byte == 0x18 || byte == 0x1A { return nil }  // CAN, SUB: cancelled
            position += 1
        }
        return nil
    }
}
