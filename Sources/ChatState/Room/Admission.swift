/// Who may connect, counted per source address (ergo's connection limits and throttle): at
/// most `perAddress` connections open at once, at most `unjoinedPerAddress` of them not yet
/// joined, and new ones admitted from a bucket of `connectBurst` that refills by
/// `connectsPerMinute`. One address holding sockets that never join can then fill its own
/// quota, never the server. Time is a parameter; the room passes the time of its latest event.
public struct Admission: Sendable {
    /// What is limited, and how much (every number has a flag; see the README's Limits).
    public struct Policy: Equatable, Codable, Sendable {
        /// Connections open at once per address, joined or not; 0: no limit.
        public var perAddress: Int
        /// Of those, connections that have not joined yet; 0: no limit.
        public var unjoinedPerAddress: Int
        /// New connections per address admitted in a row; 0: no throttle.
        public var connectBurst: Int
        /// New connections per address and minute after the burst.
        public var connectsPerMinute: Int
        /// Addresses never counted: this machine's own programs (a bench, a TLS terminator, a
        /// proxy in front of the server) all connect from these. The rest of 127.0.0.0/8 is
        /// counted like any other address.
        public var exempt: [String]

        public static let defaultPerAddress = 16
        public static let defaultUnjoinedPerAddress = 8
        public static let defaultConnectBurst = 16
        public static let defaultConnectsPerMinute = 4
        public static let defaultExempt = ["127.0.0.1", "::1"]

        public init(perAddress: Int = defaultPerAddress, unjoinedPerAddress: Int = defaultUnjoinedPerAddress,
                    connectBurst: Int = defaultConnectBurst, connectsPerMinute: Int = defaultConnectsPerMinute,
                    exempt: [String] = defaultExempt) {
            self.perAddress = perAddress
            self.unjoinedPerAddress = unjoinedPerAddress
            self.connectBurst = connectBurst
            self.connectsPerMinute = connectsPerMinute
            self.exempt = exempt
        }

        /// Nothing is limited.
        public static let off = Policy(perAddress: 0, unjoinedPerAddress: 0, connectBurst: 0, connectsPerMinute: 0)
    }

    public enum Verdict: Equatable, Sendable {
        case admit
        /// Refused; the text tells the peer why.
        case refuse(String)
    }

    struct Source: Sendable {
        var open = 0
        var unjoined = 0
        var throttle: TokenBucket?
    }

    public let policy: Policy
    /// Only looked up, never iterated into output, so its order cannot leak.
    private var sources: [String: Source] = [:]
    /// Idle sources are swept once the table has doubled since the last sweep: amortized O(1).
    private var sweepAt = 1024

    public init(policy: Policy) {
        // No set built from `exempt`: it is a list of two, usually, and searching it is cheaper.
        self.policy = policy
    }

    /// Addresses the table remembers (open connections, or a throttle not yet refilled).
    public var trackedAddresses: Int { sources.count }

    public func openConnections(from address: String) -> Int { sources[address]?.open ?? 0 }

    /// Decides on a new connection from `address`; an admitted one is counted as open and
    /// not joined until `joined` and `closed` say otherwise.
    public mutating func admit(_ address: String, at now: Int64) -> Verdict {
        if policy.exempt.contains(address) { return .admit }
        var s = sources[address] ?? Source()
        if policy.perAddress > 0 && s.open >= policy.perAddress {
            return .refuse("too many connections from your address (at most \(policy.perAddress))")
        }
        if policy.unjoinedPerAddress > 0 && s.unjoined >= policy.unjoinedPerAddress {
            let most = policy.unjoinedPerAddress
            return .refuse("too many connections from your address that have not joined (at most \(most))")
        }
        if policy.connectBurst > 0 && policy.connectsPerMinute > 0 {
            var bucket = s.throttle ?? TokenBucket(burst: policy.connectBurst, rate: policy.connectsPerMinute,
                                                   periodMillis: 60_000, now: now)
            if let wait = bucket.take(at: now) {
                return .refuse("too many new connections from your address; try again in \((wait + 999) / 1000) s")
            }
            s.throttle = bucket
        }
        s.open += 1
        s.unjoined += 1
        sources[address] = s
        if sources.count >= sweepAt { sweep(at: now) }
        return .admit
    }

    /// An admitted connection from `address` joined.
    public mutating func joined(_ address: String) {
        guard var s = sources[address], s.unjoined > 0 else { return }
        s.unjoined -= 1
        sources[address] = s
    }

    /// An admitted connection from `address` ended.
    public mutating func closed(_ address: String, wasJoined: Bool, at now: Int64) {
        guard var s = sources[address], s.open > 0 else { return }
        s.open -= 1
        if !wasJoined { s.unjoined -= 1 }
        if s.open == 0 && (s.throttle?.isFull(at: now) ?? true) {
            sources.removeValue(forKey: address)
        } else {
            sources[address] = s
        }
    }

    /// Forgets addresses with nothing open whose throttle has refilled: keeping them would
    /// change no verdict.
    private mutating func sweep(at now: Int64) {
        sources = sources.filter {  // purity: into a dictionary again, so no order survives
            $0.value.open > 0 || !($0.value.throttle?.isFull(at: now) ?? true)
        }
        sweepAt = max(1024, sources.count * 2)
    }
}
