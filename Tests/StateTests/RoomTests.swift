import Testing
@testable import ChatState

@Suite struct RoomTests {
    /// A server with its host user at a terminal: lines shown go to the UI, not to stdout.
    static let config = AppConfig(role: .server, host: "127.0.0.1", port: 8080, username: "host",
                                  color: "#00AA00", hostUID: Fix.hostUID, terminal: TerminalSize(cols: 80, rows: 24))

    /// A room with alice (#1) joined, her join announced and the announcement timer fired.
    func roomWithAlice() -> TestStore {
        var s = TestStore(Self.config)
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "127.0.0.1:5001"))
        _ = s.reduce(.received(conn: Fix.c1, bytes: Fix.frame(.joinRequest(username: "alice", color: "ff8800"))))
        _ = s.reduce(.timer(.announce))
        return s
    }

    let hostEntry = (Fix.hostUID, "host", "00aa00")
    let orange = RGB(r: 255, g: 136, b: 0)

    @Test func listeningAndAccept() {
        var s = TestStore(Self.config)
        s.send(.listening(host: "127.0.0.1", port: 8080), [.log("listening on 127.0.0.1:8080")],
               shows: [.notice("Server started on 127.0.0.1:8080")])
        s.send(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "127.0.0.1:5001"), [
            .log("connect #1 from 127.0.0.1:5001"),
            .setTimer(.joinDeadline(Fix.c1), millis: 10_000),
        ], shows: [.notice("Established connection: remote_address 127.0.0.1:5001").quieted])
        #expect(s.room.connectionCount == 1)
        #expect(s.room.members.map(\.name) == ["host"])
        #expect(s.room.joined == [])
        #expect(s.app.ui?.history.lines.map(\.text) == ["Server started on 127.0.0.1:8080", "Established connection: remote_address 127.0.0.1:5001"])
    }

    @Test func joinSendsTheWholeTableToTheJoinerAndAnnouncesToAll() {
        var s = roomWithAlice()
        s.send(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "[::1]:5002"), [
            .log("connect #2 from [::1]:5002"), .setTimer(.joinDeadline(Fix.c2), millis: 10_000),
        ], shows: [.notice("Established connection: remote_address [::1]:5002").quieted])
        let users = [hostEntry, (Fix.uid1, "alice", "ff8800"), (Fix.uid2, "bob", "0000ff")]
        // alice's table is now stale; it is refreshed once joins pause, not at every join.
        s.send(.received(conn: Fix.c2, bytes: Fix.frame(.joinRequest(username: "bob", color: "0000FF"))), [
            .cancelTimer(.joinDeadline(Fix.c2)),
            .log("join #2 as \"bob\" color 0000ff"),
            .send(to: [Fix.c2], bytes: Fix.serverInfo(users, for: Fix.uid2)),
            .setTimer(.tableRefresh, millis: 50),
            .send(.system(text: "bob joined the chat"), to: Fix.c1, Fix.c2),
            .setTimer(.announce, millis: 100),
        ], shows: [.system("bob joined the chat")])
        #expect(s.room.joined == [Fix.c1, Fix.c2])
        #expect(s.room.members.map(\.uid) == [Fix.hostUID, Fix.uid1, Fix.uid2])
        s.send(.timer(.tableRefresh), [.send(to: [Fix.c1], bytes: Fix.serverInfo(users, for: Fix.uid1))])
        // Nothing is stale any more: a second firing sends nothing.
        s.send(.timer(.tableRefresh), [])
    }

    @Test func aBurstOfJoinsCostsOneRefreshPerMember() {
        var s = roomWithAlice()
        for n in 2...4 {
            let conn = ConnID(UInt64(n))
            _ = s.reduce(.accepted(conn: conn, uid: UID(high: 9, low: UInt64(n)), remote: "r"))
            _ = s.reduce(.received(conn: conn, bytes: Fix.frame(.joinRequest(username: "u\(n)", color: "000000"))))
        }
        let refresh = s.reduce(.timer(.tableRefresh))
        // alice and the first two of the burst were stale; the last joiner got the full table.
        #expect(refresh.map { if case .send(let to, _) = $0 { return to } else { return [] } } == [[Fix.c1], [ConnID(2)], [ConnID(3)]])
    }

    @Test func chatIsRestampedAndNotEchoed() {
        var s = roomWithAlice()
        _ = s.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "b"))
        _ = s.reduce(.received(conn: Fix.c2, bytes: Fix.frame(.joinRequest(username: "bob", color: "0000ff"))))
        // bob claims to be alice; the room stamps bob's uid. alice has not had a table with
        // bob in it yet, so she gets one first: an original client throws on an unknown uid.
        let users = [hostEntry, (Fix.uid1, "alice", "ff8800"), (Fix.uid2, "bob", "0000ff")]
        s.send(.received(conn: Fix.c2, bytes: Fix.frame(.chat(uid: Fix.uid1, text: "hi\u{1b}[2J all"))), [
            .send(to: [Fix.c1], bytes: Fix.serverInfo(users, for: Fix.uid1)),
            .send(.chat(uid: Fix.uid2, text: "hi[2J all"), to: Fix.c1),
        ], shows: [.chat("bob", RGB(r: 0, g: 0, b: 255), "hi[2J all")])
        // A null uid (an original client before its ServerInfo) is stamped too; bob knows alice.
        s.send(.received(conn: Fix.c1, bytes: Fix.frame(.chat(uid: nil, text: "tab\there\nline"))), [
            .send(.chat(uid: Fix.uid1, text: "tab\there\nline"), to: Fix.c2),
        ], shows: [.chat("alice", RGB(r: 255, g: 136, b: 0), "tab\there\nline")])
        // The pending refresh finds nobody stale.
        s.send(.timer(.tableRefresh), [])
    }

    @Test func hostMessagesGoToEveryone() {
        var s = roomWithAlice()
        _ = s.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "b"))
        _ = s.reduce(.received(conn: Fix.c2, bytes: Fix.frame(.joinRequest(username: "bob", color: "0000ff"))))
        s.send(.inputLine("hello from host"), [.send(.chat(uid: Fix.hostUID, text: "hello from host"), to: Fix.c1, Fix.c2)],
               shows: [.chat("host", RGB(r: 0, g: 0xAA, b: 0), "hello from host")])
        s.send(.inputLine("   "), [])
    }

    @Test func leaveAnnouncesAndRefreshesTablesOnceQuiet() {
        var s = roomWithAlice()
        _ = s.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "b"))
        _ = s.reduce(.received(conn: Fix.c2, bytes: Fix.frame(.joinRequest(username: "bob", color: "0000ff"))))
        _ = s.reduce(.timer(.tableRefresh))
        _ = s.reduce(.timer(.announce))
        s.send(.disconnected(conn: Fix.c1, reason: "closed by peer"), [
            .log("leave #1 \"alice\": closed by peer"),
            .setTimer(.tableRefresh, millis: 50),
            .send(.system(text: "alice left the chat"), to: Fix.c2),
            .setTimer(.announce, millis: 100),
        ], shows: [.notice("Connection ended: remote_address 127.0.0.1:5001").quieted, .system("alice left the chat")])
        #expect(s.room.joined == [Fix.c2])
        s.send(.timer(.tableRefresh), [
            .send(to: [Fix.c2], bytes: Fix.serverInfo([hostEntry, (Fix.uid2, "bob", "0000ff")], for: Fix.uid2)),
        ])
        // The socket's close report after our own close, or a repeat, changes nothing.
        s.send(.disconnected(conn: Fix.c1, reason: "again"), [])
    }

    @Test func unjoinedConnectionsGetNothingAndLeaveQuietly() {
        var s = roomWithAlice()
        _ = s.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "b"))
        // The original broadcasts to connections that never joined; the room does not.
        s.send(.received(conn: Fix.c1, bytes: Fix.frame(.chat(uid: nil, text: "x"))), [],
               shows: [.chat("alice", RGB(r: 255, g: 136, b: 0), "x")])
        s.send(.disconnected(conn: Fix.c2, reason: "closed by peer"), [
            .cancelTimer(.joinDeadline(Fix.c2)),
            .log("disconnect #2 before joining: closed by peer"),
        ], shows: [.notice("Connection ended: remote_address b").quieted])
    }

    @Test func violationsAreCountedAndRepeatedOnesClose() {
        var s = roomWithAlice()
        _ = s.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "b"))
        s.send(.received(conn: Fix.c2, bytes: Fix.frame(.chat(uid: nil, text: "early"))),
               [.log("protocol error from #2: ChatMessage before JoinRequest ignored")])
        s.send(.received(conn: Fix.c2, bytes: Fix.rawFrame("{nope")),
               [.log("protocol error from #2: bad JSON at byte 1: expecting a property name in double quotes")])
        s.send(.received(conn: Fix.c2, bytes: Bytes(FrameCodec.frame(kind: 1, parts: [0xFF]))),
               [.log("protocol error from #2: body is not valid UTF-8")])
        // A frame of another kind and an empty frame count too: no PyChat peer sends either.
        s.send(.received(conn: Fix.c2, bytes: Bytes(FrameCodec.frame(kind: 9, parts: [1, 2]))),
               [.log("protocol error from #2: a frame of kind 9, which no PyChat peer sends")])
        #expect(s.room.violations(of: Fix.c2) == 4)
        let last = "protocol error from #2: ServerInfo before JoinRequest ignored"
        s.send(.received(conn: Fix.c2, bytes: Fix.frame(.serverInfo(users: [], uid: nil))), [
            .log(last),
            .close(conn: Fix.c2, reason: "5 protocol errors, the last: ServerInfo before JoinRequest ignored"),
            .cancelTimer(.joinDeadline(Fix.c2)),
            .log("disconnect #2 before joining: 5 protocol errors, the last: ServerInfo before JoinRequest ignored"),
        ], shows: [.notice("Connection ended: remote_address b").quieted])
        #expect(!s.room.isConnected(Fix.c2))
        #expect(s.room.joined == [Fix.c1])
    }

    @Test func secondJoinRequestIsIgnored() {
        var s = roomWithAlice()
        s.send(.received(conn: Fix.c1, bytes: Fix.frame(.joinRequest(username: "mallory", color: "ff0000"))),
               [.log("protocol error from #1: second JoinRequest ignored")])
        #expect(s.room.members.map(\.name) == ["host", "alice"])
    }

    @Test func oversizedFrameClosesAtTheHeader() {
        var s = roomWithAlice()
        s.send(.received(conn: Fix.c1, bytes: [0xFF, 0xFF, 0xFF, 0xFF]), [
            .close(conn: Fix.c1, reason: "frame of 4294967295 bytes announced, over the limit of 65536"),
            .log("leave #1 \"alice\": frame of 4294967295 bytes announced, over the limit of 65536"),
            .setTimer(.announce, millis: 100),
        ], shows: [.notice("Connection ended: remote_address 127.0.0.1:5001").quieted, .system("alice left the chat")])
        #expect(s.room.members.map(\.name) == ["host"])
    }

    @Test func aJoinInTheSameReadAsABadHeaderStillCounts() {
        var s = TestStore(Self.config)
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        let bytes = FrameCodec.frame(.joinRequest(username: "alice", color: "ff8800")) + [0x7F, 0, 0, 0]
        let effects = s.reduce(.received(conn: Fix.c1, bytes: Bytes(bytes)))
        #expect(effects.contains(.log("join #1 as \"alice\" color ff8800")))
        #expect(effects.contains(.close(conn: Fix.c1, reason: "frame of 2130706432 bytes announced, over the limit of 65536")))
        #expect(s.room.members.map(\.name) == ["host"])
    }

    @Test func framesAfterAClosingFrameInTheSameChunkAreIgnored() {
        var s = TestStore(Self.config)
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        let bad = (0..<5).flatMap { _ in FrameCodec.frame(.system(text: "x")) }
        let join = FrameCodec.frame(.joinRequest(username: "late", color: "000000"))
        let effects = s.reduce(.received(conn: Fix.c1, bytes: Bytes(bad + join)))
        #expect(effects.contains { if case .close = $0 { return true } else { return false } })
        #expect(s.room.members.map(\.name) == ["host"])
    }

    @Test func joinDeadline() {
        var s = TestStore(Self.config)
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        s.send(.timer(.joinDeadline(Fix.c1)), [
            .close(conn: Fix.c1, reason: "did not join within 10 s"),
            .cancelTimer(.joinDeadline(Fix.c1)),
            .log("disconnect #1 before joining: did not join within 10 s"),
        ], shows: [.notice("Connection ended: remote_address a").quieted])
        // A deadline for a connection that joined in time, or is gone, does nothing.
        var t = roomWithAlice()
        t.send(.timer(.joinDeadline(Fix.c1)), [])
        t.send(.timer(.joinDeadline(Fix.c3)), [])
    }

    @Test func namesAreCleanedAndUnique() {
        var s = TestStore(Self.config)
        let asks = ["  Host ", "\u{202e}alice\u{200b}\u{1b}", "ALICE", "", "alice", String(repeating: "x", count: 40),
                    String(repeating: "x", count: 40), "a\u{0}\u{85}\u{7f}b"]
        for (n, name) in asks.enumerated() {
            let conn = ConnID(UInt64(n + 1))
            _ = s.reduce(.accepted(conn: conn, uid: UID(high: 1, low: UInt64(n)), remote: "r"))
            _ = s.reduce(.received(conn: conn, bytes: Fix.frame(.joinRequest(username: name, color: "000000"))))
        }
        let x32 = String(repeating: "x", count: 32)
        #expect(s.room.members.map(\.name) == [
            "host", "Host2", "alice", "ALICE2", "Anonymous", "alice3", x32, String(repeating: "x", count: 31) + "2", "ab",
        ])
    }

    @Test func coloursAreTolerated() {
        var s = TestStore(Self.config)
        let asks = ["#FF8800", "ff8800", "AbCdEf", "", "#", "zz0000", "##abcdef", "12345", " #123456 "]
        for (n, color) in asks.enumerated() {
            let conn = ConnID(UInt64(n + 1))
            _ = s.reduce(.accepted(conn: conn, uid: UID(high: 2, low: UInt64(n)), remote: "r"))
            _ = s.reduce(.received(conn: conn, bytes: Fix.frame(.joinRequest(username: "u", color: color))))
        }
        #expect(s.room.members.dropFirst().map(\.color.description) == [
            "ff8800", "ff8800", "abcdef", "000000", "000000", "000000", "000000", "000000", "123456",
        ])
    }

    @Test func textLimitsAndCleaning() {
        var s = roomWithAlice()
        _ = s.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "b"))
        _ = s.reduce(.received(conn: Fix.c2, bytes: Fix.frame(.joinRequest(username: "bob", color: "0000ff"))))
        let exactly = String(repeating: "é", count: Limits.maxTextLength)
        s.send(.received(conn: Fix.c1, bytes: Fix.frame(.chat(uid: nil, text: exactly))),
               [.send(.chat(uid: Fix.uid1, text: exactly), to: Fix.c2)], shows: [.chat("alice", orange, exactly)])
        s.send(.received(conn: Fix.c1, bytes: Fix.frame(.chat(uid: nil, text: exactly + "!"))), [
            .log("refused 4097-character message from #1"),
            .send(.system(text: "Message not sent: it has 4097 characters, the limit is 4096."), to: Fix.c1),
        ])
        // Control characters go before counting and relaying; what is left empty is not sent.
        s.send(.received(conn: Fix.c1, bytes: Fix.frame(.chat(uid: nil, text: "\u{7}\u{0}\r"))), [])
        s.send(.received(conn: Fix.c1, bytes: Fix.frame(.chat(uid: nil, text: ""))), [])
        s.send(.received(conn: Fix.c1, bytes: Fix.frame(.chat(uid: nil, text: "a\r\nb\u{9b}c"))),
               [.send(.chat(uid: Fix.uid1, text: "a\nbc"), to: Fix.c2)], shows: [.chat("alice", orange, "a\nbc")])
        #expect(s.room.violations(of: Fix.c1) == 0)
    }

    @Test func headlessRoomHasNoHostUser() {
        var s = TestStore(AppConfig(role: .server, hostUID: nil))
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        s.send(.received(conn: Fix.c1, bytes: Fix.frame(.joinRequest(username: "alice", color: "ff8800"))), [
            .cancelTimer(.joinDeadline(Fix.c1)),
            .log("join #1 as \"alice\" color ff8800"),
            .send(to: [Fix.c1], bytes: Fix.serverInfo([(Fix.uid1, "alice", "ff8800")], for: Fix.uid1)),
            .send(.system(text: "alice joined the chat"), to: Fix.c1),
            .setTimer(.announce, millis: 100),
        ], shows: [.system("alice joined the chat")])
        // No host user: a typed line has no one to speak for.
        s.send(.inputLine("hi"), [])
    }

    @Test func announcementsNameAFewAndCountTheRest() {
        #expect(Room.announcement(joined: true, ["alice"]) == "alice joined the chat")
        #expect(Room.announcement(joined: false, ["alice", "bob"]) == "alice and bob left the chat")
        #expect(Room.announcement(joined: true, ["a", "b", "c"]) == "a, b and c joined the chat")
        let eight = (1...8).map { "u\($0)" }
        #expect(Room.announcement(joined: true, eight) == "u1, u2, u3, u4, u5, u6, u7 and u8 joined the chat")
        let many = (1...45).map { "u\($0)" }
        #expect(Room.announcement(joined: true, many) == "u1, u2 and 43 others joined the chat")
        #expect(Room.announcement(joined: false, many) == "u1, u2 and 43 others left the chat")
    }

    /// The first join after a quiet spell is sent at once; those that follow within the
    /// timer's interval wait for it and are sent together, a run of joins and a run of leaves
    /// each as one line, in order. The host's own screen shows each one as it happens.
    @Test func joinsAndLeavesInAMomentAreAnnouncedTogether() {
        var s = roomWithAlice()
        for n in 2...4 {
            let conn = ConnID(UInt64(n))
            _ = s.reduce(.accepted(conn: conn, uid: UID(high: 9, low: UInt64(n)), remote: "r"))
            _ = s.reduce(.received(conn: conn, bytes: Fix.frame(.joinRequest(username: "u\(n)", color: "000000"))))
        }
        _ = s.reduce(.disconnected(conn: ConnID(2), reason: "x"))
        _ = s.reduce(.disconnected(conn: Fix.c1, reason: "x"))
        #expect(s.app.ui?.history.lines.map(\.text).filter { $0.hasSuffix(" the chat") } == [
            "alice joined the chat", "u2 joined the chat", "u3 joined the chat", "u4 joined the chat",
            "u2 left the chat", "alice left the chat",
        ])
        s.send(.timer(.announce), [
            .send(.system(text: "u3 and u4 joined the chat"), to: ConnID(3), ConnID(4)),
            .send(.system(text: "u2 and alice left the chat"), to: ConnID(3), ConnID(4)),
            .setTimer(.announce, millis: 100),
        ])
        // Nothing came since: the timer stops, and the next join is announced at once.
        s.send(.timer(.announce), [])
    }

    /// A room of `n` members u1...un on connections 1...n, the host first; no timer has fired.
    func bigRoom(_ n: Int) -> TestStore {
        var s = TestStore(Self.config)
        for i in 1...n {
            let conn = ConnID(UInt64(i))
            _ = s.reduce(.accepted(conn: conn, uid: UID(high: 7, low: UInt64(i)), remote: "r"))
            _ = s.reduce(.received(conn: conn, bytes: Fix.frame(.joinRequest(username: "u\(i)", color: "000000"))))
        }
        return s
    }

    func entry(_ i: Int) -> (UID, String, String) { (UID(high: 7, low: UInt64(i)), "u\(i)", "000000") }

    /// Above `Limits.wholeTableMembers` a joiner's table holds the host, the recent speakers and
    /// itself; before it is sent a chat from anyone else, it gets a table that holds the sender.
    @Test func inALargeRoomJoinersGetShortTablesAndLearnOfSpeakersFirst() {
        var s = bigRoom(99)
        let uid100 = UID(high: 7, low: 100)
        _ = s.reduce(.accepted(conn: ConnID(100), uid: uid100, remote: "r"))
        // No quiet refresh either: it would send every member the whole table.
        s.send(.received(conn: ConnID(100), bytes: Fix.frame(.joinRequest(username: "u100", color: "000000"))), [
            .cancelTimer(.joinDeadline(ConnID(100))),
            .log("join #100 as \"u100\" color 000000"),
            .send(to: [ConnID(100)], bytes: Fix.serverInfo([hostEntry, entry(100)], for: uid100)),
        ], shows: [.system("u100 joined the chat")])
        // The held announcements go out (a chat would send them first otherwise).
        _ = s.reduce(.timer(.announce))
        // u100 speaks: every other member has a table without u100 (the first 64 got whole tables
        // before u100 came, the others short ones), so each gets the whole table first.
        let whole = [hostEntry] + (1...100).map(entry)
        let others = (1...99).map { ConnID(UInt64($0)) }
        s.send(.received(conn: ConnID(100), bytes: Fix.frame(.chat(uid: nil, text: "hi"))),
               others.map { .send(to: [$0], bytes: Fix.serverInfo(whole, for: UID(high: 7, low: $0.raw))) }
               + [.send(to: others, bytes: Fix.frame(.chat(uid: uid100, text: "hi")))],
               shows: [.chat("u100", RGB(r: 0, g: 0, b: 0), "hi")])
        // Now everyone knows u100: the next chat goes straight out.
        s.send(.received(conn: ConnID(100), bytes: Fix.frame(.chat(uid: nil, text: "again"))),
               [.send(to: others, bytes: Fix.frame(.chat(uid: uid100, text: "again")))],
               shows: [.chat("u100", RGB(r: 0, g: 0, b: 0), "again")])
        // The next joiner's short table holds the recent speaker.
        let uid101 = UID(high: 7, low: 101)
        _ = s.reduce(.accepted(conn: ConnID(101), uid: uid101, remote: "r"))
        s.send(.received(conn: ConnID(101), bytes: Fix.frame(.joinRequest(username: "u101", color: "000000"))), [
            .cancelTimer(.joinDeadline(ConnID(101))),
            .log("join #101 as \"u101\" color 000000"),
            .send(to: [ConnID(101)], bytes: Fix.serverInfo([hostEntry, entry(100), entry(101)], for: uid101)),
        ], shows: [.system("u101 joined the chat")])
    }

    /// Above `Limits.lazyWholeTableMembers` even a member about to meet an unknown sender gets a
    /// short table: the host, the recent speakers (the sender among them) and itself.
    @Test func inAVeryLargeRoomUnknownSendersComeInShortTables() {
        let n = Limits.lazyWholeTableMembers + 1
        var s = bigRoom(n)
        let last = ConnID(UInt64(n))
        let effects = s.reduce(.received(conn: last, bytes: Fix.frame(.chat(uid: nil, text: "hi"))))
        let sends = effects.compactMap { e -> (ConnID, Bytes)? in
            if case let .send(to, bytes) = e, to.count == 1 { (to[0], bytes) } else { nil }
        }
        // The first 64 had whole tables from before `last` came; the others short ones without it.
        #expect(sends.count == n - 1)
        #expect(sends[0].0 == ConnID(1))
        #expect(sends[0].1 == Fix.serverInfo([hostEntry, entry(n), entry(1)], for: UID(high: 7, low: 1)))
        #expect(sends[n - 2].1 == Fix.serverInfo([hostEntry, entry(n), entry(n - 1)], for: UID(high: 7, low: UInt64(n - 1))))
        #expect(effects.last == .send(to: (1..<n).map { ConnID(UInt64($0)) }, bytes: Fix.frame(.chat(uid: UID(high: 7, low: UInt64(n)), text: "hi"))))
        // Another speaker: members get a table with both recent speakers, the latest last.
        let effects2 = s.reduce(.received(conn: ConnID(5), bytes: Fix.frame(.chat(uid: nil, text: "yo"))))
        #expect(effects2.first == .send(to: [ConnID(1)], bytes: Fix.serverInfo([hostEntry, entry(n), entry(5), entry(1)], for: UID(high: 7, low: 1))))
        // All n - 1 others (the first speaker too) get one, then the chat.
        #expect(effects2.count == n)
    }

    /// A sender's chats check the others' tables once while nothing changes, but again after
    /// any short table went out, since a short table replaces a longer one. Followed frame by
    /// frame, no member ever receives a chat from a sender its latest table lacks.
    @Test func inAVeryLargeRoomNoMemberMeetsAnUnknownSender() throws {
        let n = Limits.lazyWholeTableMembers + 1
        var app = ChatApp(config: Self.config)
        var tables: [ConnID: Set<UID>] = [:]
        var unknownSenders = 0
        // Members followed: the first whole-table ones, the edges of the short-table regime,
        // and every seventh (decoding every table of every member is slow in a debug build).
        let followed = Set((1...n).filter { $0 <= 3 || ($0 >= 63 && $0 <= 67) || $0 >= n - 2 || $0 % 7 == 0 }
            .map { ConnID(UInt64($0)) })
        func run(_ event: Event) throws -> [Effect] {
            let effects = app.reduce(event)
            for case let .send(to, bytes) in effects where to.contains(where: followed.contains) {
                var decoder = FrameDecoder(limit: 1 << 20)
                for frame in decoder.feed(bytes.array) {
                    switch try MessageCodec.decode(frame.body) {
                    case let .serverInfo(users, _):
                        for conn in to { tables[conn] = Set(users.map(\.key)) }
                    case let .chat(uid?, _):
                        for conn in to where followed.contains(conn) && !(tables[conn]?.contains(uid) ?? false) {
                            unknownSenders += 1
                        }
                    default: break
                    }
                }
            }
            return effects
        }
        for i in 1...n {
            let conn = ConnID(UInt64(i))
            _ = try run(.accepted(conn: conn, uid: UID(high: 7, low: UInt64(i)), remote: "r"))
            _ = try run(.received(conn: conn, bytes: Fix.frame(.joinRequest(username: "u\(i)", color: "000000"))))
        }
        _ = try run(.timer(.announce))
        let say = { (i: Int, text: String) in
            try run(.received(conn: ConnID(UInt64(i)), bytes: Fix.frame(.chat(uid: nil, text: text))))
        }
        #expect(try say(1, "first").count > 1)  // short tables to those who joined before u1 spoke, then the chat
        #expect(try say(1, "again").count == 2)  // nobody's table changed: stored, then straight out
        // More speakers than a short table holds: u1 drops out of the latest tables.
        for speaker in 2...(Limits.recentSpeakers + 2) { _ = try say(speaker, "me too") }
        #expect(try say(1, "still here").count > 1)
        #expect(unknownSenders == 0)
    }

    @Test func connectionLimit() {
        var s = TestStore(AppConfig(role: .server, maxConnections: 1))
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        s.send(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "b"), [
            .log("reject #2 from b: the server is full (1 connections)"),
            .send(.system(text: "Connection refused: the server is full (1 connections)"), to: Fix.c2),
            .close(conn: Fix.c2, reason: "the server is full (1 connections)"),
        ])
        #expect(s.room.connectionCount == 1)
    }
}

