import Testing
@testable import ChatState

/// Lines typed right after `/join #rust`, before the server's `Join` and the room's history come
/// back, go to `#rust`: held, shown as pending below the history, sent as the room's `Say`s once
/// its history is shown; a refused join sends none of them and says so line by line; a cut keeps
/// them and asks for the room again; with a real room, no protocol error is counted.
@Suite struct ClientJoinPendingTests {
    typealias C = ClientRoomsTests
    static let conn = C.conn

    static func sends(_ effects: [Effect]) -> [Effect] { effects.filter { if case .send = $0 { true } else { false } } }

    @Test func linesTypedRightAfterJoinAreHeldAsPendingAndSentToTheRoomAfterItsHistory() throws {
        var app = C.joined()
        #expect(app.reduce(.inputLine("/join #Rust")) == [.send(to: [Self.conn], bytes: C.ext(.command(line: "/join #Rust")))])
        // Typed before the server answered: nothing is sent to #general, both wait for #rust.
        #expect(Self.sends(app.reduce(.inputLine("first"))) == [])
        #expect(Self.sends(app.reduce(.inputLine("second"))) == [])
        #expect(app.session?.pendingLines.map(\.text) == ["(pending for #rust) first", "(pending for #rust) second"])
        #expect(app.session?.pendingLines.allSatisfy(\.pending) == true)
        // The screen shows them dimmed below the history, as text.
        let screen = try #require(app.frame).lines()
        #expect(screen[2].contains("alice:  (pending for #rust) first") && screen[3].contains("alice:  (pending for #rust) second"),
                Comment(rawValue: screen.joined(separator: "\n")))
        // Our Join: the room is current, the lines still wait for its history.
        let join = RoomJoin(room: "rust", member: C.alice, seq: 2, wallMillis: 0, whole: ([C.bob, C.alice], nil))
        #expect(Self.sends(app.reduce(.received(conn: Self.conn, bytes: C.ext(.join(join))))) == [])
        #expect(app.session?.rooms.current == "rust")
        let bobs = RoomEntry(room: "rust", seq: 1, wallMillis: 0, kind: .chat, author: "bob", authorUID: Fix.uid2,
                             color: C.bob.color, text: "earlier")
        let effects = app.reduce(.received(conn: Self.conn, bytes: C.ext(.history(room: "rust", entries: [bobs], more: false))))
        #expect(Self.sends(effects) == [.send(to: [Self.conn], bytes: C.ext(.say(room: "rust", text: "first"))),
                                        .send(to: [Self.conn], bytes: C.ext(.say(room: "rust", text: "second")))])
        #expect(app.session?.pendingLines == [])
        let rust = try #require(app.ui).history.lines.map(\.text)
        #expect(Array(rust.suffix(3)) == ["earlier", "first", "second"], "\(rust)")
        // From now on a line goes at once.
        #expect(Self.sends(app.reduce(.inputLine("third"))) == [.send(to: [Self.conn], bytes: C.ext(.say(room: "rust", text: "third")))])
    }

    @Test func aRefusedJoinSendsNoneOfTheLinesAndSaysSo() {
        var app = C.joined()
        _ = app.reduce(.inputLine("/join #zz"))
        _ = app.reduce(.inputLine("lost?"))
        let (effects, lines) = app.step(.received(conn: Self.conn, bytes: C.ext(.notice(text: "The server has 100 rooms, the most it keeps: /rooms lists them.", refusedJoin: "zz"))))
        #expect(Self.sends(effects) == [])
        #expect(lines.map(\.text) == ["The server has 100 rooms, the most it keeps: /rooms lists them.",
                                      "Not sent, as #zz was not joined: lost?"])
        #expect(app.session?.pendingLines == [])
        #expect(app.session?.rooms.current == nil)
        // Lines typed after the refusal go where they always would, #general.
        #expect(Self.sends(app.reduce(.inputLine("here"))) == [.send(to: [Self.conn], bytes: Fix.frame(.chat(uid: Fix.uid1, text: "here")))])
    }

    /// Commands are answered in order, so the answer to one typed before the `/join` comes while
    /// it is unanswered: it names no room, so it refuses nothing, and the lines wait on.
    @Test func anAnswerToAnEarlierCommandIsNoRefusalOfTheJoin() {
        var p = ResumePair(server: RoomsTests.config)
        for line in ["/away lunch", "/join #rust", "still for rust"] { p.aliceTypes(line) }
        p.pump()
        #expect(p.shown.contains { $0.text == "You are marked away: lunch. /back clears it." })
        #expect(!p.shown.contains { $0.text.hasPrefix("Not sent") }, "\(p.shown.map(\.text))")
        #expect(p.stored.filter { $0.room == "rust" && $0.kind == .chat }.map(\.text) == ["still for rust"])
    }

    /// The server refuses a 21st room with the room named: only that join's lines are not sent.
    @Test func aRealRefusalNamesItsRoomAndOnlyItsLinesAreNotSent() {
        var p = ResumePair(server: RoomsTests.config)
        for n in 1...Limits.maxRoomsPerConnection { p.aliceTypes("/join #r\(n)") }
        p.pump()
        for line in ["/away lunch", "/join #one-too-many", "held for it"] { p.aliceTypes(line) }
        p.pump()
        #expect(p.shown.contains { $0.text == "Not sent, as #one-too-many was not joined: held for it" }, "\(p.shown.map(\.text))")
        #expect(!p.stored.contains { $0.text == "held for it" })
        #expect(p.client.session?.pendingLines == [])
    }

    @Test func aCutWhileJoiningKeepsTheLinesAndAsksForTheRoomAgain() {
        var p = ResumePair(server: RoomsTests.config)
        p.aliceTypes("/join #rust")
        p.aliceTypes("held across the cut")
        // The /join never reaches the server.
        p.cut()
        #expect(p.client.session?.pendingLines.map(\.text) == ["(pending for #rust) held across the cut"])
        p.reconnect()
        #expect(p.client.session?.rooms.current == "rust")
        #expect(p.client.session?.pendingLines == [])
        #expect(p.stored.contains { $0.room == "rust" && $0.kind == .chat && $0.text == "held across the cut" })
    }

    @Test func withARealRoomTheLinesReachTheRoomAndNoProtocolErrorIsCounted() {
        var p = ResumePair(server: RoomsTests.config)
        // All typed in one go, the server reading them in one read.
        for line in ["/join #rust", "one", "two"] { p.aliceTypes(line) }
        p.pump()
        let chats = p.stored.filter { $0.room == "rust" && $0.kind == .chat }.map(\.text)
        #expect(chats == ["one", "two"])
        #expect(p.server.room?.violations(of: p.conn!) == 0)
        #expect(p.bobGotFromAlice == [])
        #expect(p.shown.filter { $0.room == "rust" && $0.kind != .notice }.map(\.text).suffix(2) == ["one", "two"])
    }
}
