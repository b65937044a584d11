import Testing
@testable import ChatState

/// Identity under TLS, exhaustively: the interpreter reports each connection's certificate
/// (`Event.identified`) before its frames; names held by certificates, bans and ops of
/// certificates, and what the database gave back at start (`Event.restoredModeration`).
@Suite struct IdentityTests {
    typealias R = RoomCommandTests
    typealias M = ModerationTests
    static let certA = String(repeating: "a1", count: 32), certB = String(repeating: "b2", count: 32)

    /// A server that remembers alice's name for certificate A; nobody has joined.
    static func server(_ records: ModerationRecords = ModerationRecords(names: [.init(identity: certA, name: "alice")])) -> TestStore {
        var s = TestStore(RoomTests.config)
        _ = s.reduce(M.at(0))
        s.send(.restoredModeration(records), [])
        return s
    }

    static func connect(_ s: inout TestStore, _ conn: ConnID, _ cert: String?, as name: String, pychat: Bool = false) -> [Effect] {
        _ = s.reduce(.accepted(conn: conn, uid: UID(high: 7, low: conn.raw), remote: "127.0.0.1:\(conn.raw)", address: "127.0.0.1"))
        if let cert { _ = s.reduce(.identified(conn: conn, fingerprint: cert)) }
        if pychat { _ = s.reduce(.received(conn: conn, bytes: R.commandsSign)) }
        return s.reduce(.received(conn: conn, bytes: Fix.frame(.joinRequest(username: name, color: "ff8800"))))
    }

    @Test func aNameAnotherCertificateHoldsGetsASuffixAndANotice() {
        var s = Self.server()
        let effects = Self.connect(&s, Fix.c1, Self.certB, as: "Alice")
        #expect(s.room.members.map(\.name) == ["host", "Alice2"])
        #expect(effects.contains(.send(.system(text: "Alice belongs to another certificate: you are Alice2 here."), to: Fix.c1)))
        // A suffixed name is nobody's to hold.
        #expect(!effects.contains { if case .keepModeration = $0 { true } else { false } })
        // Its holder gets it, and holds it already: nothing to keep.
        let holder = Self.connect(&s, Fix.c2, Self.certA, as: "alice")
        #expect(s.room.members.map(\.name) == ["host", "Alice2", "alice"])
        #expect(!holder.contains { if case .keepModeration = $0 { true } else { false } })
        #expect(!holder.contains { if case .send(_, let b) = $0 { b == Fix.frame(.system(text: "alice belongs to another certificate: you are alice here.")) } else { false } })
    }

    @Test func withoutACertificateNamesAreFirstComeFirstServed() {
        var s = Self.server()
        _ = Self.connect(&s, Fix.c1, nil, as: "alice")
        #expect(s.room.members.map(\.name) == ["host", "alice"])
    }

    @Test func aCertificateHoldsTheNameItJoinedWithAndItsNewName() {
        var s = Self.server(ModerationRecords())
        let effects = Self.connect(&s, Fix.c1, Self.certB, as: "bob", pychat: true)
        #expect(effects.contains(.keepModeration(.holdName(identity: Self.certB, name: "bob"))))
        s.send(.received(conn: Fix.c1, bytes: R.command("/nick robert")), [
            .keepModeration(.holdName(identity: Self.certB, name: "robert")),
            .log("rename #1 \"bob\" to \"robert\""),
            .send(to: [Fix.c1], bytes: Fix.serverInfo([(Fix.hostUID, "host", "00aa00"), (UID(high: 7, low: 1), "robert", "ff8800")],
                                                     for: UID(high: 7, low: 1))),
            .send(.system(text: "bob is now known as robert"), to: Fix.c1),
        ], shows: [.system("bob is now known as robert")])
        _ = s.reduce(.disconnected(conn: Fix.c1, reason: "gone"))
        // Gone, robert is still the certificate's: another certificate is given a suffix.
        _ = Self.connect(&s, Fix.c2, Self.certA, as: "robert", pychat: true)
        #expect(s.room.members.map(\.name) == ["host", "robert2"])
        _ = s.reduce(.timer(.announce))
        // bob is free again: B holds one name, its latest.
        s.send(.received(conn: Fix.c2, bytes: R.command("/nick ROBERT")), [M.notice("ROBERT belongs to another certificate.")])
        s.send(.received(conn: Fix.c2, bytes: R.command("/nick bob")), [
            .keepModeration(.holdName(identity: Self.certA, name: "bob")),
            .log("rename #2 \"robert2\" to \"bob\""),
            .send(to: [Fix.c2], bytes: Fix.serverInfo([(Fix.hostUID, "host", "00aa00"), (UID(high: 7, low: 2), "bob", "ff8800")],
                                                     for: UID(high: 7, low: 2))),
            .send(.system(text: "robert2 is now known as bob"), to: Fix.c2),
        ], shows: [.system("robert2 is now known as bob")])
    }

