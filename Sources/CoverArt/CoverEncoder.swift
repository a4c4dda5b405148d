/// Writes pictures as JPEG (TurboJPEG) or PNG (libpng's simplified writer): what the service serves
/// for `GET /media/{key}?size=N`, and what terminals that take a file format are sent.
///
/// Synchronous CPU work, like `CoverDecoder`: off the UI thread, on NIO's thread pool in the service.
public enum CoverEncoder {
    /// A baseline JPEG with 4:2:0 chroma subsampling (`tjCompress2`). `quality` is 1…100 (clamped).
    /// JPEG has no alpha: a picture with transparency is composited over black first.
    public static func jpeg(_ picture: CoverPicture, quality: Int = 85) throws(CoverError) -> [UInt8] {
        try jpeg(pixels: opaque(picture.rgba), width: picture.width, height: picture.height, layout: .rgba, subsampling: .s420, quality: quality)
    }

    /// An 8-bit RGBA PNG (`png_image_write_to_memory`), alpha kept.
    public static func png(_ picture: CoverPicture) throws(CoverError) -> [UInt8] {
        try PNGImage.write(.rgba(picture.rgba), width: picture.width, height: picture.height)
    }

    /// Any layout and subsampling TurboJPEG takes — CMYK input (a YCCK JPEG with an Adobe marker),
    /// grayscale, progressive. The public encoder and the tests use it.
    static func jpeg(
        pixels: [UInt8], width: Int, height: Int, layout: TurboJPEG.PixelLayout,
        subsampling: TurboJPEG.Subsampling, quality: Int, progressive: Bool = false
    ) throws(CoverError) -> [UInt8] {
        let compressor = try TurboJPEG.compressor()
        let result: Result<[UInt8], CoverError> = pixels.withUnsafeBufferPointer { buffer in
            do throws(CoverError) {
                return .success(
                    try compressor.compress(
                        buffer, width: width, height: height, layout: layout,
                        subsampling: subsampling, quality: quality, progressive: progressive
                    )
                )
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// The pixels composited over black (colour × alpha), alpha 255; unchanged when already opaque.
    static func opaque(_ rgba: [UInt8]) -> [UInt8] {
        var index = 3
        var isOpaque = true
        while index < rgba.count {
            if rgba[index] != 255 {
                isOpaque = false
                break
            }
            index += 4
        }
        if isOpaque { return rgba }
        var result = rgba
        result.withUnsafeMutableBufferPointer { pixels in
            var pixel = 0
            while pixel + 3 < pixels.count {
                let alpha = UInt32(pixels[pixel + 3])
                for channel in 0..<3 {
                    pixels[pixel + channel] = UInt8((UInt32(pixels[pixel + channel]) * alpha + 127) / 255)
                }
                pixels[pixel + 3] = 255
                pixel += 4
            }
        }
        return result
    }
}
