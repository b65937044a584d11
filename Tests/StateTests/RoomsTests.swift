import Testing
@testable import ChatState

/// Rooms besides `#general` at the server, exhaustively: the host, alice (#1, an original
/// client), bob (#2) and carol (#3), pychat clients that negotiated `rooms`. Every decision:
/// joining (made, folded, refused), parting, the limits, what each peer is sent (an original
/// client nothing of another room), per-room history, topics, and a restart's restore.
@Suite struct RoomsTests {
    typealias R = RoomCommandTests
    static let roomsSign = NegotiationTests.sign("pychat/1 history commands rooms")
    static let bob = RoomMember(uid: Fix.uid2, name: "bob", color: R.bobColor)
    static let carol = RoomMember(uid: Fix.uid3, name: "carol", color: RGB.cleaned("cc00cc"))

    static func command(_ line: String, in room: String? = nil) -> Bytes { R.ext(.command(line: line, room: room)) }
    static func notice(_ text: String, to conn: ConnID = Fix.c2, refusingJoin room: String? = nil) -> Effect {
        .send(to: [conn], bytes: R.ext(.notice(text: text, refusedJoin: room)))
    }
    static func entry(_ seq: Int64, _ kind: RoomEntry.Kind, _ m: RoomMember, _ text: String = "", room: String = "rust") -> RoomEntry {
        RoomEntry(room: room, seq: seq, wallMillis: 0, kind: kind, author: m.name, authorUID: m.uid, color: m.color, text: text)
    }

    /// RoomTests' room without a chat rate: these tests send many commands in a row (a
    /// command costs a chat's token, which FloodControlTests covers).
    static let config: AppConfig = {
        var c = RoomTests.config
        c.chatRate = 0
        return c
    }()

    /// The host, alice (original), bob and carol (pychat with rooms), joined, the timers fired.
    static func room(_ restored: [Event] = []) -> TestStore {
        var s = TestStore(Self.config)
        _ = s.reduce(.time(Instant(monotonicMillis: 0)))
        for e in restored { _ = s.reduce(e) }
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        _ = s.reduce(.received(conn: Fix.c1, bytes: Fix.frame(.joinRequest(username: "alice", color: "ff8800"))))
        for (conn, uid, name, color) in [(Fix.c2, Fix.uid2, "bob", "0000ff"), (Fix.c3, Fix.uid3, "carol", "cc00cc")] {
            _ = s.reduce(.accepted(conn: conn, uid: uid, remote: name))
            _ = s.reduce(.received(conn: conn, bytes: roomsSign))
            _ = s.reduce(.received(conn: conn, bytes: Fix.frame(.joinRequest(username: name, color: color))))
        }
        _ = s.reduce(.timer(.announce))
        _ = s.reduce(.timer(.tableRefresh))
        _ = s.reduce(.timer(.announce))
        return s
    }

    /// bob makes #rust, carol joins it as `#Rust`.
    static func rust() -> TestStore {
        var s = room()
        _ = s.reduce(.received(conn: Fix.c2, bytes: command("/join #rust")))
        _ = s.reduce(.received(conn: Fix.c3, bytes: command("/join #Rust")))
        return s
    }

    // MARK: Joining