@Suite struct TextRulesTests {
    /// cleanText removes C0, DEL and C1 by range; that must be exactly Unicode's Cc category.
    @Test func controlRangesAreExactlyCategoryCc() {
        for v in UInt32(0)...0x10FFFF {
            guard let s = Unicode.Scalar(v) else { continue }
            let kept = TextRules.cleanText(String(s) + "x") != "x"
            let expected = v == 0x0A || v == 0x09 || s.properties.generalCategory != .control
            if kept != expected { Issue.record("U+\(String(v, radix: 16)) kept: \(kept)"); return }
        }
    }

    @Test func uidFastPathAgreesWithTheGeneralParser() {
        for text in ["5d0c2a6e-8f1b-4c3d-9e7f-0123456789ab", "5D0C2A6E-8F1B-4C3D-9E7F-0123456789AB",
                     "5d0c2a6e-8f1b-4c3d-9e7f-0123456789a-", "5d0c2a6e8f1b-4c3d-9e7f-0123456789abcd"] {
            #expect(UID(text)?.description == UID(String(text.filter { $0 != "-" }))?.description)
        }
    }
}

extension RoomTests {
    /// A chat sends the held announcements first: members read that someone came before
    /// they read what that someone said.
    @Test func heldAnnouncementsGoOutBeforeAChat() {
        var s = roomWithAlice()
        for n in 2...3 {
            let conn = ConnID(UInt64(n))
            _ = s.reduce(.accepted(conn: conn, uid: UID(high: 9, low: UInt64(n)), remote: "r"))
            _ = s.reduce(.received(conn: conn, bytes: Fix.frame(.joinRequest(username: "u\(n)", color: "000000"))))
        }
        _ = s.reduce(.timer(.tableRefresh))
        let effects = s.reduce(.received(conn: ConnID(3), bytes: Fix.frame(.chat(uid: nil, text: "hi"))))
        #expect(effects == [
            .send(.system(text: "u3 joined the chat"), to: Fix.c1, ConnID(2), ConnID(3)),
            .setTimer(.announce, millis: 100),
            .send(.chat(uid: UID(high: 9, low: 3), text: "hi"), to: Fix.c1, ConnID(2)),
        ])
    }
}
