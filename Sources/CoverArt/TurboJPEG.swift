internal import CTurboJPEG

/// Owns one TurboJPEG instance (compressor or decompressor). Every call into libturbojpeg goes through
/// here, so its return codes become `CoverError`s in one place, and `tjDestroy` runs whenever the
/// handle goes away — on every error path too.
///
/// Blocking CPU work: callers keep it off the UI thread and off NIO's event loops.
final class TurboJPEG {
    private let raw: UnsafeMutableRawPointer

    private init(_ raw: UnsafeMutableRawPointer) {
        self.raw = raw
    }

    static func decompressor() throws(CoverError) -> TurboJPEG {
        guard let handle = tjInitDecompress() else {
            throw .library(operation: "tjInitDecompress", message: globalMessage)
        }
        return TurboJPEG(handle)
    }

    static func compressor() throws(CoverError) -> TurboJPEG {
        guard let handle = tjInitCompress() else {
            throw .library(operation: "tjInitCompress", message: globalMessage)
        }
        return TurboJPEG(handle)
    }

    deinit {
        tjDestroy(raw)
    }

    /// The handle's last message, e.g. "Premature end of JPEG file".
    private var message: String {
        guard let text = tjGetErrorStr2(raw) else { return "TurboJPEG error" }
        return String(cString: text)
    }

    /// The last message of a call made without a handle (`tjInitDecompress` failing).
    private static var globalMessage: String {
        guard let text = tjGetErrorStr2(nil) else { return "TurboJPEG error" }
        return String(cString: text)
    }

    /// Whether TurboJPEG calls the last failure a warning. In libjpeg-turbo 2.1 that stays true once any
    /// warning was given, even when a fatal error came after it, so it does not prove the call finished.
    private var lastFailureWasWarning: Bool {
        tjGetErrorCode(raw) == Int32(TJERR_WARNING.rawValue)
    }

    // MARK: Decompressing

    struct Header: Equatable {
        var width: Int
        var height: Int
        var colourSpace: ColourSpace
    }

    enum ColourSpace: Equatable {
        case rgb, yCbCr, gray, cmyk, ycck

        init?(_ value: Int32) {
            switch value {
            case Int32(TJCS_RGB.rawValue): self = .rgb
            case Int32(TJCS_YCbCr.rawValue): self = .yCbCr
            case Int32(TJCS_GRAY.rawValue): self = .gray
            case Int32(TJCS_CMYK.rawValue): self = .cmyk
            case Int32(TJCS_YCCK.rawValue): self = .ycck
            default: return nil
            }
        }

        /// CMYK and YCCK JPEGs can only be decompressed to CMYK pixels.
        var isInk: Bool { self == .cmyk || self == .ycck }
    }

    /// Size and colour space from the JPEG's header (`tjDecompressHeader3`); no pixel is decoded.
    /// A warning while reading the header (stray bytes before a marker) is no reason to refuse it.
    func header(of jpeg: UnsafeBufferPointer<UInt8>) throws(CoverError) -> Header {
        var width: Int32 = 0
        var height: Int32 = 0
        var subsampling: Int32 = -1
        var colourSpace: Int32 = -1
        let result = tjDecompressHeader3(raw, jpeg.baseAddress, UInt(jpeg.count), &width, &height, &subsampling, &colourSpace)
        guard result == 0 || lastFailureWasWarning else { throw .corrupt(.jpeg, message: message) }
        guard width > 0, height > 0 else { throw .corrupt(.jpeg, message: result == 0 ? "no image size in the header" : message) }
        guard let space = ColourSpace(colourSpace) else {
            throw .unsupported(.jpeg, reason: "colour space \(colourSpace), which TurboJPEG cannot convert")
        }
        return Header(width: Int(width), height: Int(height), colourSpace: space)
    }

    /// The reductions TurboJPEG can make while decoding (7/8, 3/4, … 1/8), as (numerator, denominator).
    static var reductions: [(numerator: Int, denominator: Int)] {
        var count: Int32 = 0
        guard let factors = tjGetScalingFactors(&count), count > 0 else { return [(1, 1)] }
        let all = UnsafeBufferPointer(start: factors, count: Int(count)).map { (numerator: Int($0.num), denominator: Int($0.denom)) }
        return all.filter { $0.numerator > 0 && $0.denominator > 0 && $0.numerator <= $0.denominator }
    }

    /// TurboJPEG's `TJSCALED`: a side's length after scaling by `numerator / denominator`, rounded up.
    static func scaled(_ side: Int, numerator: Int, denominator: Int) -> Int {
        (side * numerator + denominator - 1) / denominator
    }

    /// The pixels TurboJPEG can produce.
    enum PixelLayout {
        case rgba, cmyk, gray

