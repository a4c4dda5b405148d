/// Reads covers: JPEG with TurboJPEG, PNG with libpng's simplified API, told apart by their first bytes.
///
/// Every cover is outside input, so nothing is trusted: the file's size is capped, the pixel count is
/// checked from the header before a byte of pixels is allocated or decoded, every buffer size is computed
/// with overflow checks, and whatever the libraries say about damage comes back as a `CoverError`.
///
/// The calls are synchronous and CPU-bound (a few milliseconds for a typical cover, more for a large
/// PNG): run them off the UI thread, and in the service on NIO's thread pool, never on an event loop or
/// Swift concurrency's cooperative threads. They share no state, so any number may run at once.
public enum CoverDecoder {
    /// The most pixels a cover may have: 40 megapixels, e.g. 6,000 × 6,000 (36 MP, larger than any
    /// store's "original" artwork) passes, and a 20,000 × 20,000 image (400 MP, 1.6 GB as RGBA) is
    /// refused from its header. Decoding a full-size PNG at the limit needs 160 MB for a moment; a JPEG
    /// decoded `fitting` a box needs far less, as TurboJPEG reduces it while decoding.
    public static let maximumPixels = 40_000_000

    /// The largest cover file read at all: 32 MiB (real covers are well under 10 MB).
    public static let maximumBytes = 32 << 20

    /// Format and size from the header only — what ingest uses to warn about an unreadable cover. Cheap:
    /// no pixels are decoded. It refuses what `decode` would refuse before decoding: an empty file, one
    /// over `maximumBytes`, one that is neither JPEG nor PNG, a header that cannot be read, a size over
    /// `maximumPixels`, a JPEG kind TurboJPEG cannot convert. Damage further in shows only in `decode`.
    public static func info(_ bytes: [UInt8]) throws(CoverError) -> CoverInfo {
        switch try format(of: bytes) {
        case .jpeg:
            let structure = JPEGStructure(bytes)
            if let reason = structure.unsupportedReason { throw .unsupported(.jpeg, reason: reason) }
            let header: TurboJPEG.Header
            do throws(CoverError) {
                header = try jpegHeader(bytes)
            } catch {
                throw error.noting(structure)
            }
            try checkPixels(width: header.width, height: header.height, format: .jpeg)
            return CoverInfo(format: .jpeg, width: header.width, height: header.height)
        case .png:
            return try withBuffer(bytes) { png throws(CoverError) in
                let image = PNGImage()
                try image.beginReading(png)
                try checkPixels(width: image.width, height: image.height, format: .png)
                return CoverInfo(format: .png, width: image.width, height: image.height)
            }
        }
    }

    /// The cover decoded to RGBA.
    ///
    /// With `fitting`, the result fits in the box with its aspect kept (never enlarged): JPEGs are
    /// reduced while decoding by the largest of TurboJPEG's factors (7/8 … 1/8) that still leaves the
    /// picture at least as large as the box needs, then scaled the rest of the way with an area average;
    /// PNGs are decoded whole and scaled.
    ///
    /// JPEGs: YCbCr, RGB, grayscale, and CMYK or YCCK (converted here: TurboJPEG only gives CMYK for
    /// those; an Adobe APP14 marker means the inks are stored inverted, as Photoshop writes them, and
    /// without one they are taken as plain CMYK). Baseline, progressive and arithmetic-coded.
    ///
    /// A damaged JPEG: TurboJPEG decodes what it can, fills in the rest and reports a warning. The
    /// picture is kept only when the library still produced every pixel *and* the data is complete (the
    /// end-of-image marker is there): stray bytes or a damaged block still show a cover, but a file cut
    /// short — where the library makes up the missing part — is refused as `.corrupt` ("the data ends
    /// before the image does", and the library's message). A damaged CMYK JPEG is refused too (see
    /// `TurboJPEG.decompress` for why).
    public static func decode(_ bytes: [UInt8], fitting box: CoverSize? = nil) throws(CoverError) -> CoverPicture {
        switch try format(of: bytes) {
        case .jpeg: try decodeJPEG(bytes, fitting: box)
        case .png: try decodePNG(bytes, fitting: box)
        }
    }

    // MARK: Checks every cover passes first

    static func format(of bytes: [UInt8]) throws(CoverError) -> CoverFormat {
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= maximumBytes else { throw .tooManyBytes(count: bytes.count, limit: maximumBytes) }
        guard let format = CoverSniffer.format(of: bytes) else {
            throw .unrecognized(looksLike: CoverSniffer.lookalike(of: bytes))
        }
        return format
    }

    /// Refuses a header's size before anything is allocated for its pixels.
    static func checkPixels(width: Int, height: Int, format: CoverFormat) throws(CoverError) {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard width >= 1, height >= 1 else { throw .corrupt(format, message: "the header gives a size of \(width) × \(height)") }
        guard !overflow, pixels <= maximumPixels else {
            throw .tooManyPixels(width: width, height: height, limit: maximumPixels)
        }
    }

