/// How a client that lost its server tries again (issue #13): exponential backoff with jitter,
/// `initialMillis` doubling up to `maxMillis`, for as long as it runs. Everything random was
/// drawn by the interpreter when the client started and is recorded with the configuration
/// (`seed`, `session`), so a recorded session replays the same schedule exactly.
public struct ReconnectPolicy: Equatable, Codable, Sendable {
    public static let defaultInitialMillis: Int64 = 1000
    public static let defaultMaxMillis: Int64 = 60_000

    public var initialMillis: Int64
    public var maxMillis: Int64
    /// Seeds the jitter's stream (see `Backoff`).
    public var seed: UInt64
    /// The client's session token: sent once per connection in `Resume`, so the server knows a
    /// resent chat (see `Room+Resume.swift`).
    public var session: UID

    public init(initialMillis: Int64 = defaultInitialMillis, maxMillis: Int64 = defaultMaxMillis,
                seed: UInt64, session: UID) {
        self.initialMillis = max(1, initialMillis)
        self.maxMillis = max(self.initialMillis, maxMillis)
        self.seed = seed
        self.session = session
    }
}

/// The backoff schedule: attempt n (from 1) waits `initial · 2^(n-1)`, capped at `max`, then
/// spread by ±25 % (so clients that lost the same server do not all come back in the same
/// millisecond), never over `max`. Pure: the jitter comes from a SplitMix64 stream of the
/// policy's seed, one draw per attempt.
public struct Backoff: Equatable, Sendable {
    let policy: ReconnectPolicy
    private var draws: SplitMix64

    public init(_ policy: ReconnectPolicy) {
        self.policy = policy
        draws = SplitMix64(seed: policy.seed)
    }

    /// The delay before attempt `attempt`, drawing the next jitter.
    public mutating func delay(attempt: Int) -> Int64 {
        Self.delay(attempt: attempt, policy: policy, draw: draws.next())
    }

    /// The unjittered delay of an attempt: what the schedule doubles.
    public static func base(attempt: Int, policy: ReconnectPolicy) -> Int64 {
        let doublings = min(max(0, attempt - 1), 40)
        let (grown, overflow) = policy.initialMillis.multipliedReportingOverflow(by: Int64(1) << min(doublings, 62))
        return overflow ? policy.maxMillis : min(policy.maxMillis, grown)
    }

    /// `base` spread to [3/4, 5/4] of itself by `draw`, within 1 ms and `maxMillis`.
    public static func delay(attempt: Int, policy: ReconnectPolicy, draw: UInt64) -> Int64 {
        let base = base(attempt: attempt, policy: policy)
        let spread = UInt64(base / 2)
        let jittered = base - base / 4 + Int64(draw % (spread + 1))
        return min(policy.maxMillis, max(1, jittered))
    }
}