    @Test func aJoinMakesTheRoomAndTellsTheJoinerItsMembersAndHistoryAndTheOthersTheJoin() {
        var s = Self.room()
        s.send(.received(conn: Fix.c2, bytes: Self.command("/join #rust")), [
            .log("room #rust made by \"bob\""),
            .log("join #rust #2 \"bob\""),
            .send(to: [Fix.c2], bytes: R.ext(.join(RoomJoin(room: "rust", member: Self.bob, seq: 1, wallMillis: 0,
                                                            whole: ([Self.bob], nil))))),
            .send(to: [Fix.c2], bytes: R.ext(.history(room: "rust", entries: [], more: false))),
        ])
        // Case and look-alikes fold: `#RUST` is #rust; carol is told who is there and what was said.
        s.send(.received(conn: Fix.c3, bytes: Self.command("/join #RUST")), [
            .log("join #rust #3 \"carol\""),
            .send(to: [Fix.c3], bytes: R.ext(.join(RoomJoin(room: "rust", member: Self.carol, seq: 2, wallMillis: 0,
                                                            whole: ([Self.bob, Self.carol], nil))))),
            .send(to: [Fix.c3], bytes: R.ext(.history(room: "rust", entries: [Self.entry(1, .join, Self.bob)], more: false))),
            .send(to: [Fix.c2], bytes: R.ext(.join(RoomJoin(room: "rust", member: Self.carol, seq: 2, wallMillis: 0)))),
        ])
        #expect(s.room.roomMembers("rust") == [Fix.c2, Fix.c3])
        s.send(.received(conn: Fix.c2, bytes: Self.command("/join #go")), [
            .log("room #go made by \"bob\""), .log("join #go #2 \"bob\""),
            .send(to: [Fix.c2], bytes: R.ext(.join(RoomJoin(room: "go", member: Self.bob, seq: 1, wallMillis: 0, whole: ([Self.bob], nil))))),
            .send(to: [Fix.c2], bytes: R.ext(.history(room: "go", entries: [], more: false))),
        ])
        // `#g` + a Cyrillic о is #go.
        s.send(.received(conn: Fix.c2, bytes: Self.command("/join #g\u{43E}")), [Self.notice("You are in #go already.", refusingJoin: "g\u{43E}")])
        #expect(s.room.roomNames == ["rust", "go"])
    }

    @Test func badNamesAreRefusedWithOneLine() {
        var s = Self.room()
        let answers: [(String, String)] = [
            ("/join rust", "A room's name starts with #: /join #rust"),
            ("/join #", "A room needs a name after the #: /join #rust"),
            ("/join #" + String(repeating: "a", count: 33), "A room's name is at most 32 characters after the #; this one has 33."),
            ("/join #a!b", "A room's name holds only letters, digits, - _ and . after the #: #a!b does not."),
            ("/join #a\u{1B}[2Jb", "A room's name holds only letters, digits, - _ and . after the #: #a[2Jb does not."),
            ("/join #a #b", "/join takes one NAME, without spaces. Usage: /join #ROOM"),
            ("/join", "/join needs a NAME. Usage: /join #ROOM"),
            ("/join #general", "You are in #general: everyone is."),
            ("/part", "Everyone is always in #general, the original's room: /quit leaves the server."),
            ("/part #general", "Everyone is always in #general, the original's room: /quit leaves the server."),
            ("/part #rust", "You are not in #rust."),
            ("/part #a #b", "/part takes one #ROOM. Usage: /part [#ROOM]"),
        ]
        for (line, answer) in answers {
            s.send(.received(conn: Fix.c2, bytes: Self.command(line)), [Self.notice(answer)])
        }
        // A 32-character name is a name.
        #expect(s.reduce(.received(conn: Fix.c2, bytes: Self.command("/join #" + String(repeating: "é", count: 32)))).count == 4)
    }