    /// Runs `body` over the array's bytes, keeping its typed error.
    private static func withBuffer<T>(
        _ bytes: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) throws(CoverError) -> T
    ) throws(CoverError) -> T {
        let result: Result<T, CoverError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(CoverError) {
                return .success(try body(buffer))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    // MARK: JPEG

    private static func jpegHeader(_ bytes: [UInt8]) throws(CoverError) -> TurboJPEG.Header {
        let decompressor = try TurboJPEG.decompressor()
        return try withBuffer(bytes) { jpeg throws(CoverError) in try decompressor.header(of: jpeg) }
    }

    private static func decodeJPEG(_ bytes: [UInt8], fitting box: CoverSize?) throws(CoverError) -> CoverPicture {
        let structure = JPEGStructure(bytes)
        if let reason = structure.unsupportedReason { throw .unsupported(.jpeg, reason: reason) }
        let decompressor = try TurboJPEG.decompressor()
        let picture = try withBuffer(bytes) { jpeg throws(CoverError) in
            let header: TurboJPEG.Header
            var decoded: TurboJPEG.Decoded
            let size: CoverSize
            do throws(CoverError) {
                header = try decompressor.header(of: jpeg)
                try checkPixels(width: header.width, height: header.height, format: .jpeg)
                size = box.map { decodingSize(width: header.width, height: header.height, fitting: $0) }
                    ?? CoverSize(width: header.width, height: header.height)
                let layout: TurboJPEG.PixelLayout = header.colourSpace.isInk ? .cmyk : .rgba
                decoded = try decompressor.decompress(jpeg, width: size.width, height: size.height, layout: layout)
            } catch {
                throw error.noting(structure)
            }
            if let warning = decoded.warning, !structure.reachesEnd {
                throw CoverError.corrupt(.jpeg, message: warning).noting(structure)
            }
            if header.colourSpace.isInk {
                InkConversion.convertInPlace(&decoded.pixels, inverted: structure.hasAdobeMarker)
            }
            return CoverPicture(validatedWidth: size.width, height: size.height, rgba: decoded.pixels)
        }
        guard let box else { return picture }
        return picture.scaled(toFit: box)
    }

    /// The size to have TurboJPEG decode a `width × height` JPEG at, to then fit in `box`: the smallest
    /// of its scaled sizes that is at least the fitted size on both sides (full size when the box is
    /// not smaller than the picture).
    static func decodingSize(width: Int, height: Int, fitting box: CoverSize) -> CoverSize {
        let target = Fitting.size(of: CoverSize(width: width, height: height), toFit: box, allowUpscale: false)
        var best = CoverSize(width: width, height: height)
        for factor in TurboJPEG.reductions {
            let scaledWidth = TurboJPEG.scaled(width, numerator: factor.numerator, denominator: factor.denominator)
            let scaledHeight = TurboJPEG.scaled(height, numerator: factor.numerator, denominator: factor.denominator)
            if scaledWidth >= target.width, scaledHeight >= target.height, scaledWidth * scaledHeight < best.width * best.height {
                best = CoverSize(width: scaledWidth, height: scaledHeight)
            }
        }
        return best
    }

    // MARK: PNG

    private static func decodePNG(_ bytes: [UInt8], fitting box: CoverSize?) throws(CoverError) -> CoverPicture {
        let picture = try withBuffer(bytes) { png throws(CoverError) in
            let image = PNGImage()
            try image.beginReading(png)
            try checkPixels(width: image.width, height: image.height, format: .png)
            return try image.finishReadingRGBA()
        }
        guard let box else { return picture }
        return picture.scaled(toFit: box)
    }
}

extension CoverError {
    /// A JPEG's damage, said to be the data ending early when the marker walk found no end-of-image marker.
    fileprivate func noting(_ structure: JPEGStructure) -> CoverError {
        guard case .corrupt(.jpeg, let message) = self, !structure.reachesEnd else { return self }
        return .corrupt(.jpeg, message: "the data ends before the image does (\(message))")
    }
}

/// CMYK to RGB, for CMYK and YCCK JPEGs (TurboJPEG gives their pixels as CMYK only). Without a colour
/// profile this is the usual naive conversion, R = (1 − C)(1 − K) and so on, which is what browsers show
/// for an untagged CMYK JPEG. Adobe's JPEGs store each ink inverted (255 = no ink), so for them
/// R = C′ × K′ / 255 directly.
enum InkConversion {
    /// Rewrites CMYK pixels (4 bytes each) as opaque RGBA in the same buffer.
    static func convertInPlace(_ pixels: inout [UInt8], inverted: Bool) {
        pixels.withUnsafeMutableBufferPointer { buffer in
            var index = 0
            while index + 3 < buffer.count {
                var cyan = UInt32(buffer[index])
                var magenta = UInt32(buffer[index + 1])
                var yellow = UInt32(buffer[index + 2])
                var key = UInt32(buffer[index + 3])
                if !inverted {
                    cyan = 255 - cyan
                    magenta = 255 - magenta
                    yellow = 255 - yellow
                    key = 255 - key
                }
                buffer[index] = UInt8((cyan * key + 127) / 255)
                buffer[index + 1] = UInt8((magenta * key + 127) / 255)
                buffer[index + 2] = UInt8((yellow * key + 127) / 255)
                buffer[index + 3] = 255
                index += 4
            }
        }
    }
}
