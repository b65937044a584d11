import Testing
@testable import ChatState

/// The integer token bucket behind the chat rate and the connection throttle.
@Suite struct TokenBucketTests {
    @Test func aBurstThenOneTokenPerInterval() {
        var b = TokenBucket(burst: 5, rate: 2, periodMillis: 1000, now: 0)
        for _ in 0..<5 { #expect(b.take(at: 0) == nil) }
        #expect(b.take(at: 0) == 500)
        #expect(b.take(at: 499) == 1)
        #expect(b.take(at: 500) == nil)
        #expect(b.take(at: 500) == 500)
        #expect(b.take(at: 1000) == nil)
    }

    @Test func refillsAreExactForRatesThatDoNotDivideTheSecond() {
        // 3 a second: a token every 333.3 ms; three in exactly one second, never a fourth.
        var b = TokenBucket(burst: 3, rate: 3, periodMillis: 1000, now: 0)
        for _ in 0..<3 { #expect(b.take(at: 0) == nil) }
        #expect(b.take(at: 0) == 334)
        #expect(b.take(at: 334) == nil)  // 334 ms: 1.002 tokens
        #expect(b.take(at: 667) == nil)  // 0.002 + 0.999 = 1.001
        #expect(b.take(at: 999) == 1)    // 0.001 + 0.996 = 0.997: one millisecond short
        #expect(b.take(at: 1000) == nil)
        #expect(b.tokens(at: 1000) == 0)
    }

    @Test func anIdleBucketRefillsToItsBurstAndNoFurther() {
        var b = TokenBucket(burst: 5, rate: 2, periodMillis: 1000, now: 0)
        for _ in 0..<5 { _ = b.take(at: 0) }
        #expect(b.tokens(at: 0) == 0)
        #expect(b.tokens(at: 1_500) == 3)
        #expect(!b.isFull(at: 2_499))
        #expect(b.isFull(at: 2_500))
        #expect(b.tokens(at: 3_600_000) == 5)
        // Years of idleness: capped before multiplying, so no overflow.
        #expect(b.tokens(at: Int64.max / 2) == 5)
    }

    @Test func aClockThatGoesBackNeitherRefillsNorDrains() {
        var b = TokenBucket(burst: 2, rate: 1, periodMillis: 1000, now: 10_000)
        #expect(b.take(at: 10_000) == nil)
        #expect(b.tokens(at: 5_000) == 1)
        #expect(b.take(at: 5_000) == nil)
        #expect(b.take(at: 5_000) == 1000)
    }
}

/// The per-address admission rule, with time as a parameter.
@Suite struct AdmissionTests {
    let limits = Admission.Policy(perAddress: 4, unjoinedPerAddress: 2, connectBurst: 6, connectsPerMinute: 2)

    @Test func unjoinedConnectionsAreCappedPerAddress() {
        var a = Admission(policy: limits)
        #expect(a.admit("10.0.0.1", at: 0) == .admit)
        #expect(a.admit("10.0.0.1", at: 0) == .admit)
        #expect(a.admit("10.0.0.1", at: 0) == .refuse("too many connections from your address that have not joined (at most 2)"))
        // Another address is not affected.
        #expect(a.admit("10.0.0.2", at: 0) == .admit)
        // A join frees an unjoined place; the connection still counts in all.
        a.joined("10.0.0.1")
        #expect(a.admit("10.0.0.1", at: 0) == .admit)
        #expect(a.openConnections(from: "10.0.0.1") == 3)
    }

    @Test func allConnectionsAreCappedPerAddress() {
        var a = Admission(policy: limits)
        for _ in 0..<4 {
            #expect(a.admit("10.0.0.1", at: 0) == .admit)
            a.joined("10.0.0.1")
        }
        #expect(a.admit("10.0.0.1", at: 0) == .refuse("too many connections from your address (at most 4)"))
        a.closed("10.0.0.1", wasJoined: true, at: 0)
        #expect(a.admit("10.0.0.1", at: 0) == .admit)
    }

    @Test func newConnectionsAreThrottledPerAddress() {
        var a = Admission(policy: limits)
        // Six in a row, each closed at once (the reopen-as-it-closes pattern of issue #11).
        for _ in 0..<6 {
            #expect(a.admit("10.0.0.1", at: 0) == .admit)
            a.closed("10.0.0.1", wasJoined: false, at: 0)
        }
        #expect(a.admit("10.0.0.1", at: 0) == .refuse("too many new connections from your address; try again in 30 s"))
        #expect(a.admit("10.0.0.1", at: 29_000) == .refuse("too many new connections from your address; try again in 1 s"))
        #expect(a.admit("10.0.0.1", at: 30_000) == .admit)
        #expect(a.admit("10.0.0.2", at: 30_000) == .admit)
        // A refusal costs no token: the next one comes as soon as the refill allows.
        #expect(a.admit("10.0.0.1", at: 59_999) != .admit)
        #expect(a.admit("10.0.0.1", at: 60_000) == .admit)
    }

    @Test func exemptAddressesAreNeverCounted() {
        var a = Admission(policy: Admission.Policy(perAddress: 1, unjoinedPerAddress: 1, connectBurst: 1, connectsPerMinute: 1))
        for _ in 0..<100 {
            #expect(a.admit("127.0.0.1", at: 0) == .admit)
            #expect(a.admit("::1", at: 0) == .admit)
        }
        #expect(a.trackedAddresses == 0)
        #expect(a.admit("127.0.0.2", at: 0) == .admit)
        #expect(a.admit("127.0.0.2", at: 0) != .admit)
    }

    @Test func offLimitsNothing() {
        var a = Admission(policy: .off)
        for _ in 0..<1000 { #expect(a.admit("10.0.0.1", at: 0) == .admit) }
    }

    @Test func addressesWithNothingLeftAreForgotten() {
        var a = Admission(policy: limits)
        #expect(a.admit("10.0.0.1", at: 0) == .admit)
        a.closed("10.0.0.1", wasJoined: false, at: 0)
        // Its throttle is not full yet: forgetting it would hand out a fresh burst.
        #expect(a.trackedAddresses == 1)
        #expect(a.admit("10.0.0.1", at: 0) == .admit)
        // Closed once its throttle has its two tokens back (30 s each): nothing to remember.
        a.closed("10.0.0.1", wasJoined: false, at: 59_999)
        #expect(a.trackedAddresses == 1)
        #expect(a.admit("10.0.0.1", at: 60_000) == .admit)
        a.closed("10.0.0.1", wasJoined: false, at: 90_000)
        #expect(a.trackedAddresses == 0)
        // Many addresses that came and went are swept as the table grows: it stays bounded.
        for i in 0..<5_000 {
            let address = "10.1.\(i / 256).\(i % 256)"
            #expect(a.admit(address, at: Int64(i) * 200_000) == .admit)
            a.closed(address, wasJoined: true, at: Int64(i) * 200_000)
        }
        #expect(a.trackedAddresses < 1100)
    }
}

/// The rule as the room applies it: a refused connection is told why, then closed; it is not
/// counted, and nothing of it reaches the room.
@Suite struct RoomAdmissionTests {
    static let config = AppConfig(role: .server, admission: Admission.Policy(perAddress: 3, unjoinedPerAddress: 2,
                                                                            connectBurst: 100, connectsPerMinute: 1))

    func accept(_ s: inout TestStore, _ n: UInt64, _ address: String) -> [Effect] {
        s.reduce(.accepted(conn: ConnID(n), uid: UID(high: 7, low: n), remote: "\(address):\(4000 + n)", address: address))
    }

    @Test func aHostileAddressHoldsItsQuotaAndOthersStillGetIn() {
        var s = TestStore(Self.config)
        _ = accept(&s, 1, "10.6.6.6")
        _ = accept(&s, 2, "10.6.6.6")
        let why = "too many connections from your address that have not joined (at most 2)"
        s.send(.accepted(conn: ConnID(3), uid: UID(high: 7, low: 3), remote: "10.6.6.6:4003", address: "10.6.6.6"), [
            .log("reject #3 from 10.6.6.6:4003: \(why)"),
            .send(.system(text: "Connection refused: \(why)"), to: ConnID(3)),
            .close(conn: ConnID(3), reason: why),
        ])
        #expect(s.room.connectionCount == 2)
        #expect(accept(&s, 4, "10.0.0.7").contains(.setTimer(.joinDeadline(ConnID(4)), millis: Limits.joinDeadlineMillis)))
        _ = s.reduce(.received(conn: ConnID(4), bytes: Fix.frame(.joinRequest(username: "legit", color: "000000"))))
        #expect(s.room.members.map(\.name) == ["legit"])
    }

    @Test func leavingAndJoiningMoveTheCounts() {
        var s = TestStore(Self.config)
        _ = accept(&s, 1, "10.0.0.1")
        _ = accept(&s, 2, "10.0.0.1")
        _ = s.reduce(.received(conn: ConnID(1), bytes: Fix.frame(.joinRequest(username: "a", color: "000000"))))
        _ = s.reduce(.received(conn: ConnID(2), bytes: Fix.frame(.joinRequest(username: "b", color: "000000"))))
        _ = accept(&s, 3, "10.0.0.1")
        #expect(accept(&s, 4, "10.0.0.1").contains(.close(conn: ConnID(4), reason: "too many connections from your address (at most 3)")))
        _ = s.reduce(.disconnected(conn: ConnID(1), reason: "closed by peer"))
        #expect(!accept(&s, 5, "10.0.0.1").contains { if case .close = $0 { true } else { false } })
        // The join deadline closing an unjoined one frees its place too.
        _ = s.reduce(.timer(.joinDeadline(ConnID(3))))
        #expect(s.room.admission.openConnections(from: "10.0.0.1") == 2)
    }

    @Test func theThrottleCountsTimeFromTimeEvents() {
        var s = TestStore(AppConfig(role: .server, admission: Admission.Policy(perAddress: 0, unjoinedPerAddress: 0,
                                                                           connectBurst: 1, connectsPerMinute: 2)))
        _ = s.reduce(.time(Instant(monotonicMillis: 1_000)))
        _ = accept(&s, 1, "10.0.0.1")
        #expect(accept(&s, 2, "10.0.0.1").contains(.close(conn: ConnID(2), reason: "too many new connections from your address; try again in 30 s")))
        _ = s.reduce(.time(Instant(monotonicMillis: 31_000, wallMillis: 1_700_000_000_000)))
        #expect(s.room.isConnected(ConnID(1)))
        #expect(!accept(&s, 3, "10.0.0.1").contains { if case .close = $0 { true } else { false } })
    }

    @Test func aConnectionWithoutAnAddressIsNotCounted() {
        var s = TestStore(Self.config)
        for n in 1...10 { _ = s.reduce(.accepted(conn: ConnID(UInt64(n)), uid: UID(high: 7, low: UInt64(n)), remote: "x")) }
        #expect(s.room.connectionCount == 10)
    }
}
