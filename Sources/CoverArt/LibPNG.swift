internal import CPNG

/// libpng's simplified API (`png_image`), the only part of libpng used: it reports errors in the
/// `png_image`'s message instead of through setjmp/longjmp, which Swift cannot take part in.
///
/// libpng keeps the `png_image`'s address (as its error pointer) between `begin_read` and
/// `finish_read`, so the structure lives in memory of its own, never in a Swift variable that may move;
/// `png_image_free` runs when this object goes away, on every path.
///
/// Blocking CPU work: callers keep it off the UI thread and off NIO's event loops.
final class PNGImage {
    private let image: UnsafeMutablePointer<png_image>

    init() {
        image = .allocate(capacity: 1)
        image.initialize(to: png_image())
        image.pointee.version = UInt32(PNG_IMAGE_VERSION)
    }

    deinit {
        png_image_free(image)
        image.deinitialize(count: 1)
        image.deallocate()
    }

    var width: Int { Int(image.pointee.width) }
    var height: Int { Int(image.pointee.height) }

    /// libpng's last error or warning, e.g. "IDAT: incorrect data check".
    private var message: String {
        withUnsafeBytes(of: &image.pointee.message) { bytes in
            let text = String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
            return text.isEmpty ? "libpng error" : text
        }
    }

    // MARK: Reading

    /// Reads the signature and every chunk up to the image data (`png_image_begin_read_from_memory`):
    /// after this, `width` and `height` are known and nothing has been decoded. `png` must stay valid
    /// and unchanged until `finishReadingRGBA` has returned.
    func beginReading(_ png: UnsafeBufferPointer<UInt8>) throws(CoverError) {
        guard png_image_begin_read_from_memory(image, png.baseAddress, png.count) != 0 else {
            throw .corrupt(.png, message: message)
        }
    }

    /// Decodes every pixel as 8-bit sRGB RGBA, not premultiplied (`png_image_finish_read` with
    /// `PNG_FORMAT_RGBA`): palette, grey, 16-bit and interlaced PNGs all come out this way.
    func finishReadingRGBA() throws(CoverError) -> CoverPicture {
        let width = self.width
        let height = self.height
        guard let byteCount = CoverPicture.byteCount(width: width, height: height), let stride = Int32(exactly: width * 4) else {
            throw .tooManyPixels(width: width, height: height, limit: CoverDecoder.maximumPixels)
        }
        image.pointee.format = tp_png_format_rgba()
        var succeeded = false
        let rgba = [UInt8](unsafeUninitializedCapacity: byteCount) { buffer, initialized in
            succeeded = png_image_finish_read(image, nil, buffer.baseAddress, stride, nil) != 0
            initialized = succeeded ? byteCount : 0
        }
        guard succeeded else { throw .corrupt(.png, message: message) }
        return CoverPicture(validatedWidth: width, height: height, rgba: rgba)
    }

    // MARK: Writing

    /// The pixel layouts the writer takes. `linearRGB` is 16-bit linear light (`PNG_FORMAT_LINEAR_RGB`),
    /// written as a 16-bit PNG; `palette` is one byte per pixel indexing `colours` (RGB triples),
    /// written as a palette PNG.
    enum Pixels {
        case rgba([UInt8])
        case rgb([UInt8])
        case gray([UInt8])
        case linearRGB([UInt16])
        case palette(indices: [UInt8], colours: [UInt8])
    }

    /// PNG bytes (`png_image_write_to_memory`). The output buffer starts at a guess and, when libpng says
    /// it needs more, is grown once to exactly what it asked for.
    static func write(_ pixels: Pixels, width: Int, height: Int) throws(CoverError) -> [UInt8] {
        let format: UInt32
        let channels: Int
        let sampleCount: Int
        var colourCount = 0
        switch pixels {
        case .rgba(let samples): (format, channels, sampleCount) = (tp_png_format_rgba(), 4, samples.count)
        case .rgb(let samples): (format, channels, sampleCount) = (tp_png_format_rgb(), 3, samples.count)
        case .gray(let samples): (format, channels, sampleCount) = (tp_png_format_gray(), 1, samples.count)
        case .linearRGB(let samples): (format, channels, sampleCount) = (tp_png_format_linear_rgb(), 3, samples.count)
        case .palette(let indices, let colours):
            (format, channels, sampleCount) = (tp_png_format_rgb_colormap(), 1, indices.count)
            colourCount = colours.count / 3
            guard colours.count % 3 == 0, (1...256).contains(colourCount), indices.allSatisfy({ Int($0) < colourCount }) else {
                throw .library(operation: "png_image_write_to_memory", message: "a palette needs 1 to 256 RGB colours, and indices within it")
            }
        }
        guard width >= 1, height >= 1, let expected = CoverPicture.byteCount(width: width, height: height, bytesPerPixel: channels),
            expected == sampleCount, let stride = Int32(exactly: width * channels),
            let width32 = UInt32(exactly: width), let height32 = UInt32(exactly: height)
        else {
            throw .invalidPicture(width: width, height: height, byteCount: sampleCount)
        }
        let writer = PNGImage()
        writer.image.pointee.width = width32
        writer.image.pointee.height = height32
        writer.image.pointee.format = format
        writer.image.pointee.colormap_entries = UInt32(colourCount)

        func attempt(capacity: Int) throws(CoverError) -> (bytes: [UInt8], needed: Int) {
            var size = capacity
            var succeeded = false
            let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                switch pixels {
                case .rgba(let samples), .rgb(let samples), .gray(let samples):
                    succeeded = samples.withUnsafeBytes { source in
                        png_image_write_to_memory(writer.image, buffer.baseAddress, &size, 0, source.baseAddress, stride, nil) != 0
                    }
                case .linearRGB(let samples):
                    succeeded = samples.withUnsafeBytes { source in
                        png_image_write_to_memory(writer.image, buffer.baseAddress, &size, 0, source.baseAddress, stride, nil) != 0
                    }
                case .palette(let indices, let colours):
                    succeeded = indices.withUnsafeBytes { source in
                        colours.withUnsafeBytes { map in
                            png_image_write_to_memory(writer.image, buffer.baseAddress, &size, 0, source.baseAddress, stride, map.baseAddress) != 0
                        }
                    }
                }
                initialized = succeeded ? min(size, capacity) : 0
            }
            if succeeded { return (bytes, size) }
            // Failure with a larger size means only that the buffer was too small.
            guard size > capacity else { throw .library(operation: "png_image_write_to_memory", message: writer.message) }
            return ([], size)
        }

        let bytesPerSample = if case .linearRGB = pixels { 2 } else { 1 }
        let guess = sampleCount / 2 * bytesPerSample + 1024
        let first = try attempt(capacity: guess)
        if first.needed <= guess { return first.bytes }
        let second = try attempt(capacity: first.needed)
        guard second.needed <= first.needed else {
            throw .library(operation: "png_image_write_to_memory", message: "libpng asked for \(first.needed) bytes, then more")
        }
        return second.bytes
    }
}
