/// SplitMix64 (Steele, Lea and Flood, 2014): a stream of 64-bit numbers that a seed fixes
/// entirely. The core draws no chance of its own; it is given a seed (drawn by the
/// interpreter and recorded) and follows it, so a recording replays the same numbers.
public struct SplitMix64: Equatable, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
