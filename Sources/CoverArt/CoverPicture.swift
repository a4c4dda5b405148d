/// A decoded picture: 8-bit RGBA, row-major from the top-left corner, no padding between rows.
///
/// Colour is not premultiplied by alpha. JPEGs always decode opaque (alpha 255); PNGs keep their alpha.
public struct CoverPicture: Sendable, Equatable, CustomStringConvertible {
    public let width: Int
    public let height: Int
    /// `width × height × 4` bytes: red, green, blue, alpha for each pixel in turn.
    public let rgba: [UInt8]

    /// A picture from pixels made elsewhere. Throws `CoverError.invalidPicture` unless both sides are at
    /// least 1 and `rgba` holds exactly `width × height × 4` bytes.
    public init(width: Int, height: Int, rgba: [UInt8]) throws(CoverError) {
        guard width >= 1, height >= 1, let expected = Self.byteCount(width: width, height: height), expected == rgba.count else {
            throw .invalidPicture(width: width, height: height, byteCount: rgba.count)
        }
        self.init(validatedWidth: width, height: height, rgba: rgba)
    }

    /// For pixels this module made itself, whose size it has already checked.
    init(validatedWidth width: Int, height: Int, rgba: [UInt8]) {
        self.width = width
        self.height = height
        self.rgba = rgba
    }

    /// The picture's size.
    public var size: CoverSize { CoverSize(width: width, height: height) }

    /// "a 600 × 600 RGBA picture": the size, not the megabytes of pixels, for logs and test failures.
    public var description: String { "a \(width) × \(height) RGBA picture" }

    /// `width × height × bytesPerPixel`, or nil when that overflows or a side is negative.
    static func byteCount(width: Int, height: Int, bytesPerPixel: Int = 4) -> Int? {
        guard width >= 0, height >= 0 else { return nil }
        let (pixels, pixelsOverflow) = width.multipliedReportingOverflow(by: height)
        let (bytes, bytesOverflow) = pixels.multipliedReportingOverflow(by: bytesPerPixel)
        return pixelsOverflow || bytesOverflow ? nil : bytes
    }
}

/// A width and a height in pixels: a box to fit a picture in, or an exact size.
public struct CoverSize: Sendable, Hashable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// A square box, as in `GET /media/{key}?size=N`.
    public init(square side: Int) {
        self.init(width: side, height: side)
    }

    public var description: String { "\(width) × \(height)" }
}

/// The two formats covers come in. Told apart by their first bytes, never by a file's name.
public enum CoverFormat: String, Sendable, Hashable, CustomStringConvertible {
    case jpeg
    case png

    /// The media type to serve it with.
    public var mediaType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        }
    }

    public var description: String {
        switch self {
        case .jpeg: "JPEG"
        case .png: "PNG"
        }
    }
}

/// What a cover's header says, learned without decoding its pixels.
public struct CoverInfo: Sendable, Equatable {
    public var format: CoverFormat
    public var width: Int
    public var height: Int

    public init(format: CoverFormat, width: Int, height: Int) {
        self.format = format
        self.width = width
        self.height = height
    }
}