    @Test func whoAndWhoisShowTheShortFingerprint() throws {
        var s = Self.server(ModerationRecords())
        _ = Self.connect(&s, Fix.c1, Self.certA, as: "alice")
        _ = Self.connect(&s, Fix.c2, Self.certB, as: "bob", pychat: true)
        _ = s.reduce(.timer(.announce))
        s.send(.received(conn: Fix.c1, bytes: R.say("/who")), [
            .send(.system(text: "3 members here:"), to: Fix.c1), .send(.system(text: "  @host idle 0s"), to: Fix.c1),
            .send(.system(text: "  alice [a1a1a1a1a1a1a1a1] idle 0s"), to: Fix.c1),
            .send(.system(text: "  bob [b2b2b2b2b2b2b2b2] idle 0s"), to: Fix.c1),
        ])
        let bob = MemberDetails(name: "bob", color: RGB.cleaned("ff8800"), op: false, away: nil, idleSeconds: 0, hereSeconds: 0,
                                client: .pychat, fingerprint: "b2b2b2b2b2b2b2b2")
        s.send(.received(conn: Fix.c2, bytes: R.command("/whois bob")), [.send(to: [Fix.c2], bytes: R.ext(.whois(bob)))])
        s.send(.received(conn: Fix.c1, bytes: R.say("/whois bob")),
               [.send(.system(text: "bob: colour ff8800, a pychat client, here 0s, idle 0s, certificate b2b2b2b2b2b2b2b2"), to: Fix.c1)])
        // The field is on the wire only under TLS, and a client reads it back.
        let bytes = ExtensionCodec.frame(.whois(bob))
        #expect(String(decoding: bytes.dropFirst(5), as: UTF8.self).hasSuffix(#""client": "pychat", "fingerprint": "b2b2b2b2b2b2b2b2"}}"#))
        #expect(try ExtensionCodec.decode(Array(bytes.dropFirst(5))) == .whois(bob))
    }

