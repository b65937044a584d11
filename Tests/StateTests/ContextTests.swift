import Foundation
import Testing
@testable import ChatState

/// A search result in context (feature `context`, docs/PROTOCOL.md "Context"): the wire, the
/// server's answers from memory and from the store, its refusals, and the client's numbering,
/// request, view and way back to live chat. Server steps state their effects exactly.
@Suite struct ContextTests {
    static func ext(_ m: ExtensionMessage) -> Bytes { HistoryTests.ext(m) }
    static func request(_ seq: Int64, limit: Int, room: String = "general") -> Bytes {
        ext(.contextRequest(room: room, seq: seq, limit: limit))
    }
    static func zoe(_ seq: Int64) -> RoomEntry { HistoryTests.entry(seq, .chat, "zoe", nil, RGB.cleaned("123456"), "t\(seq)") }

    // MARK: The wire

    @Test func contextMessagesAreTheDocumentedBytesAndDecodeBack() throws {
        func entry(_ seq: Int64, _ kind: RoomEntry.Kind, _ name: String, _ color: String, _ text: String) -> RoomEntry {
            RoomEntry(room: "general", seq: seq, wallMillis: 1_699_990_000_000 + (seq - 977) * 60_000, kind: kind, author: name,
                      authorUID: nil, color: RGB.cleaned(color), text: text)
        }
        let cases: [(ExtensionMessage, String)] = [
            (.contextRequest(room: "general", seq: 977, limit: 100),
             #"{"type": "ContextRequest", "room": "general", "seq": 977, "limit": 100}"#),
            (.context(room: "general", seq: 977, entries: [entry(976, .chat, "alice", "ff8800", "lunch?"),
                                                          entry(977, .chat, "bob", "0000ff", "lunch on friday?"),
                                                          entry(978, .leave, "alice", "ff8800", "")], done: true),
             #"{"type": "Context", "room": "general", "seq": 977, "entries": [{"seq": 976, "time": 1699989940000, "kind": "chat", "name": "alice", "color": "ff8800", "text": "lunch?"}, {"seq": 977, "time": 1699990000000, "kind": "chat", "name": "bob", "color": "0000ff", "text": "lunch on friday?"}, {"seq": 978, "time": 1699990060000, "kind": "leave", "name": "alice", "color": "ff8800", "text": ""}], "done": true}"#),
        ]
        try DocumentedBytes.check(cases)
        func error(_ json: String) -> String? {
            do { _ = try ExtensionCodec.decode(Array(json.utf8)); return nil } catch { return error.description }
        }
        #expect(error(#"{"type": "ContextRequest", "room": "general", "seq": -3, "limit": 5}"#)
            == "ContextRequest.seq is a number, expected a sequence number")
        #expect(error(#"{"type": "Context", "room": "general", "seq": 1, "entries": [], "done": "yes"}"#)
            == "Context.done is a string, expected a boolean")
    }

