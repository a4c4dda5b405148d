extension CoverPicture {
    /// This picture scaled, aspect kept, to the largest size that fits in `box`: an area average (a box
    /// filter, each output pixel the mean of the source area it covers — good for photos and exact for
    /// flat colours). A picture that already fits is returned as it is unless `allowUpscale` is set.
    ///
    /// Sides under 1 count as 1, and no result has more than `CoverDecoder.maximumPixels` pixels.
    /// Alpha is respected: colours are averaged weighted by their opacity, so transparent pixels
    /// do not darken their neighbours. CPU work proportional to the source: keep it off the UI thread.
    public func scaled(toFit box: CoverSize, allowUpscale: Bool = false) -> CoverPicture {
        resampled(to: Fitting.size(of: size, toFit: box, allowUpscale: allowUpscale))
    }

    /// This picture at exactly `size` (for terminals that need an exact grid of cells); the aspect is the
    /// caller's business. Averages like `scaled(toFit:)` when shrinking; when enlarging, each output
    /// pixel takes the source pixels it overlaps. Sides under 1 count as 1, and a size of more than
    /// `CoverDecoder.maximumPixels` pixels is reduced, aspect kept, to fit within that.
    public func resized(to size: CoverSize) -> CoverPicture {
        resampled(to: Fitting.capped(Fitting.clamped(size)))
    }

    private func resampled(to target: CoverSize) -> CoverPicture {
        target == size ? self : BoxFilter.resample(self, to: target)
    }
}

/// The arithmetic of sizes, safe for any `Int`s a caller (or a URL's `?size=`) may pass.
enum Fitting {
    /// Sides are kept within 1...2³⁰, so products of two sides cannot overflow.
    static let largestSide = 1 << 30

    static func clamped(_ size: CoverSize) -> CoverSize {
        CoverSize(width: min(max(size.width, 1), largestSide), height: min(max(size.height, 1), largestSide))
    }

    /// The largest size with `source`'s aspect that fits in `box` (sides rounded to the nearest pixel).
    static func size(of source: CoverSize, toFit box: CoverSize, allowUpscale: Bool) -> CoverSize {
        let source = clamped(source)
        let box = clamped(box)
        if !allowUpscale, source.width <= box.width, source.height <= box.height { return source }
        let fitted: CoverSize
        if source.width * box.height >= source.height * box.width {
            // The width is what limits: the full box width, the height in proportion.
            let height = (2 * source.height * box.width + source.width) / (2 * source.width)
            fitted = CoverSize(width: box.width, height: min(max(height, 1), box.height))
        } else {
            let width = (2 * source.width * box.height + source.height) / (2 * source.height)
            fitted = CoverSize(width: min(max(width, 1), box.width), height: box.height)
        }
        return capped(fitted)
    }

    /// `size` reduced, aspect kept as well as whole pixels allow, to at most `CoverDecoder.maximumPixels`.
    static func capped(_ size: CoverSize) -> CoverSize {
        let size = clamped(size)
        let limit = CoverDecoder.maximumPixels
        guard size.width * size.height > limit else { return size }
        let factor = (Double(limit) / (Double(size.width) * Double(size.height))).squareRoot()
        var width = max(1, Int(Double(size.width) * factor))
        var height = max(1, Int(Double(size.height) * factor))
        if width * height > limit { height = max(1, limit / width) }
        if width * height > limit { width = max(1, limit / height) }
        return CoverSize(width: width, height: height)
    }
}

/// Area-averaging resampling, separable: each output row is the weighted sum of the source rows it
/// covers, each of those filtered horizontally first. Works on premultiplied colour in `Float`, with
/// memory for two filtered rows only, whatever the sizes.
enum BoxFilter {
    /// For each output index along one axis, the source indices it covers and the share of each.
    struct Taps {
        var first: [Int] = []
        var offset: [Int] = []
        var count: [Int] = []
        var weights: [Float] = []

