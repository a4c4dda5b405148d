/// Why a cover could not be read, scaled or written, with the C library's own words where it had some.
public enum CoverError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file has no bytes at all.
    case empty
    /// The bytes are neither JPEG nor PNG; `looksLike` names what they seem to be ("a GIF image",
    /// "text: \"Not Found\"", "unknown data starting 00 11 22 33").
    case unrecognized(looksLike: String)
    /// The file is larger than `CoverDecoder.maximumBytes`; refused before it is looked at.
    case tooManyBytes(count: Int, limit: Int)
    /// The header announces more than `CoverDecoder.maximumPixels` pixels; refused before decoding.
    case tooManyPixels(width: Int, height: Int, limit: Int)
    /// The library could not read the image: damaged or cut short. `message` is the library's
    /// (TurboJPEG's `tjGetErrorStr2`, libpng's `png_image.message`).
    case corrupt(CoverFormat, message: String)
    /// A well-formed image of a kind the libraries cannot turn into RGB (12-bit or lossless JPEG,
    /// an unusual number of colour components).
    case unsupported(CoverFormat, reason: String)
    /// `CoverPicture(width:height:rgba:)` was given a size and a buffer that do not match.
    case invalidPicture(width: Int, height: Int, byteCount: Int)
    /// A library call failed for a reason that is not the image's fault (no memory for a handle, an
    /// encoder refusing its input); `operation` is the C function.
    case library(operation: String, message: String)

    public var description: String {
        switch self {
        case .empty:
            "the cover is an empty file"
        case .unrecognized(let looksLike):
            "the cover is not a JPEG or PNG: it looks like \(looksLike)"
        case .tooManyBytes(let count, let limit):
            "the cover is \(count) bytes, more than the \(limit) allowed"
        case .tooManyPixels(let width, let height, let limit):
            "the cover is \(width) × \(height) pixels, more than the \(limit) pixels allowed"
        case .corrupt(let format, let message):
            "the \(format) cover is damaged: \(message)"
        case .unsupported(let format, let reason):
            "the \(format) cover cannot be shown: \(reason)"
        case .invalidPicture(let width, let height, let byteCount):
            "a \(width) × \(height) RGBA picture cannot be made from \(byteCount) bytes"
        case .library(let operation, let message):
            "\(operation) failed: \(message)"
        }
    }
}