    @Test func aLongContextIsSplitOldestFirstAndOnlyTheLastFrameIsDone() throws {
        let entries = (1...201).map { n in
            HistoryTests.entry(Int64(n), .chat, "zoe", nil, RGB.cleaned("123456"), String(repeating: "x", count: 1_000))
        }
        let frames = ExtensionCodec.contextFrames(room: "general", seq: 101, entries: entries)
        #expect(frames.count > 1)
        var seen: [RoomEntry] = [], dones: [Bool] = []
        for frame in frames {
            #expect(frame.count <= Limits.maxFrameLength + FrameCodec.headerLength)
            guard case let .context(_, seq, part, done) = try ExtensionCodec.decode(Array(frame.dropFirst(5))) else {
                Issue.record("not a Context")
                continue
            }
            #expect(seq == 101)
            seen += part
            dones.append(done)
        }
        #expect(seen == entries)
        #expect(dones == Array(repeating: false, count: frames.count - 1) + [true])
        #expect(ExtensionCodec.contextFrames(room: "general", seq: 5, entries: [])
            == [ExtensionCodec.frame(.context(room: "general", seq: 5, entries: [], done: true))])
    }

    // MARK: The server

    /// A restored room of zoe's chats 50 to 60, alice (#1, pychat with `context`) joined.
    static func restoredRoom() -> TestStore {
        var s = HistoryTests.server()
        s.send(.restored(room: "general", nextSeq: 61, latest: (50...60).map(zoe)), [])
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "a"))
        _ = s.reduce(.received(conn: Fix.c1, bytes: NegotiationTests.sign))
        _ = s.reduce(.received(conn: Fix.c1, bytes: HistoryTests.join.alice))
        return s
    }

    @Test func aContextMemoryHoldsIsAnsweredAtOnceAndOneItDoesNotIsAskedOfTheStore() {
        var s = Self.restoredRoom()
        s.send(.received(conn: Fix.c1, bytes: Self.request(55, limit: 2)),
               [.send(to: [Fix.c1], bytes: Self.ext(.context(room: "general", seq: 55, entries: (53...57).map(Self.zoe), done: true)))])
        // After the entry, memory has everything there is: the newest entry ends the context.
        s.send(.received(conn: Fix.c1, bytes: Self.request(59, limit: 3)),
               [.send(to: [Fix.c1], bytes: Self.ext(.context(room: "general", seq: 59, entries: (56...61).map { n in
                   n == 61 ? HistoryTests.entry(61, .join, "alice", Fix.uid1, HistoryTests.alice.color) : Self.zoe(n)
               }, done: true)))])
        // Older than memory reaches: the store's.
        s.send(.received(conn: Fix.c1, bytes: Self.request(51, limit: 2)),
               [.queryHistory(HistoryQuery(id: 1, room: "general", range: .around(seq: 51), limit: 2))])
        let answer = (49...53).map(Self.zoe)
        s.send(.historyAnswered(HistoryAnswer(id: 1, entries: answer, more: true)),
               [.send(to: [Fix.c1], bytes: Self.ext(.context(room: "general", seq: 51, entries: answer, done: true)))])
    }

    @Test func aRoomWhoseFirstEntryIsInMemoryAnswersEveryContextItself() {
        var s = HistoryTests.room()
        s.send(.received(conn: Fix.c1, bytes: Self.request(1, limit: 100)),
               [.send(to: [Fix.c1], bytes: Self.ext(.context(room: "general", seq: 1, entries: [
                   HistoryTests.entry(1, .join, "alice", Fix.uid1, HistoryTests.alice.color),
                   HistoryTests.entry(2, .join, "bob", Fix.uid2, HistoryTests.bob.color),
               ], done: true)))])
    }

    @Test func badContextRequestsAreProtocolErrors() {
        var s = HistoryTests.room()
        let e = "protocol error from #1: "
        func refuse(_ m: ExtensionMessage, _ why: String, sourceLocation: SourceLocation = #_sourceLocation) {
            s.send(.received(conn: Fix.c1, bytes: Self.ext(m)), [.log(e + why)], sourceLocation: sourceLocation)
        }
        refuse(.contextRequest(room: "general", seq: 1, limit: 0), "ContextRequest refused: limit 0 is not 1 to 100")
        refuse(.contextRequest(room: "general", seq: 1, limit: 101), "ContextRequest refused: limit 101 is not 1 to 100")
        refuse(.contextRequest(room: "random", seq: 1, limit: 5), "ContextRequest refused: no room \"random\"")
        refuse(.context(room: "general", seq: 1, entries: [], done: true), "Context is not for the server; ignored")
        // A pychat client of an older build, with `history` but not `context`, is never sent a
        // Context, and may not ask for one.
        s = HistoryTests.room()
        _ = s.reduce(.accepted(conn: Fix.c3, uid: Fix.uid3, remote: "c"))
        _ = s.reduce(.received(conn: Fix.c3, bytes: NegotiationTests.sign("pychat/1 room-size history")))
        s.send(.received(conn: Fix.c3, bytes: Self.request(1, limit: 5)),
               [.log("protocol error from #3: ContextRequest before JoinRequest")])
        _ = s.reduce(.received(conn: Fix.c3, bytes: Fix.frame(.joinRequest(username: "carol", color: "00ff00"))))
        s.send(.received(conn: Fix.c3, bytes: Self.request(1, limit: 5)),
               [.log("protocol error from #3: ContextRequest without the context feature")])
    }

    // MARK: The client

    static let found = [ClientHistoryTests.entry(9, .chat, "bob", "news, old"), ClientHistoryTests.entry(5, .chat, "bob", "old news")]

    /// Joined, and shown the results of `/search old news`: [1] is entry 5, [2] entry 9.
    static func searched(terminal: TerminalSize? = TerminalSize(cols: 50, rows: 14)) -> ChatApp {
        var app = ClientHistoryTests.joined(terminal: terminal)
        _ = app.reduce(terminal == nil ? .inputLine("/search old news") : .key(.text("/search old news")))
        if terminal != nil { _ = app.reduce(.key(.enter)) }
        _ = ClientHistoryTests.receive(&app, Self.ext(.searchResults(room: "general", words: ["old", "news"], entries: found)))
        return app
    }

    func type(_ app: inout ChatApp, _ text: String) -> [Effect] {
        _ = app.reduce(.key(.text(text)))
        return app.reduce(.key(.enter)).filter { if case .remember = $0 { false } else { true } }
    }

    @Test func slashContextAsksForTheNumberedResultAndRefusesWhatItCannot() {
        var app = ClientHistoryTests.joined()
        #expect(type(&app, "/context 1") == [])
        #expect(app.ui!.history.lines.last == .notice("No search result 1: search first: /search WORDS."))
        app = Self.searched()
        #expect(app.session!.history.results == [5, 9])
        #expect(type(&app, "/context 2") == [.send(to: [ClientHistoryTests.conn], bytes: Self.request(9, limit: 100))])
        #expect(type(&app, "/context 3") == [])
        #expect(app.ui!.history.lines.last == .notice("No search result 3: the latest search listed 1 to 2."))
        #expect(type(&app, "/context two") == [])
        #expect(app.ui!.history.lines.last == .notice("/context needs one N, a whole number from 1. Usage: /context N"))
    }

    @Test func aServerWithoutTheFeatureIsNotAskedAndItsContextIsIgnored() {
        var app = ClientHistoryTests.client()
        _ = app.reduce(.connected(conn: ClientHistoryTests.conn, remote: "r"))
        // An older pychat server: `history` only.
        _ = ClientHistoryTests.receive(&app, HistoryTests.ext(.welcome(Capabilities(version: 1, features: ["room-size", "history"]))),
                                       ClientHistoryTests.table)
        _ = ClientHistoryTests.receive(&app, Self.ext(.searchResults(room: "general", words: ["old"], entries: Self.found)))
        #expect(app.ui!.history.lines.suffix(3).first?.text == "Search for \"old\": 2 results, oldest first:")
        #expect(type(&app, "/context 1") == [])
        #expect(app.ui!.history.lines.last == .notice(
            "This server cannot show a search result in context (an older pychat, or an original PyChat server)."))
        #expect(ClientHistoryTests.receive(&app, Self.ext(.context(room: "general", seq: 5, entries: [], done: true)))
            == [.log("ignored a Context from the server")])
    }

    static func context(_ seq: Int64, _ range: ClosedRange<Int64>, done: Bool = true) -> Bytes {
        ext(.context(room: "general", seq: seq, entries: range.map { ClientHistoryTests.entry($0, .chat, "bob", "b\($0)") }, done: done))
    }

    @Test func theContextReplacesTheLiveChatUntilEscapeAndTheChatGoesOnMeanwhile() {
        var app = Self.searched()
        let live = app.ui!.history
        _ = type(&app, "/context 2")
        // A context we did not ask for (or an earlier one) is not shown.
        #expect(ClientHistoryTests.receive(&app, Self.context(5, 4...6)) == [
            .log("ignored a Context for 5, which we did not ask for (or no longer wait for)")])
        // Shown once its last frame has come.
        _ = ClientHistoryTests.receive(&app, Self.context(9, 3...8, done: false))
        #expect(app.ui!.context == nil)
        _ = ClientHistoryTests.receive(&app, Self.context(9, 9...15))
        let shown = try! #require(app.ui!.context)
        let entries: [String] = (3...15).map { n in "bob: [22:13] " + (n == 9 ? "▶ " : "") + "b\(n)" }
        var expected = ["* ── search result 2 in context · Esc: back to live chat ──"]
        expected += entries
        expected.append("* ── end of the context · Esc: back to live chat ──")
        #expect(shown.view.lines.map(\.transcript) == expected)
        #expect(shown.view.chosen == 7)
        // On screen: the title says so, and the chosen entry is in view (mid-pane).
        var screen = app.frame!.lines()
        #expect(screen[0].contains("in context · Esc: back to live chat · alice"))
        #expect(screen.contains { $0.contains("▶ b9") })
        #expect(!screen.contains { $0.contains("Search for") })
        // The chat goes on underneath: a live line joins the live history, not the context.
        _ = ClientHistoryTests.receive(&app, HistoryTests.stamp(16), Fix.frame(.chat(uid: Fix.uid2, text: "meanwhile")))
        #expect(app.ui!.history.count == live.count + 1)
        #expect(!app.frame!.lines().contains { $0.contains("meanwhile") })
        // Scrolling moves through the context and asks the server for nothing.
        _ = app.reduce(.key(.tab))
        #expect(app.ui!.focus == .history)
        #expect(app.reduce(.key(.home)) == [])
        screen = app.frame!.lines()
        #expect(screen.contains { $0.contains("search result 2 in context") }, "\(screen.joined(separator: "\n"))")
        #expect(app.ui!.scrollOffset == 0)
        // Esc: back to live chat, as it was left, with what came meanwhile.
        _ = app.reduce(.key(.escape))
        #expect(app.ui!.context == nil)
        screen = app.frame!.lines()
        #expect(screen.contains { $0.contains("meanwhile") })
        #expect(!screen[0].contains("in context"))
    }

    @Test func aResultNoLongerInTheLogIsSaidWhereItWouldBe() {
        let view = ContextView(result: 1, seq: 5, entries: [4, 6].map { ClientHistoryTests.entry($0, .chat, "bob", "b\($0)") })
        #expect(view.lines.map(\.text) == ["── search result 1 in context · Esc: back to live chat ──", "b4",
                                           "── result 1 is no longer in the room log ──", "b6",
                                           "── end of the context · Esc: back to live chat ──"])
        #expect(view.chosen == 2)
        let empty = ContextView(result: 1, seq: 5, entries: [])
        #expect(empty.lines.map(\.text) == ["── search result 1 in context · Esc: back to live chat ──",
                                            "── result 1 is no longer in the room log ──",
                                            "── end of the context · Esc: back to live chat ──"])
    }

    /// Headless, there is no Esc to press: the lines do not speak of one.
    @Test func aHeadlessClientPrintsTheContext() {
        var bot = Self.searched(terminal: nil)
        #expect(bot.reduce(.inputLine("/context 1")) == [.send(to: [ClientHistoryTests.conn], bytes: Self.request(5, limit: 100))])
        #expect(ClientHistoryTests.receive(&bot, Self.context(5, 5...6)) == [
            .print("* ── search result 1 in context ──"),
            .print("bob: [22:13] ▶ b5"), .print("bob: [22:13] b6"),
            .print("* ── end of the context ──"),
        ])
    }
}
