/// Latencies in nanoseconds, counted in fixed logarithmic buckets (HdrHistogram-like): exact
/// below 64 ns, then 32 buckets per power of two (about 3 % wide), so a run of any length costs
/// the same 15 KiB and recording a sample is a few instructions.
struct LatencyHistogram {
    static let linear = 64
    static let subBuckets = 32
    static let bucketCount = linear + 58 * subBuckets

    private(set) var counts = [UInt64](repeating: 0, count: bucketCount)
    private(set) var total: UInt64 = 0
    private(set) var max: UInt64 = 0

    static func index(_ v: UInt64) -> Int {
        if v < UInt64(linear) { return Int(v) }
        let msb = 63 - v.leadingZeroBitCount  // 6...63
        let shift = msb - 5
        let top = Int(truncatingIfNeeded: v >> UInt64(shift))  // 32...63
        return linear + (shift - 1) * subBuckets + (top - subBuckets)
    }

    /// The upper bound of a bucket: a percentile is never reported lower than it was.
    static func upperBound(_ index: Int) -> UInt64 {
        if index < linear { return UInt64(index) }
        let shift = (index - linear) / subBuckets + 1
        let top = UInt64((index - linear) % subBuckets + subBuckets)
        return ((top + 1) << UInt64(shift)) - 1
    }

    mutating func record(_ v: UInt64) {
        counts[Self.index(v)] &+= 1
        total &+= 1
        if v > max { max = v }
    }

    mutating func merge(_ other: LatencyHistogram) {
        for i in 0..<counts.count { counts[i] &+= other.counts[i] }
        total &+= other.total
        if other.max > max { max = other.max }
    }

    /// The value at or below which `fraction` of the samples lie (0 when there are none).
    func percentile(_ fraction: Double) -> UInt64 {
        guard total > 0 else { return 0 }
        let rank = Swift.max(1, UInt64((Double(total) * fraction).rounded(.up)))
        var seen: UInt64 = 0
        for (i, n) in counts.enumerated() where n > 0 {
            seen += n
            if seen >= rank { return Swift.min(Self.upperBound(i), max) }
        }
        return max
    }
}
