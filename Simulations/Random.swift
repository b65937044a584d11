/// The simulator's only source of randomness: SplitMix64 (Steele, Lea and Flood, 2014).
/// One 64-bit seed fixes the whole run. It is our own code, not the standard library's
/// generator, so a seed means the same run on every platform and every toolchain.
/// Probabilities are integer ratios: no floating point, nothing that rounds differently.
struct SimRandom {
    private(set) var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<n`, without modulo bias (Lemire's multiply-shift with rejection).
    mutating func below(_ n: Int) -> Int {
        precondition(n > 0, "below(\(n))")
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    mutating func int(in range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.count) }

    /// True with probability `numerator / denominator`.
    mutating func chance(_ numerator: Int, in denominator: Int) -> Bool { below(denominator) < numerator }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// An index chosen with integer weights (a weight of 0 is never chosen).
    mutating func weighted(_ weights: [Int]) -> Int {
        let total = weights.reduce(0, +)
        precondition(total > 0, "weighted: all weights are zero")
        var r = below(total)
        for (i, w) in weights.enumerated() {
            if r < w { return i }
            r -= w
        }
        return weights.count - 1
    }

    /// The seeds of a run of `count` sessions starting from `base`: a SplitMix64 stream, so
    /// neighbouring bases do not give overlapping sessions.
    static func seeds(from base: UInt64, count: Int) -> [UInt64] {
        var r = SimRandom(seed: base)
        return (0..<count).map { _ in r.next() }
    }
}
