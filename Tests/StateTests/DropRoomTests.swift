import Testing
@testable import ChatState

/// `/drop #ROOM [REASON]` at the server, exhaustively (issue #14): RoomsTests' room, the host,
/// alice (#1, original), bob (#2) and carol (#3), pychat with rooms, bob and carol in #rust.
/// Every refusal; the members told (each a `Part` with the drop) and out of it, the host's
/// rooms, the op told; the slot under `Limits.maxRooms` freed; the drop kept for the store; a
/// restart not bringing it back; a room made again with the name starting empty, its numbers
/// going on; a rejoin of a dropped room told it is gone.
@Suite struct DropRoomTests {
    typealias R = RoomCommandTests
    typealias T = RoomsTests
    static let host = HostRoomsTests.host

    static func drop(_ seq: Int64, by: String = "host", _ reason: String? = "spam", room: String = "rust") -> RoomDrop {
        RoomDrop(room: room, throughSeq: seq, by: by, reason: reason, wallMillis: 0)
    }

    static func dropped(_ d: RoomDrop, to conn: ConnID, _ m: RoomMember) -> Effect {
        .send(to: [conn], bytes: R.ext(.dropped(d, uid: m.uid, name: m.name)))
    }

    // MARK: Refusals

    @Test func onlyOpsDropAndGeneralAnUnknownRoomAndABadNameAreRefusedWithOneLine() {
        var s = T.rust()
        s.send(.received(conn: Fix.c2, bytes: T.command("/drop #rust spam")), [T.notice("/drop is for ops.")])
        s.send(.received(conn: Fix.c1, bytes: R.say("/drop #rust")), [.send(.system(text: "/drop is for ops."), to: Fix.c1)])
        let answers = [
            ("/drop #general", "#general cannot be dropped: it is the original's room, where everyone always is."),
            ("/drop #General now", "#general cannot be dropped: it is the original's room, where everyone always is."),
            ("/drop #go", "There is no room #go: /rooms lists them."),
            ("/drop", "/drop needs a #ROOM. Usage: /drop #ROOM [REASON]"),
            ("/drop #a!b", "A room's name holds only letters, digits, - _ and . after the #: #a!b does not."),
        ]
        for (line, answer) in answers { s.send(.inputLine(line), [], shows: [.notice(answer)]) }
        #expect(s.room.roomNames == ["rust"])
        #expect(s.room.roomMembers("rust") == [Fix.c2, Fix.c3])
    }

    @Test func helpListsDropToOpsOnly() {
        var s = T.rust()
        let drop = "  /drop #ROOM [REASON]: close a room: its members are put back in #general and it is gone from /rooms"
        #expect(s.app.step(.inputLine("/help")).lines.contains(.notice(drop)))
        let bobs = s.reduce(.received(conn: Fix.c2, bytes: T.command("/help")))
        #expect(bobs.contains(T.notice("  /rooms: every room, with its members and topic")))
        #expect(!bobs.contains(T.notice(drop)))
    }

    // MARK: Dropping

    @Test func everyMemberIsToldAndTakenOutAndTheRoomIsGoneFromRooms() {
        var s = T.rust()
        _ = s.reduce(.received(conn: Fix.c2, bytes: R.ext(.say(room: "rust", text: "buy now"))))
        let drop = Self.drop(4)
        s.send(.inputLine("/drop #Rust spam"), [
            .keepModeration(.dropRoom(drop)),
            .log("moderation: \"host dropped #rust: spam\" (2 in it)"),
            Self.dropped(drop, to: Fix.c2, T.bob),
            Self.dropped(drop, to: Fix.c3, T.carol),
        ], shows: [.notice("#rust was dropped by host: spam")])
        #expect(s.room.roomNames == [])
        #expect(s.room.roomMembers("rust") == nil)
        // Neither may talk there: a Say that crossed the drop on the wire is told, not an error.
        s.send(.received(conn: Fix.c3, bytes: R.ext(.say(room: "rust", text: "x"))), [
            .log("Say from #3 to a room it is not in; not sent"), T.notice("Not sent: you are not in #rust.", to: Fix.c3),
        ])
        s.send(.received(conn: Fix.c2, bytes: T.command("/rooms")), [
            .send(to: [Fix.c2], bytes: R.ext(.rooms([RoomSummary(name: "general", members: 4, topic: nil)]))),
        ])
        // The second time there is no such room.
        s.send(.inputLine("/drop #rust"), [], shows: [.notice("There is no room #rust: /rooms lists them.")])
    }

