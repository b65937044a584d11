import Testing
@testable import ChatState

/// A room an op drops, on a pychat client (feature `rooms`): the `Part` carrying the drop takes
/// the room away (its buffer gone, talking in `#general` again if it talked there), says why in
/// one line, and says not sent what was held for the room; a rejoin after a cut of a room dropped
/// meanwhile is answered the same way, with no room made again and no protocol error.
@Suite struct ClientDropRoomTests {
    typealias C = ClientRoomsTests
    static let conn = C.conn

    @Test func theDropTakesTheRoomAwayAndSaysNotSentWhatWasHeldForIt() throws {
        var app = C.joined()
        _ = app.reduce(.inputLine("/join #rust"))
        let join = RoomJoin(room: "rust", member: C.alice, seq: 2, wallMillis: 0, whole: ([C.bob, C.alice], nil))
        _ = app.reduce(.received(conn: Self.conn, bytes: C.ext(.join(join))))
        // Typed while #rust's history has yet to come: held for it.
        _ = app.reduce(.inputLine("held"))
        #expect(app.session?.pendingLines.map(\.text) == ["(pending for #rust) held"])
        let drop = RoomDrop(room: "rust", throughSeq: 3, by: "bob", reason: "spam", wallMillis: 0)
        let (effects, lines) = app.step(.received(conn: Self.conn, bytes: C.ext(.dropped(drop, uid: C.alice.uid, name: "alice"))))
        #expect(!effects.contains { if case .send = $0 { true } else { false } })
        #expect(lines.map(\.text) == ["#rust was dropped by bob: spam; talking in #general now.", "Not sent, as #rust was dropped: held"])
        let session = try #require(app.session)
        #expect(session.rooms.joined == [] && session.rooms.current == nil && session.rooms.members["rust"] == nil)
        #expect(session.pendingLines == [])
        #expect(app.ui?.rooms.others["rust"] == nil && app.ui?.rooms.current == nil)
        // What is typed next goes to #general, as the original's chat.
        #expect(app.reduce(.inputLine("here")).contains(.send(to: [Self.conn], bytes: Fix.frame(.chat(uid: Fix.uid1, text: "here")))))
    }

    @Test func aPartOfOurOwnSaysNotSentWhatWasHeldForTheRoom() {
        var app = C.joined()
        _ = app.reduce(.inputLine("/join #rust"))
        _ = app.reduce(.received(conn: Self.conn, bytes: C.ext(.join(RoomJoin(room: "rust", member: C.alice, seq: 2, wallMillis: 0,
                                                                              whole: ([C.alice], nil))))))
        _ = app.reduce(.inputLine("held"))
        let lines = app.step(.received(conn: Self.conn, bytes: C.ext(.part(room: "rust", uid: C.alice.uid, name: "alice", seq: 3,
                                                                           wallMillis: 0)))).lines
        #expect(lines.map(\.text) == ["You left #rust; talking in #general now.", "Not sent, as you left #rust: held"])
        #expect(app.session?.pendingLines == [])
    }

    @Test func withARealRoomADropAndARejoinOfARoomDroppedDuringACut() throws {
        var p = ResumePair(server: RoomsTests.config)
        for line in ["/join #rust", "in rust", "/join #go", "in go"] { p.aliceTypes(line) }
        p.pump()
        #expect(p.client.session?.rooms.joined == ["rust", "go"])
        _ = p.serverStep(.inputLine("/drop #rust spam"))
        p.pump()
        #expect(p.shown.last?.text == "#rust was dropped by host: spam; talking in #go now.")
        #expect(p.client.session?.rooms.joined == ["go"] && p.client.session?.rooms.current == "go")
        // Cut off while the host drops #go: back, alice is told it is gone, and no #go is made again.
        p.cut()
        _ = p.serverStep(.inputLine("/drop #go"))
        p.reconnect()
        #expect(p.shown.last?.text == "#go was dropped by host; talking in #general now.")
        #expect(p.client.session?.rooms.joined == [] && p.client.session?.rooms.current == nil)
        #expect(p.server.room?.roomNames == [])
        #expect(p.server.room?.violations(of: p.conn!) == 0)
        // A /join makes it again, empty: alice is shown no line of the old #go, and its numbers go on.
        let before = p.shown.count
        p.aliceTypes("/join #go")
        p.pump()
        #expect(p.client.session?.rooms.current == "go")
        #expect(!p.shown.dropFirst(before).contains { $0.text == "in go" })
        let goes = p.stored.filter { $0.room == "go" }.map(\.seq)
        #expect(goes == Array(1...Int64(goes.count)))
    }
}