    /// (The host's screen goes into rooms: `HostRoomsTests`.)
    @Test func theOriginalClientStaysInGeneral() {
        var s = Self.rust()
        s.send(.received(conn: Fix.c1, bytes: R.say("/join #rust")),
               [.send(.system(text: "/join needs a pychat client that knows rooms: an original PyChat client stays in #general."), to: Fix.c1)])
        s.send(.received(conn: Fix.c1, bytes: R.say("/part #rust")),
               [.send(.system(text: "/part needs a pychat client that knows rooms: an original PyChat client stays in #general."), to: Fix.c1)])
        // A pychat client that did not negotiate `rooms` is told so, and stays in #general.
        var old = TestStore(RoomTests.config)
        _ = old.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "b"))
        _ = old.reduce(.received(conn: Fix.c2, bytes: R.commandsSign))
        _ = old.reduce(.received(conn: Fix.c2, bytes: Fix.frame(.joinRequest(username: "bob", color: "0000ff"))))
        old.send(.received(conn: Fix.c2, bytes: Self.command("/join #rust")),
                 [Self.notice("/join needs a pychat client that knows rooms: this one stays in #general.")])
    }

    // MARK: Delivery

    @Test func aRoomsChatReachesItsOtherMembersOnlyAndGeneralsReachesEveryone() {
        var s = Self.rust()
        // bob in #rust: carol alone; alice, the original client, nothing; the host's screen nothing.
        s.send(.received(conn: Fix.c2, bytes: R.ext(.say(room: "rust", text: "hi rust"))), [
            .send(to: [Fix.c3], bytes: R.ext(.roomEntry(uid: Fix.uid2, Self.entry(3, .chat, Self.bob, "hi rust")))),
        ])
        // alice in #general: everyone, as ever (bob and carol stamped: they negotiated history).
        let effects = s.reduce(.received(conn: Fix.c1, bytes: R.say("hi all")))
        #expect(effects.contains(.send(.chat(uid: Fix.uid1, text: "hi all"), to: Fix.c2, Fix.c3)))
        // A Say to a room it is not in (it may have crossed a part on the wire) is told, and not
        // counted a protocol error; a made-up name is not quoted back.
        s.send(.received(conn: Fix.c2, bytes: R.ext(.say(room: "go", text: "x"))), [
            .log("Say from #2 to a room it is not in; not sent"), Self.notice("Not sent: you are not in #go."),
        ])
        s.send(.received(conn: Fix.c2, bytes: R.ext(.say(room: "a\u{1B}[2J", text: "x"))), [
            .log("Say from #2 to a room it is not in; not sent"), Self.notice("Not sent: you are not in that room."),
        ])
        #expect(s.room.violations(of: Fix.c2) == 0)
        // /me and /topic typed in #rust stay in #rust, to all of its members.
        s.send(.received(conn: Fix.c3, bytes: Self.command("/me waves", in: "rust")), [
            .send(to: [Fix.c2, Fix.c3], bytes: R.ext(.roomEntry(uid: Fix.uid3, Self.entry(4, .action, Self.carol, "waves")))),
        ])
        // A line typed in a room it is not in is refused.
        s.send(.received(conn: Fix.c3, bytes: Self.command("/me waves", in: "go")), [Self.notice("You are not in #go.", to: Fix.c3)])
        // A room the peer made up is not quoted back: it could be 60 000 bytes of escapes.
        s.send(.received(conn: Fix.c3, bytes: Self.command("/me waves", in: String(repeating: "\u{1B}[2J", count: 5000))),
               [Self.notice("You are not in that room.", to: Fix.c3)])
    }

    @Test func anOriginalClientIsSentNothingOfAnotherRoom() {
        var s = Self.room()
        var toAlice: [Effect] = []
        for (conn, bytes) in [(Fix.c2, Self.command("/join #rust")), (Fix.c3, Self.command("/join #rust")),
                              (Fix.c2, R.ext(.say(room: "rust", text: "a"))), (Fix.c3, Self.command("/topic t", in: "rust")),
                              (Fix.c3, Self.command("/me x", in: "rust")), (Fix.c2, Self.command("/part", in: "rust"))] {
            toAlice += s.reduce(.received(conn: conn, bytes: bytes)).filter { if case .send(let to, _) = $0 { to.contains(Fix.c1) } else { false } }
        }
        toAlice += s.reduce(.disconnected(conn: Fix.c3, reason: "gone")).filter {
            if case .send(let to, let bytes) = $0 { to.contains(Fix.c1) && bytes.array.dropFirst(4).first != 1 } else { false }
        }
        #expect(toAlice.isEmpty)
    }

    // MARK: Parting and leaving

    @Test func partingTellsTheRoomAndLeavingTheServerPartsEveryRoom() {
        var s = Self.rust()
        _ = s.reduce(.received(conn: Fix.c3, bytes: Self.command("/join #go")))
        s.send(.received(conn: Fix.c2, bytes: Self.command("/part", in: "rust")), [
            .log("part #rust #2 \"bob\""),
            .send(to: [Fix.c2, Fix.c3], bytes: R.ext(.part(room: "rust", uid: Fix.uid2, name: "bob", seq: 3, wallMillis: 0))),
        ])
        s.send(.received(conn: Fix.c2, bytes: R.ext(.say(room: "rust", text: "x"))), [
            .log("Say from #2 to a room it is not in; not sent"), Self.notice("Not sent: you are not in #rust."),
        ])
        _ = s.reduce(.received(conn: Fix.c2, bytes: Self.command("/join #go")))
        // carol goes: bob, in #go with her, is told; #rust, now empty, is kept.
        let effects = s.reduce(.disconnected(conn: Fix.c3, reason: "gone"))
        #expect(effects.contains(.send(to: [Fix.c2], bytes: R.ext(.part(room: "go", uid: Fix.uid3, name: "carol", seq: 3, wallMillis: 0)))))
        #expect(effects.contains(.log("part #rust #3 \"carol\"")))
        #expect(s.room.roomMembers("rust") == [])
        #expect(s.room.roomMembers("go") == [Fix.c2])
        #expect(s.room.roomNames == ["rust", "go"])
    }

    // MARK: Limits

    @Test func aConnectionIsInAtMostTwentyRoomsAndTheServerKeepsAtMostAHundred() {
        var s = Self.room()
        for n in 1...Limits.maxRoomsPerConnection { _ = s.reduce(.received(conn: Fix.c2, bytes: Self.command("/join #r\(n)"))) }
        s.send(.received(conn: Fix.c2, bytes: Self.command("/join #more")),
               [Self.notice("You are in 20 rooms besides #general, the most one may be in: /part one first.", refusingJoin: "more")])
        // Parting one makes room for another.
        _ = s.reduce(.received(conn: Fix.c2, bytes: Self.command("/part #r1")))
        #expect(s.reduce(.received(conn: Fix.c2, bytes: Self.command("/join #more"))).count == 4)
        // The server: #general and 99 others; joining one of them is still fine.
        Self.fill(&s, made: 21)
        #expect(s.room.roomNames.count == Limits.maxRooms - 1)
        s.send(.received(conn: Fix.c3, bytes: Self.command("/join #one-too-many")),
               [Self.notice("The server has 100 rooms, the most it keeps: /rooms lists them.", to: Fix.c3, refusingJoin: "one-too-many")])
        // #r1, empty since bob left it, is kept: carol joins it (a log line, her Join, its History).
        #expect(s.reduce(.received(conn: Fix.c3, bytes: Self.command("/join #r1"))).count == 3)
    }

    /// Members #4 to #8 join and make rooms `#x…` until the server has `Limits.maxRooms`
    /// (`made`: how many besides #general it has).
    static func fill(_ s: inout TestStore, made: Int) {
        var made = made
        for conn in 4...8 {
            _ = s.reduce(.accepted(conn: ConnID(UInt64(conn)), uid: UID(randomBits: UInt64(conn), 9), remote: "x\(conn)"))
            _ = s.reduce(.received(conn: ConnID(UInt64(conn)), bytes: Self.roomsSign))
            _ = s.reduce(.received(conn: ConnID(UInt64(conn)), bytes: Fix.frame(.joinRequest(username: "m\(conn)", color: "000000"))))
            for _ in 0..<Limits.maxRoomsPerConnection where made < Limits.maxRooms - 1 {
                made += 1
                _ = s.reduce(.received(conn: ConnID(UInt64(conn)), bytes: Self.command("/join #x\(made)")))
            }
        }
    }

    // MARK: History, topics, /rooms

    @Test func historyRequestsAndTopicsArePerRoom() {
        var s = Self.rust()
        _ = s.reduce(.received(conn: Fix.c2, bytes: R.ext(.say(room: "rust", text: "one"))))
        s.send(.received(conn: Fix.c3, bytes: R.ext(.historyRequest(room: "rust", before: 4, limit: 100))), [
            .send(to: [Fix.c3], bytes: R.ext(.history(room: "rust", entries: [Self.entry(1, .join, Self.bob), Self.entry(2, .join, Self.carol),
                                                                               Self.entry(3, .chat, Self.bob, "one")], more: false))),
        ])
        // A room it is not in is refused as any unknown room is.
        s.send(.received(conn: Fix.c3, bytes: R.ext(.historyRequest(room: "go", before: 4, limit: 100))),
               [.log("protocol error from #3: HistoryRequest refused: no room \"go\"")])
        // A search goes to the store, for that room.
        s.send(.received(conn: Fix.c3, bytes: R.ext(.search(room: "rust", words: ["one"], limit: 50))),
               [.queryHistory(HistoryQuery(id: 1, room: "rust", range: .search(words: ["one"]), limit: 50))])
        s.send(.historyAnswered(HistoryAnswer(id: 1, entries: [Self.entry(3, .chat, Self.bob, "one")], more: false)),
               [.send(to: [Fix.c3], bytes: R.ext(.searchResults(room: "rust", words: ["one"], entries: [Self.entry(3, .chat, Self.bob, "one")])))])
        // The topic: set, shown, cleared; #general's is its own.
        s.send(.received(conn: Fix.c2, bytes: Self.command("/topic rustaceans", in: "rust")), [
            .log("topic #rust by \"bob\": \"rustaceans\""),
            .send(to: [Fix.c2, Fix.c3], bytes: R.ext(.roomEntry(uid: Fix.uid2, Self.entry(4, .topic, Self.bob, "rustaceans")))),
        ])
        s.send(.received(conn: Fix.c3, bytes: Self.command("/topic", in: "rust")), [Self.notice("The topic of #rust: rustaceans", to: Fix.c3)])
        s.send(.received(conn: Fix.c3, bytes: Self.command("/topic")), [Self.notice("No topic is set: /topic TEXT sets one.", to: Fix.c3)])
        s.send(.received(conn: Fix.c2, bytes: Self.command("/rooms")), [
            .send(to: [Fix.c2], bytes: R.ext(.rooms([RoomSummary(name: "general", members: 4, topic: nil),
                                                     RoomSummary(name: "rust", members: 2, topic: "rustaceans")]))),
        ])
        s.send(.received(conn: Fix.c1, bytes: R.say("/rooms")), [
            .send(.system(text: "2 rooms:"), to: Fix.c1), .send(.system(text: "  #general 4 members"), to: Fix.c1),
            .send(.system(text: "  #rust 2 members: rustaceans"), to: Fix.c1),
        ])
        _ = s.reduce(.received(conn: Fix.c2, bytes: Self.command("/topic -delete", in: "rust")))
        #expect(s.room.topic(of: "rust") == nil)
        s.send(.received(conn: Fix.c3, bytes: Self.command("/topic", in: "rust")), [Self.notice("#rust has no topic: /topic TEXT sets one.", to: Fix.c3)])
    }

    @Test func aRestartRestoresEveryRoomsEntriesNumbersAndTopic() {
        let old = [Self.entry(7, .chat, Self.bob, "before the restart"), Self.entry(8, .leave, Self.bob)]
        let topic = Self.entry(3, .topic, Self.bob, "rustaceans")
        let generalTopic = Self.entry(5, .topic, Self.bob, "welcome", room: "general")
        var s = Self.room([.restored(room: "general", nextSeq: 6, latest: [], topic: generalTopic),
                           .restored(room: "rust", nextSeq: 9, latest: old, topic: topic)])
        #expect(s.room.roomNames == ["rust"])
        #expect(s.room.topic(of: "general") == "welcome")
        s.send(.received(conn: Fix.c2, bytes: Self.command("/join #rust")), [
            .log("join #rust #2 \"bob\""),
            .send(to: [Fix.c2], bytes: R.ext(.join(RoomJoin(room: "rust", member: Self.bob, seq: 9, wallMillis: 0,
                                                            whole: ([Self.bob], "rustaceans"))))),
            .send(to: [Fix.c2], bytes: R.ext(.history(room: "rust", entries: old, more: true))),
        ])
        // A topic cleared before the restart stays cleared.
        var cleared = Self.room([.restored(room: "rust", nextSeq: 9, latest: [], topic: Self.entry(4, .topic, Self.bob, ""))])
        #expect(cleared.room.roomNames == ["rust"])
        #expect(cleared.room.topic(of: "rust") == nil)
        _ = cleared.reduce(.time(Instant(monotonicMillis: 1)))
    }
}
