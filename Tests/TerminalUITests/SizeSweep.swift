import TerminalUI

/// The sizes the sweeps render: every width at the heights where some layout changes, and every height
/// at the widths where one does (thresholds, one either side, the extremes). Every row and column of
/// the 200 × 60 grid is crossed, at a tenth of the cost of all 12,000 sizes, which on two cores starved
/// the timing-sensitive tests running beside them.
enum SizeSweep {
    static let sizes: [(width: Int, height: Int)] = {
        let heights = [1, 7, 8, 24, 29, ArtLayout.minimumHeight, ArtLayout.minimumHeight + 1, 60]
        let widths = [1, 17, 18, 39, 40, 80, 99, ArtLayout.minimumWidth, ArtLayout.minimumWidth + 1, 200]
        var sizes = heights.flatMap { height in (1...200).map { (width: $0, height: height) } }
        sizes += widths.flatMap { width in (1...60).map { (width: width, height: $0) } }
        return sizes
    }()

    /// The sweep in `count` slices, so the slices run as separate test cases.
    static func slice(_ slice: Int, of count: Int) -> [(index: Int, width: Int, height: Int)] {
        sizes.enumerated().filter { $0.offset % count == slice }.map { (index: $0.offset, width: $0.element.width, height: $0.element.height) }
    }
}