    @Test func aBannedCertificateIsTurnedAwayOnceIdentifiedFromAnyAddressUntilTheBanEnds() {
        var s = Self.server()
        _ = Self.connect(&s, Fix.c1, Self.certA, as: "alice")
        _ = s.reduce(.timer(.announce))
        let ban = Ban(subject: .identity(Self.certA), name: "alice", by: "host", reason: nil, setAtWallMillis: M.t0,
                      expiresAtWallMillis: M.t0 + 3_600_000)
        s.send(.inputLine("/ban alice 1h"), [
            .keepModeration(.ban(ban)),
            .log("moderation: \"host banned alice for 1h (certificate a1a1a1a1a1a1a1a1)\""),
            .send(.system(text: "host banned alice for 1h (certificate a1a1a1a1a1a1a1a1)"), to: Fix.c1),
            .close(conn: Fix.c1, reason: "banned by host"),
            .log("leave #1 \"alice\": banned by host"),
            .setTimer(.announce, millis: 100),
        ], shows: [.system("host banned alice for 1h (certificate a1a1a1a1a1a1a1a1)"),
                   .notice("Connection ended: remote_address 127.0.0.1:1").quieted, .system("alice left the chat")])
        // From another address, with the same certificate: refused at its JoinRequest.
        _ = s.reduce(M.at(1800))
        _ = s.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "10.9.9.9:1", address: "10.9.9.9"))
        s.send(.identified(conn: Fix.c2, fingerprint: Self.certA), [.log("identity #2: a1a1a1a1a1a1a1a1")])
        s.send(.received(conn: Fix.c2, bytes: M.joinRequest("alice")),
               M.turnedAway(Fix.c2, remote: "10.9.9.9:1", "you are banned from this server by host for 30m more",
                            why: "banned (certificate a1a1a1a1a1a1a1a1)"),
               shows: [.notice("Connection ended: remote_address 10.9.9.9:1").quieted])
        // Another certificate from the banned member's address is welcome: bans are by certificate under TLS.
        _ = Self.connect(&s, Fix.c3, Self.certB, as: "carol")
        #expect(s.room.members.map(\.name) == ["host", "carol"])
        _ = s.reduce(M.at(3600))
        _ = s.reduce(.accepted(conn: ConnID(4), uid: UID(high: 7, low: 4), remote: "127.0.0.1:4", address: "127.0.0.1"))
        s.send(.identified(conn: ConnID(4), fingerprint: Self.certA), [.log("identity #4: a1a1a1a1a1a1a1a1")])
        let joined = s.reduce(.received(conn: ConnID(4), bytes: Fix.frame(.joinRequest(username: "alice", color: "ff8800"))))
        #expect(joined.first == .keepModeration(.unban(.identity(Self.certA))))
        #expect(s.room.members.map(\.name) == ["host", "carol", "alice"])
    }

    @Test func anAbsentMemberIsBannedByTheNameItsCertificateHolds() {
        var s = Self.server()
        let ban = Ban(subject: .identity(Self.certA), name: "alice", by: "host", reason: "spam", setAtWallMillis: M.t0,
                      expiresAtWallMillis: nil)
        s.send(.inputLine("/ban ALICE spam"), [
            .keepModeration(.ban(ban)),
            .log("moderation: \"host banned alice (certificate a1a1a1a1a1a1a1a1): spam\""),
        ], shows: [.system("host banned alice (certificate a1a1a1a1a1a1a1a1): spam")])
        _ = Self.connect(&s, Fix.c1, Self.certA, as: "alice")
        #expect(!s.room.isConnected(Fix.c1))
        s.send(.inputLine("/unban a1a1a1a1a1a1a1a1"), [
            .keepModeration(.unban(.identity(Self.certA))),
            .log("moderation: \"host unbanned alice (certificate a1a1a1a1a1a1a1a1)\""),
        ], shows: [.system("host unbanned alice (certificate a1a1a1a1a1a1a1a1)")])
    }

    @Test func restoredBansAndOpsHoldAfterARestart() {
        let ban = Ban(subject: .identity(Self.certB), name: "bob", by: "host", reason: nil, setAtWallMillis: M.t0 - 1000,
                      expiresAtWallMillis: nil)
        var s = Self.server(ModerationRecords(names: [], ops: [Self.certA], bans: [ban]))
        _ = Self.connect(&s, Fix.c1, Self.certA, as: "alice", pychat: true)
        #expect(s.room.isOp(s.room.members[1]))
        _ = Self.connect(&s, Fix.c2, Self.certB, as: "bob")
        #expect(!s.room.isConnected(Fix.c2))
        // An op by certificate: kept, and taken away for good.
        s.send(.received(conn: Fix.c1, bytes: R.command("/bans")),
               [M.notice("1 ban in force:", to: Fix.c1), M.notice("  bob (certificate b2b2b2b2b2b2b2b2) by host", to: Fix.c1)])
        s.send(.inputLine("/deop alice"), [
            .keepModeration(.setOp(identity: Self.certA, op: false)),
            .log("moderation: \"host took alice's op away\""),
            .send(.system(text: "host took alice's op away"), to: Fix.c1),
            .send(to: [Fix.c1], bytes: Fix.marks([Fix.hostUID])),
        ], shows: [.system("host took alice's op away")])
        s.send(.inputLine("/op alice"), [
            .keepModeration(.setOp(identity: Self.certA, op: true)),
            .log("moderation: \"host made alice an op\""),
            .send(.system(text: "host made alice an op"), to: Fix.c1),
            .send(to: [Fix.c1], bytes: Fix.marks([Fix.hostUID, UID(high: 7, low: 1)])),
        ], shows: [.system("host made alice an op")])
    }

    @Test func aCertificateIsReportedOnceAndOnlyBeforeItsJoin() {
        var s = Self.server(ModerationRecords())
        _ = Self.connect(&s, Fix.c1, Self.certA, as: "alice")
        s.send(.identified(conn: Fix.c1, fingerprint: Self.certB), [])
        s.send(.identified(conn: Fix.c3, fingerprint: Self.certB), [])
        #expect(s.room.details(of: s.room.members[1]).fingerprint == "a1a1a1a1a1a1a1a1")
    }
}