        init(source: Int, destination: Int) {
            let scale = Double(source) / Double(destination)
            for output in 0..<destination {
                let low = Double(output) * scale
                let high = min(Double(output + 1) * scale, Double(source))
                let firstIndex = min(Int(low), source - 1)
                let lastIndex = max(firstIndex, min(Int(high.rounded(.up)) - 1, source - 1))
                var shares: [Double] = []
                for index in firstIndex...lastIndex {
                    shares.append(max(0, min(high, Double(index + 1)) - max(low, Double(index))))
                }
                let total = shares.reduce(0, +)
                first.append(firstIndex)
                offset.append(weights.count)
                count.append(shares.count)
                weights.append(contentsOf: shares.map { Float(total > 0 ? $0 / total : 1 / Double(shares.count)) })
            }
        }
    }

    static func resample(_ picture: CoverPicture, to target: CoverSize) -> CoverPicture {
        let sourceWidth = picture.width
        let sourceHeight = picture.height
        let width = target.width
        let height = target.height
        let across = Taps(source: sourceWidth, destination: width)
        let down = Taps(source: sourceHeight, destination: height)

        // Two filtered source rows, premultiplied: (r·a, g·a, b·a, a) per output column.
        var rows = [[Float]](repeating: [Float](repeating: 0, count: width * 4), count: 2)
        var rowSource = [-1, -1]
        var nextSlot = 0
        var sum = [Float](repeating: 0, count: width * 4)
        var output = [UInt8](repeating: 0, count: width * height * 4)

        picture.rgba.withUnsafeBufferPointer { source in
            func filteredRow(_ sourceRow: Int) -> Int {
                if rowSource[0] == sourceRow { return 0 }
                if rowSource[1] == sourceRow { return 1 }
                let slot = nextSlot
                nextSlot = 1 - nextSlot
                rowSource[slot] = sourceRow
                rows[slot].withUnsafeMutableBufferPointer { row in
                    let base = sourceRow * sourceWidth * 4
                    for column in 0..<width {
                        var red: Float = 0, green: Float = 0, blue: Float = 0, alpha: Float = 0
                        let offset = across.offset[column]
                        var pixel = base + across.first[column] * 4
                        for tap in 0..<across.count[column] {
                            let weight = across.weights[offset + tap]
                            let opacity = Float(source[pixel + 3]) * weight
                            red += Float(source[pixel]) * opacity
                            green += Float(source[pixel + 1]) * opacity
                            blue += Float(source[pixel + 2]) * opacity
                            alpha += opacity
                            pixel += 4
                        }
                        row[column * 4] = red
                        row[column * 4 + 1] = green
                        row[column * 4 + 2] = blue
                        row[column * 4 + 3] = alpha
                    }
                }
                return slot
            }

            for outputRow in 0..<height {
                for index in sum.indices { sum[index] = 0 }
                let offset = down.offset[outputRow]
                for tap in 0..<down.count[outputRow] {
                    let weight = down.weights[offset + tap]
                    let slot = filteredRow(down.first[outputRow] + tap)
                    rows[slot].withUnsafeBufferPointer { row in
                        for index in 0..<(width * 4) { sum[index] += row[index] * weight }
                    }
                }
                output.withUnsafeMutableBufferPointer { out in
                    var pixel = outputRow * width * 4
                    for column in 0..<width {
                        let alpha = sum[column * 4 + 3]
                        if alpha > 0 {
                            out[pixel] = channel(sum[column * 4] / alpha)
                            out[pixel + 1] = channel(sum[column * 4 + 1] / alpha)
                            out[pixel + 2] = channel(sum[column * 4 + 2] / alpha)
                        }
                        out[pixel + 3] = channel(alpha)
                        pixel += 4
                    }
                }
            }
        }
        return CoverPicture(validatedWidth: width, height: height, rgba: output)
    }

    private static func channel(_ value: Float) -> UInt8 {
        UInt8(min(max(value.rounded(), 0), 255))
    }
}