    @Test func theDropIsTheRoomsLastEntryAndItsMembersLeaveNoOtherEntry() {
        var s = TestStore(T.config, storing: true)
        _ = s.reduce(.time(Instant(monotonicMillis: 0)))
        _ = s.reduce(.accepted(conn: Fix.c2, uid: Fix.uid2, remote: "bob"))
        _ = s.reduce(.received(conn: Fix.c2, bytes: T.roomsSign))
        _ = s.reduce(.received(conn: Fix.c2, bytes: Fix.frame(.joinRequest(username: "bob", color: "0000ff"))))
        _ = s.reduce(.received(conn: Fix.c2, bytes: T.command("/join #rust")))
        let effects = s.reduce(.inputLine("/drop #rust"))
        let record = RoomEntry(room: "rust", seq: 2, wallMillis: 0, kind: .moderation, author: "host", authorUID: Fix.hostUID,
                               color: R.hostColor, text: "dropped #rust")
        #expect(effects.first == .store([record]))
        #expect(effects.contains(.keepModeration(.dropRoom(Self.drop(2, nil)))))
        #expect(effects.contains(Self.dropped(Self.drop(2, nil), to: Fix.c2, T.bob)))
    }

    @Test func anOpWhoIsInTheRoomIsToldByItsPartAloneAndAnOriginalClientSeesNothing() {
        var s = T.rust()
        _ = s.reduce(.inputLine("/op bob"))
        let drop = Self.drop(3, by: "bob", "ads")
        let effects = s.reduce(.received(conn: Fix.c2, bytes: T.command("/drop #rust ads", in: "rust")))
        #expect(effects == [.keepModeration(.dropRoom(drop)), .log("moderation: \"bob dropped #rust: ads\" (2 in it)"),
                            Self.dropped(drop, to: Fix.c2, T.bob), Self.dropped(drop, to: Fix.c3, T.carol)])
        // alice, the original client, is sent nothing of it.
        #expect(!effects.contains { if case let .send(to, _) = $0 { to.contains(Fix.c1) } else { false } })
    }

    @Test func theHostInTheRoomIsTakenOutAndTalksInGeneralAgain() {
        var s = HostRoomsTests.rustWithHost()
        _ = s.reduce(.inputLine("/join #go"))
        _ = s.reduce(.inputLine("/join #rust"))
        #expect(s.room.hostRooms == HostRooms(joined: ["rust", "go"], current: "rust"))
        _ = s.reduce(.inputLine("/op carol"))
        let drop = Self.drop(4, by: "carol", nil)
        s.send(.received(conn: Fix.c3, bytes: T.command("/drop #rust")), [
            .keepModeration(.dropRoom(drop)), .log("moderation: \"carol dropped #rust\" (3 in it)"),
            Self.dropped(drop, to: Fix.c2, T.bob), Self.dropped(drop, to: Fix.c3, T.carol),
        ], shows: [.notice("#rust was dropped by carol; talking in #general now.")])
        #expect(s.room.hostRooms == HostRooms(joined: ["go"], current: nil))
        // The host dropping a room it is in is told once, as a member is.
        s.send(.inputLine("/drop #go"), [
            .keepModeration(.dropRoom(Self.drop(2, nil, room: "go"))), .log("moderation: \"host dropped #go\" (1 in it)"),
        ], shows: [.notice("#go was dropped by host; talking in #general now.")])
        #expect(s.room.hostRooms == HostRooms(joined: [], current: nil))
    }

    @Test func aDroppedRoomsSlotIsFreeForANewRoom() {
        var s = T.room()
        T.fill(&s, made: 0)
        s.send(.received(conn: Fix.c2, bytes: T.command("/join #mine")),
               [T.notice("The server has 100 rooms, the most it keeps: /rooms lists them.", refusingJoin: "mine")])
        _ = s.reduce(.inputLine("/drop #x7 hoarding"))
        #expect(s.room.roomNames.count == Limits.maxRooms - 2)
        #expect(!s.room.roomNames.contains("x7"))
        #expect(s.reduce(.received(conn: Fix.c2, bytes: T.command("/join #mine"))).first == .log("room #mine made by \"bob\""))
        #expect(s.room.roomNames.last == "mine")
    }

    // MARK: A room made again with the name

    @Test func aRoomMadeAgainStartsEmptyItsNumbersGoingOn() {
        var s = T.rust()
        _ = s.reduce(.received(conn: Fix.c2, bytes: R.ext(.say(room: "rust", text: "old"))))
        _ = s.reduce(.inputLine("/drop #rust"))
        // Entries 1 to 4 were the dropped room's: bob's join is 5, and he is shown nothing older.
        s.send(.received(conn: Fix.c2, bytes: T.command("/join #rust")), [
            .log("room #rust made by \"bob\""), .log("join #rust #2 \"bob\""),
            .send(to: [Fix.c2], bytes: R.ext(.join(RoomJoin(room: "rust", member: T.bob, seq: 5, wallMillis: 0, whole: ([T.bob], nil))))),
            .send(to: [Fix.c2], bytes: R.ext(.history(room: "rust", entries: [], more: false))),
        ])
        // A page before it is answered from memory, with nothing more: no question to the store.
        s.send(.received(conn: Fix.c2, bytes: R.ext(.historyRequest(room: "rust", before: 5, limit: 100))), [
            .send(to: [Fix.c2], bytes: R.ext(.history(room: "rust", entries: [], more: false))),
        ])
        s.send(.received(conn: Fix.c3, bytes: T.command("/join #rust")), [
            .log("join #rust #3 \"carol\""),
            .send(to: [Fix.c3], bytes: R.ext(.join(RoomJoin(room: "rust", member: T.carol, seq: 6, wallMillis: 0,
                                                            whole: ([T.bob, T.carol], nil))))),
            .send(to: [Fix.c3], bytes: R.ext(.history(room: "rust", entries: [T.entry(5, .join, T.bob)], more: false))),
            .send(to: [Fix.c2], bytes: R.ext(.join(RoomJoin(room: "rust", member: T.carol, seq: 6, wallMillis: 0)))),
        ])
    }

    // MARK: A restart

    @Test func aRestartDoesNotBringADroppedRoomBackAndAMadeAgainOneHasOnlyItsOwnEntries() {
        let records = ModerationRecords(drops: [Self.drop(9, "spam"), Self.drop(4, room: "go")])
        let old = [T.entry(8, .chat, T.bob, "buy now"), T.entry(9, .moderation, Self.host, "dropped #rust: spam")]
        var s = T.room([.restoredModeration(records),
                        .restored(room: "rust", nextSeq: 10, latest: old, topic: T.entry(3, .topic, T.bob, "deals")),
                        .restored(room: "go", nextSeq: 7, latest: [T.entry(4, .moderation, Self.host, "dropped #go", room: "go"),
                                                                   T.entry(5, .join, T.carol, room: "go"),
                                                                   T.entry(6, .chat, T.carol, "new", room: "go")],
                                  topic: T.entry(2, .topic, T.carol, "old topic", room: "go"))])
        // #rust had nothing after its drop: not restored. #go was made again: restored, its own entries only.
        #expect(s.room.roomNames == ["go"])
        #expect(s.room.topic(of: "go") == nil)
        s.send(.received(conn: Fix.c2, bytes: T.command("/join #go")), [
            .log("join #go #2 \"bob\""),
            .send(to: [Fix.c2], bytes: R.ext(.join(RoomJoin(room: "go", member: T.bob, seq: 7, wallMillis: 0, whole: ([T.bob], nil))))),
            .send(to: [Fix.c2], bytes: R.ext(.history(room: "go", entries: [T.entry(5, .join, T.carol, room: "go"),
                                                                           T.entry(6, .chat, T.carol, "new", room: "go")], more: false))),
        ])
        // #rust made again starts after its drop, empty and with no topic.
        s.send(.received(conn: Fix.c3, bytes: T.command("/join #rust")), [
            .log("room #rust made by \"carol\""), .log("join #rust #3 \"carol\""),
            .send(to: [Fix.c3], bytes: R.ext(.join(RoomJoin(room: "rust", member: T.carol, seq: 10, wallMillis: 0, whole: ([T.carol], nil))))),
            .send(to: [Fix.c3], bytes: R.ext(.history(room: "rust", entries: [], more: false))),
        ])
    }

    // MARK: Rejoining after a reconnect

    @Test func aRejoinOfADroppedRoomIsToldItIsGoneAndOfOneMadeAgainGetsOnlyTheNewRoom() {
        var s = RoomResumeTests.room(said: 3)
        let dave = RoomResumeTests.dave, c4 = RoomResumeTests.c4
        _ = s.reduce(.inputLine("/drop #rust"))
        // dave had shown up to entry 4 of #rust before his cut: told it is gone, no room made.
        s.send(.received(conn: c4, bytes: RoomResumeTests.rejoin(after: 4)), [
            .log("#4 rejoins #rust, dropped by \"host\": told it is gone"), Self.dropped(Self.drop(6, nil), to: c4, dave),
        ])
        #expect(s.room.roomNames == [])
        // A plain join makes it again; a later rejoin from before the drop gets only the new room's.
        _ = s.reduce(.received(conn: Fix.c2, bytes: T.command("/join #rust")))
        _ = s.reduce(.received(conn: Fix.c2, bytes: R.ext(.say(room: "rust", text: "fresh"))))
        s.send(.received(conn: c4, bytes: RoomResumeTests.rejoin(after: 4)), [
            .log("join #rust #4 \"dave\""),
            .send(to: [c4], bytes: R.ext(.join(RoomJoin(room: "rust", member: dave, seq: 9, wallMillis: 0, whole: ([T.bob, dave], nil))))),
        ] + RoomResumeTests.resumed([T.entry(7, .join, T.bob), T.entry(8, .chat, T.bob, "fresh")], through: 8) + [
            .send(to: [Fix.c2], bytes: R.ext(.join(RoomJoin(room: "rust", member: dave, seq: 9, wallMillis: 0)))),
        ])
    }
}
