import CoverArt

/// Fitting a picture into a box and averaging its pixels down, shared by half-blocks and sixel.
///
/// TerminalArt does its own box filter rather than calling `CoverPicture.resized(to:)` because the
/// targets here are odd (a cell is two pixels of a different shape) and each needs the averaged colours
/// directly; the work is one pass over the source pixels.
enum Resample {
    /// The largest size with the picture's aspect ratio that fits `boxWidth`×`boxHeight`, in units whose
    /// height is `unitAspect` times their width (1 for square pixels); at least 1×1 for any non-empty box.
    static func fit(width: Int, height: Int, boxWidth: Int, boxHeight: Int, unitAspect: Double) -> (width: Int, height: Int) {
        guard width > 0, height > 0, boxWidth > 0, boxHeight > 0, unitAspect > 0, unitAspect.isFinite else { return (0, 0) }
        // The picture's height in box units if its width filled the box.
        let scaleByWidth = Double(boxWidth) / Double(width)
        let heightAtFullWidth = Double(height) * scaleByWidth / unitAspect
        if heightAtFullWidth <= Double(boxHeight) {
            return (boxWidth, clamp(Int(heightAtFullWidth.rounded()), 1, boxHeight))
        }
        let widthAtFullHeight = Double(width) * Double(boxHeight) * unitAspect / Double(height)
        return (clamp(Int(widthAtFullHeight.rounded()), 1, boxWidth), boxHeight)
    }

    /// Straight-alpha RGBA averaged over each target pixel's share of the source (a box filter, alpha-
    /// weighted so a transparent pixel's colour does not bleed in). Nil when the picture's pixel buffer
    /// is shorter than its size says.
    static func average(_ picture: CoverPicture, toWidth targetWidth: Int, height targetHeight: Int) -> [UInt8]? {
        let width = picture.width, height = picture.height
        guard width > 0, height > 0, targetWidth > 0, targetHeight > 0,
            picture.rgba.count >= width * height * 4
        else { return nil }
        var output = [UInt8](repeating: 0, count: targetWidth * targetHeight * 4)
        picture.rgba.withUnsafeBufferPointer { source in
            for ty in 0..<targetHeight {
                let y0 = ty * height / targetHeight
                let y1 = max(y0 + 1, (ty + 1) * height / targetHeight)
                for tx in 0..<targetWidth {
                    let x0 = tx * width / targetWidth
                    let x1 = max(x0 + 1, (tx + 1) * width / targetWidth)
                    var r = 0, g = 0, b = 0, a = 0, count = 0
                    for y in y0..<min(y1, height) {
                        var offset = (y * width + x0) * 4
                        for _ in x0..<min(x1, width) {
                            let alpha = Int(source[offset + 3])
                            r += Int(source[offset]) * alpha
                            g += Int(source[offset + 1]) * alpha
                            b += Int(source[offset + 2]) * alpha
                            a += alpha
                            count += 1
                            offset += 4
                        }
                    }
                    let out = (ty * targetWidth + tx) * 4
                    if a > 0 {
                        output[out] = UInt8(clamping: (r + a / 2) / a)
                        output[out + 1] = UInt8(clamping: (g + a / 2) / a)
                        output[out + 2] = UInt8(clamping: (b + a / 2) / a)
                        output[out + 3] = UInt8(clamping: (a + count / 2) / max(count, 1))
                    }
                }
            }
        }
        return output
    }

    static func clamp(_ value: Int, _ low: Int, _ high: Int) -> Int { min(max(value, low), high) }
}
