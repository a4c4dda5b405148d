public import CoverArt

/// The covers tests make: a two-colour one whose halves tell whether a picture arrived whole, unmirrored
/// and unscaled out of shape.
public enum TestCovers {
    public typealias RGB = (red: UInt8, green: UInt8, blue: UInt8)
    public static let red: RGB = (200, 30, 30)
    public static let blue: RGB = (30, 30, 200)

    /// Left half red (200, 30, 30), right half blue (30, 30, 200).
    public static func twoColour(width: Int = 64, height: Int = 64) throws -> CoverPicture {
        var rgba: [UInt8] = []
        rgba.reserveCapacity(width * height * 4)
        for _ in 0..<height {
            for x in 0..<width {
                let color = x < width / 2 ? red : blue
                rgba += [color.red, color.green, color.blue, 255]
            }
        }
        return try CoverPicture(width: width, height: height, rgba: rgba)
    }

    /// The two-colour cover as a JPEG, as a bundle carries it.
    public static func twoColourJPEG(width: Int = 600, height: Int = 300) throws -> [UInt8] {
        try CoverEncoder.jpeg(try twoColour(width: width, height: height), quality: 90)
    }
}
