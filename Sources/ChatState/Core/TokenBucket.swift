/// A token bucket in integers: it holds at most `burst` tokens and gains `rate` of them every
/// `periodMillis`. The level is kept in 1/`periodMillis` of a token, so a refill after any
/// number of milliseconds is exact and a replay gives the same verdicts. Time is a parameter:
/// the bucket has no clock.
public struct TokenBucket: Equatable, Sendable {
    public let burst: Int
    public let rate: Int
    public let periodMillis: Int
    /// In units of 1/periodMillis token.
    private var level: Int64
    private var updated: Int64

    /// A full bucket at `now`. `burst`, `rate` and `periodMillis` are at least 1.
    public init(burst: Int, rate: Int, periodMillis: Int, now: Int64) {
        precondition(burst >= 1 && rate >= 1 && periodMillis >= 1)
        self.burst = burst
        self.rate = rate
        self.periodMillis = periodMillis
        level = Int64(burst) * Int64(periodMillis)
        updated = now
    }

    private var capacity: Int64 { Int64(burst) * Int64(periodMillis) }
    private var unit: Int64 { Int64(periodMillis) }

    private mutating func refill(_ now: Int64) {
        // A clock that went back (a hand-made log) refills nothing; it never drains either.
        guard now > updated else { return }
        // Capped first, so days of idleness cannot overflow the product.
        let elapsed = min(now - updated, capacity / Int64(rate) + 1)
        level = min(capacity, level + elapsed * Int64(rate))
        updated = now
    }

    /// Takes a token if there is one: nil. Otherwise the milliseconds until there is one.
    public mutating func take(at now: Int64) -> Int64? {
        refill(now)
        if level >= unit {
            level -= unit
            return nil
        }
        let missing = unit - level
        return (missing + Int64(rate) - 1) / Int64(rate)
    }

    /// Whole tokens available at `now`.
    public func tokens(at now: Int64) -> Int {
        var copy = self
        copy.refill(now)
        return Int(copy.level / unit)
    }

    /// Full again at `now`: the same as a fresh bucket, so it need not be kept.
    public func isFull(at now: Int64) -> Bool {
        var copy = self
        copy.refill(now)
        return copy.level == capacity
    }
}