extension IdentityTests {
    @Test func aPrivateMessageToACertificateNotHereIsKeptAndGivenWhenItNextJoins() {
        var s = Self.server()
        _ = Self.connect(&s, Fix.c1, Self.certB, as: "bob", pychat: true)
        _ = s.reduce(.timer(.announce))
        let kept = HeldMessage(identity: Self.certA, fromUID: UID(high: 7, low: 1), from: "bob", color: RGB.cleaned("ff8800"),
                               to: "alice", text: "call me", wallMillis: M.t0)
        s.send(.received(conn: Fix.c1, bytes: R.command("/msg ALICE call me")), [
            .keepModeration(.keepMessage(kept)),
            M.notice("alice is not here: your message is kept for when they next join.", to: Fix.c1),
        ])
        // Without a certificate holding the name, nothing is kept.
        s.send(.received(conn: Fix.c1, bytes: R.command("/msg zed hi")), [M.notice("No one here is called zed.", to: Fix.c1)])
        // alice's certificate joins, on an original client: the message comes after her table.
        _ = s.reduce(M.at(3600))
        let joined = Self.connect(&s, Fix.c2, Self.certA, as: "alice")
        let given: [Effect] = [
            .send(.system(text: "1 private message came while you were away:"), to: Fix.c2),
            .send(.system(text: "[private] bob: [22:13] call me"), to: Fix.c2),
            .keepModeration(.deliveredMessages(identity: Self.certA)),
        ]
        #expect(joined.count > given.count)
        #expect(joined.firstIndex(of: given[0]).map { Array(joined[$0..<$0 + 3]) } == given, "\(joined)")
        // Given once.
        _ = s.reduce(.disconnected(conn: Fix.c2, reason: "gone"))
        let again = Self.connect(&s, Fix.c3, Self.certA, as: "alice")
        #expect(!again.contains { if case .keepModeration = $0 { true } else { false } })
    }

    @Test func aCertificateNotHereIsKeptAtMostSoManyMessages() {
        var s = Self.server()
        _ = Self.connect(&s, Fix.c1, Self.certB, as: "bob")
        for n in 0...Limits.heldMessagesPerIdentity {
            _ = s.reduce(M.at(Int64(n)))
            let effects = s.reduce(.received(conn: Fix.c1, bytes: R.say("/msg alice \(n)")))
            if n < Limits.heldMessagesPerIdentity {
                #expect(effects.first.map { if case .keepModeration(.keepMessage) = $0 { true } else { false } } == true)
            } else {
                #expect(effects == [.send(.system(text: "alice is not here, and 20 messages wait for them already."), to: Fix.c1)])
            }
        }
    }
}
