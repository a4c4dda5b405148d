#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// xoshiro256** seeded through SplitMix64: the lab's only source of randomness, so a seed always gives
/// the same catalog, listeners and plays on every machine. Draws go through the methods below rather
/// than the standard library's `random(in:using:)`, whose algorithms may change between Swift versions.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var mix = seed
        func splitMix() -> UInt64 {
            mix &+= 0x9E37_79B9_7F4A_7C15
            var z = mix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// A generator for one part of the work (`stream`), independent of how much the others drew.
    public init(seed: UInt64, stream: UInt64) {
        self.init(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03) &+ stream)
    }

    public mutating func next() -> UInt64 {
        let result = ((state.1 &* 5) << 7 | (state.1 &* 5) >> 57) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = state.3 << 45 | state.3 >> 19
        return result
    }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * uniform()
    }

    /// Uniform in 0..<bound (bound > 0); the tiny modulo bias does not matter here.
    public mutating func int(below bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next() % UInt64(bound))
    }

    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + int(below: range.upperBound - range.lowerBound + 1)
    }

    public mutating func chance(_ probability: Double) -> Bool {
        uniform() < probability
    }

    /// Standard normal (Box–Muller).
    public mutating func normal() -> Double {
        let u = max(uniform(), 1e-300)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * uniform())
    }

    public mutating func exponential(mean: Double) -> Double {
        -mean * log(max(1 - uniform(), 1e-300))
    }

    /// An index drawn in proportion to `weights` (cumulative sums, ascending, last one the total).
    public mutating func pick(cumulative weights: [Double]) -> Int {
        guard let total = weights.last, total > 0 else { return 0 }
        let target = uniform() * total
        var low = 0, high = weights.count - 1
        while low < high {
            let middle = (low + high) / 2
            if weights[middle] > target { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// An index drawn in proportion to `weights` (not cumulative), for short lists.
    public mutating func pick(weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        guard total > 0 else { return 0 }
        var target = uniform() * total
        for (index, weight) in weights.enumerated() {
            target -= weight
            if target < 0 { return index }
        }
        return weights.count - 1
    }

    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for index in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(index, int(below: index + 1))
        }
    }
}
