/// Plain-text tables for listings, sized by terminal cell width (CJK counts two, combining marks none).
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []
    /// Columns wider than this are cut with an ellipsis.
    var maximumColumnWidth = 40

    func render() -> String {
        let widths = headers.indices.map { column in
            min(maximumColumnWidth, ([headers] + rows).map { DisplayWidth.of($0[column]) }.max() ?? 0)
        }
        return ([headers] + rows).map { row in
            zip(row, widths).enumerated().map { index, cell in
                let text = DisplayWidth.truncate(cell.0, to: cell.1)
                return index == row.count - 1 ? text : DisplayWidth.pad(text, to: cell.1)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

/// How many terminal cells text takes.
enum DisplayWidth {
    static func of(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + of($1) }
    }

    static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        case .control: return 0
        default: break
        }
        if (0xFE00...0xFE0F).contains(value) { return 0 }  // variation selectors
        let wide: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
            0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
        ]
        return wide.contains { $0.contains(value) } ? 2 : 1
    }

    /// Cuts `text` to at most `width` cells, ending in "…" when something was cut.
    static func truncate(_ text: String, to width: Int) -> String {
        guard of(text) > width else { return text }
        guard width > 0 else { return "" }
        var result = ""
        var used = 0
        for character in text {
            let cells = of(String(character))
            if used + cells > width - 1 { break }
            result.append(character)
            used += cells
        }
        return result + "…"
    }

    static func pad(_ text: String, to width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - of(text)))
    }
}
