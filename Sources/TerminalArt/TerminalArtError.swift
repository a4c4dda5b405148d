/// A size in pixels: a terminal cell's, or its text area's.
public struct PixelSize: Sendable, Hashable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public var description: String { "\(width)×\(height) px" }
}

/// Why a cover could not be encoded for the terminal. The caller falls back to half-blocks.
public enum TerminalArtError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The box (cells, or cell pixels) is empty, or the picture has no pixels or fewer bytes than its
    /// size says.
    case invalidGeometry(String)
    /// The box in pixels is larger than the encoders accept (`SixelImage.maximumSide` on a side).
    case tooLarge(width: Int, height: Int)
    /// libchafa returned nothing where it should have returned a canvas or a string.
    case chafa(String)

    public var description: String {
        switch self {
        case .invalidGeometry(let what): "cannot draw the cover: \(what)"
        case .tooLarge(let width, let height): "cannot draw the cover: \(width)×\(height) pixels is more than a sixel image may be here"
        case .chafa(let what): "libchafa failed: \(what)"
        }
    }
}
