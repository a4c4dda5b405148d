#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An sRGB colour, 8 bits a channel.
public struct RGB: Sendable, Hashable, CustomStringConvertible {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(r: UInt8, g: UInt8, b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    public var description: String { "(\(r),\(g),\(b))" }

    /// The nearest colour of xterm's 256-colour palette, chosen from the 6×6×6 cube (16–231) and the grey
    /// ramp (232–255) by distance in Oklab, where equal steps look equal: a plain RGB distance sends dark
    /// blues and mid greys to visibly wrong neighbours. The 16 system colours (0–15) are never chosen:
    /// every theme repaints them.
    public func nearestXterm256() -> UInt8 {
        XtermPalette.nearest(to: self)
    }

    /// Colour `index` of xterm's default 256-colour palette, for indexes 16–255 (the cube and the greys);
    /// nil for the theme-dependent 0–15.
    public static func xterm256(_ index: UInt8) -> RGB? {
        XtermPalette.color(index)
    }
}

/// xterm's palette above the 16 system colours, and nearest-colour lookup in Oklab.
enum XtermPalette {
    /// The cube's six levels per channel.
    static let levels: [UInt8] = [0, 95, 135, 175, 215, 255]

    static func color(_ index: UInt8) -> RGB? {
        switch index {
        case 16...231:
            let n = Int(index) - 16
            return RGB(r: levels[n / 36], g: levels[(n / 6) % 6], b: levels[n % 6])
        case 232...255:
            let level = UInt8(8 + 10 * (Int(index) - 232))
            return RGB(r: level, g: level, b: level)
        default:
            return nil
        }
    }

    /// Indexes 16…255 with their Oklab coordinates, computed once.
    static let entries: [(index: UInt8, lab: Oklab)] = (16...255).compactMap { raw in
        let index = UInt8(raw)
        return color(index).map { (index, Oklab($0)) }
    }

    static func nearest(to color: RGB) -> UInt8 {
        let target = Oklab(color)
        var best: UInt8 = 16
        var bestDistance = Double.infinity
        for entry in entries {
            let d = entry.lab.distanceSquared(to: target)
            if d < bestDistance {
                bestDistance = d
                best = entry.index
            }
        }
        return best
    }
}

/// Björn Ottosson's Oklab: a perceptual colour space in which Euclidean distance tracks how different two
/// colours look.
struct Oklab {
    var l: Double
    var a: Double
    var b: Double

    init(_ color: RGB) {
        let r = Oklab.linear(color.r), g = Oklab.linear(color.g), bl = Oklab.linear(color.b)
        let lms0 = cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * bl)
        let lms1 = cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * bl)
        let lms2 = cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * bl)
        l = 0.2104542553 * lms0 + 0.7936177850 * lms1 - 0.0040720468 * lms2
        a = 1.9779984951 * lms0 - 2.4285922050 * lms1 + 0.4505937099 * lms2
        b = 0.0259040371 * lms0 + 0.7827717662 * lms1 - 0.8086757660 * lms2
    }

    func distanceSquared(to other: Oklab) -> Double {
        let dl = l - other.l, da = a - other.a, db = b - other.b
        return dl * dl + da * da + db * db
    }

    /// sRGB's transfer curve undone: 0…255 to linear light 0…1.
    static func linear(_ channel: UInt8) -> Double {
        let c = Double(channel) / 255
        return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
    }
}