        var format: Int32 {
            switch self {
            case .rgba: Int32(TJPF_RGBA.rawValue)
            case .cmyk: Int32(TJPF_CMYK.rawValue)
            case .gray: Int32(TJPF_GRAY.rawValue)
            }
        }

        var bytesPerPixel: Int {
            switch self {
            case .rgba, .cmyk: 4
            case .gray: 1
            }
        }
    }

    /// What `tjDecompress2` produced: every pixel of a `width × height` image, and the warning the
    /// library gave on the way, if it gave one (damaged data was decoded as well as it could be, or
    /// missing data made up).
    struct Decoded {
        var pixels: [UInt8]
        var warning: String?
    }

    /// Decodes into `width × height` pixels, which must be one of TurboJPEG's scaled sizes of the
    /// image (`scaled(_:numerator:denominator:)` of both sides). Progressive JPEGs with an absurd
    /// number of scans are refused (`TJFLAG_LIMITSCANS`) rather than decoded for minutes.
    ///
    /// A warning is accepted only when TurboJPEG still produced the whole image. That has to be checked,
    /// not assumed: after a warning, `tjGetErrorCode` reports `TJERR_WARNING` even when a fatal error
    /// followed and stopped decoding half-way. So RGBA output starts with alpha 0 everywhere, and is
    /// kept only if TurboJPEG set every pixel's alpha to 255. CMYK output has no spare channel to tell
    /// by, so a CMYK decode with a warning is refused.
    func decompress(_ jpeg: UnsafeBufferPointer<UInt8>, width: Int, height: Int, layout: PixelLayout) throws(CoverError) -> Decoded {
        guard let byteCount = CoverPicture.byteCount(width: width, height: height, bytesPerPixel: layout.bytesPerPixel),
            let pitch = Int32(exactly: width * layout.bytesPerPixel), let width32 = Int32(exactly: width), let height32 = Int32(exactly: height)
        else {
            throw .tooManyPixels(width: width, height: height, limit: CoverDecoder.maximumPixels)
        }
        var pixels = [UInt8](repeating: 0, count: byteCount)
        let result = pixels.withUnsafeMutableBufferPointer { buffer in
            tjDecompress2(raw, jpeg.baseAddress, UInt(jpeg.count), buffer.baseAddress, width32, pitch, height32, layout.format, TJFLAG_LIMITSCANS)
        }
        if result == 0 { return Decoded(pixels: pixels, warning: nil) }
        guard lastFailureWasWarning, layout == .rgba, Self.everyPixelIsOpaque(pixels) else {
            throw .corrupt(.jpeg, message: message)
        }
        return Decoded(pixels: pixels, warning: message)
    }

    /// Whether every alpha byte of RGBA pixels is 255.
    private static func everyPixelIsOpaque(_ rgba: [UInt8]) -> Bool {
        rgba.withUnsafeBufferPointer { pixels in
            var index = 3
            while index < pixels.count {
                if pixels[index] != 255 { return false }
                index += 4
            }
            return true
        }
    }

    // MARK: Compressing

    enum Subsampling {
        case s444, s420, gray

        var value: Int32 {
            switch self {
            case .s444: Int32(TJSAMP_444.rawValue)
            case .s420: Int32(TJSAMP_420.rawValue)
            case .gray: Int32(TJSAMP_GRAY.rawValue)
            }
        }
    }

    /// JPEG bytes from `width × height` pixels laid out as `layout` (`tjCompress2`). CMYK input makes a
    /// YCCK JPEG with an Adobe marker; `.gray` subsampling makes a grayscale JPEG.
    func compress(
        _ pixels: UnsafeBufferPointer<UInt8>, width: Int, height: Int, layout: PixelLayout,
        subsampling: Subsampling, quality: Int, progressive: Bool = false
    ) throws(CoverError) -> [UInt8] {
        guard let byteCount = CoverPicture.byteCount(width: width, height: height, bytesPerPixel: layout.bytesPerPixel),
            byteCount == pixels.count, width >= 1, height >= 1
        else {
            throw .invalidPicture(width: width, height: height, byteCount: pixels.count)
        }
        guard let width32 = Int32(exactly: width), let height32 = Int32(exactly: height),
            let pitch = Int32(exactly: width * layout.bytesPerPixel)
        else {
            throw .library(operation: "tjCompress2", message: "\(width) × \(height) is too large for a JPEG")
        }
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        defer { if let output { tjFree(output) } }
        let flags = progressive ? TJFLAG_PROGRESSIVE : 0
        let quality = Int32(min(max(quality, 1), 100))
        let result = tjCompress2(
            raw, pixels.baseAddress, width32, pitch, height32, layout.format,
            &output, &size, subsampling.value, quality, flags
        )
        guard result == 0, let output, let count = Int(exactly: size) else {
            throw .library(operation: "tjCompress2", message: message)
        }
        return Array(UnsafeBufferPointer(start: output, count: count))
    }
}
