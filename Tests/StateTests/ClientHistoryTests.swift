import Testing
@testable import ChatState

/// The room log on a pychat client's screen: history above a marker, older pages fetched once
/// per page on scrolling to the top, `/search`, and commands that are never sent as chat.
@Suite struct ClientHistoryTests {
    static let conn = ConnID(0)
    static let wall = HistoryTests.wall
    static let bobColor = RGB.cleaned("0000ff")

    static func entry(_ seq: Int64, _ kind: RoomEntry.Kind, _ author: String, _ text: String = "") -> RoomEntry {
        HistoryTests.entry(seq, kind, author, nil, author == "bob" ? bobColor : RGB.cleaned("ff8800"), text)
    }

    static func client(terminal: TerminalSize? = TerminalSize(cols: 50, rows: 14)) -> ChatApp {
        ChatApp(config: AppConfig(role: .client, host: "h", port: 1, username: "alice", color: "ff8800", terminal: terminal))
    }

    static func receive(_ app: inout ChatApp, _ frames: Bytes...) -> [Effect] {
        app.reduce(.received(conn: conn, bytes: Bytes(frames.flatMap(\.array))))
    }

    static let table = Fix.serverInfo([(Fix.uid1, "alice", "ff8800"), (Fix.uid2, "bob", "0000ff")], for: Fix.uid1)
    static let latest = [entry(5, .chat, "bob", "old news"), entry(6, .join, "carol")]

    /// Joined to a pychat server that sent two entries, older ones left.
    static func joined(terminal: TerminalSize? = TerminalSize(cols: 50, rows: 14)) -> ChatApp {
        var app = client(terminal: terminal)
        _ = app.reduce(.connected(conn: conn, remote: "r"))
        _ = receive(&app, NegotiationTests.welcome, table, HistoryTests.history(latest, more: true),
                    HistoryTests.stamp(7), Fix.frame(.system(text: "alice joined the chat")))
        return app
    }

    @Test func theLatestEntriesAreShownAboveAMarkerAndLiveLinesBelowIt() {
        let app = Self.joined()
        #expect(app.ui!.history.lines.map(\.transcript) == [
            "* Connected to server h:1",
            "bob: [22:13] old news",
            "* [22:13] carol joined the chat",
            "* ── history above, live below ──",
            "* alice joined the chat",
        ])
        #expect(app.ui!.history.lines.map(\.fromLog) == [false, true, true, false, false])
        #expect(app.session!.history.lastStamp?.seq == 7)
        #expect(app.session!.history.oldestSeq == 5)
        let screen = app.frame!.lines()
        // The log's time in the timestamp column, and the live line's from its Stamp.
        #expect(screen.contains("│22:13        bob:  old news                     │"))
        #expect(screen.contains("│22:13 alice joined the chat                     │"))
        #expect(screen.contains("│── history above, live below ──                 │"))
    }

    /// The simulations check that a reconnecting client shows every entry once by these numbers.
    @Test func aLineKnowsItsLogNumberAndAStampLendsItToNoOtherLine() {
        var app = Self.joined()
        #expect(app.ui!.history.lines.map(\.seq) == [nil, 5, 6, nil, 7])
        _ = app.reduce(.key(.paste("/ignore bob")))
        _ = app.reduce(.key(.enter))
        // Stamp 8 is for bob's chat, which is not shown: the next line is not entry 8.
        _ = Self.receive(&app, HistoryTests.stamp(8, HistoryTests.wall + 60_000), Fix.frame(.chat(uid: Fix.uid2, text: "hi")),
                         Fix.frame(.system(text: "bob is away")))
        let last = app.ui!.history.lines.last!
        #expect(last.text == "bob is away")
        #expect(last.seq == nil && last.time == nil)
    }

    @Test func anEmptyHistoryHasNoMarker() {
        var app = Self.client()
        _ = app.reduce(.connected(conn: Self.conn, remote: "r"))
        _ = Self.receive(&app, NegotiationTests.welcome, Self.table, HistoryTests.history([], more: false))
        #expect(app.ui!.history.lines.map(\.transcript) == ["* Connected to server h:1"])
    }

    @Test func scrollingToTheOldestLineAsksForThePageBeforeItOncePerPage() {
        var app = Self.joined()
        let request = Bytes(ExtensionCodec.frame(.historyRequest(room: "general", before: 5, limit: Limits.historyPage)))
        // The history has focus first; the whole history fits, so the first scroll reaches its top.
        #expect(app.reduce(.key(.pageUp)) == [.send(to: [Self.conn], bytes: request)])
        #expect(app.reduce(.key(.pageUp)) == [])
        #expect(app.reduce(.key(.wheelUp)) == [])
        // The page arrives, newest entries first on the wire as any split History: it goes above
        // everything, and what is already shown is not shown twice.
        let page = [Self.entry(3, .chat, "bob", "older"), Self.entry(4, .leave, "dan"), Self.entry(5, .chat, "bob", "old news")]
        #expect(Self.receive(&app, HistoryTests.history(page, more: true)) == [])
        #expect(app.ui!.history.lines.prefix(3).map(\.transcript) == [
            "bob: [22:13] older", "* [22:13] dan left the chat", "* Connected to server h:1",
        ])
        #expect(app.reduce(.key(.up)) == [.send(to: [Self.conn],
            bytes: Bytes(ExtensionCodec.frame(.historyRequest(room: "general", before: 3, limit: Limits.historyPage))))])
        // The last page: the room's beginning is marked, and nothing more is asked.
        _ = Self.receive(&app, HistoryTests.history([Self.entry(1, .join, "bob")], more: false))
        #expect(app.ui!.history.lines.prefix(2).map(\.transcript) == [
            "* ── the beginning of the room's history ──", "* [22:13] bob joined the chat",
        ])
        #expect(app.reduce(.key(.pageUp)) == [])
        #expect(app.reduce(.key(.home)) == [])
    }

    @Test func scrollingOnAnOriginalServerAsksNothing() {
        var app = Self.client()
        _ = app.reduce(.connected(conn: Self.conn, remote: "r"))
        _ = Self.receive(&app, Self.table)
        #expect(app.reduce(.key(.pageUp)) == [])
        // A History it did not negotiate is not its server's to send.
        #expect(Self.receive(&app, HistoryTests.history(Self.latest, more: true)) == [.log("ignored a History from the server")])
        #expect(Self.receive(&app, HistoryTests.stamp(3)) == [.log("ignored a Stamp from the server")])
        #expect(app.ui!.history.count == 1)
    }

    func type(_ app: inout ChatApp, _ text: String) -> [Effect] {
        _ = app.reduce(.key(.text(text)))
        // What is kept for recalling it later is RecallAndCompletionTests' business.
        return app.reduce(.key(.enter)).filter { if case .remember = $0 { false } else { true } }
    }

    @Test func slashSearchAsksAPychatServerAndShowsTheResultsOldestFirst() {
        var app = Self.joined()
        #expect(type(&app, "/search old  news") == [.send(to: [Self.conn],
            bytes: Bytes(ExtensionCodec.frame(.search(room: "general", words: ["old", "news"], limit: Limits.maxSearchResults))))])
        let found = [Self.entry(9, .chat, "bob", "news, old"), Self.entry(5, .chat, "bob", "old news")]
        _ = Self.receive(&app, Bytes(ExtensionCodec.frame(.searchResults(room: "general", words: ["old", "news"], entries: found))))
        #expect(app.ui!.history.lines.suffix(3).map(\.transcript) == [
            "* Search for \"old news\": 2 results, oldest first; /context N shows one in context:",
            "bob: [22:13] [1] old news", "bob: [22:13] [2] news, old",
        ])
        _ = Self.receive(&app, Bytes(ExtensionCodec.frame(.searchResults(room: "general", words: ["zzz"], entries: []))))
        #expect(app.ui!.history.lines.last?.transcript == "* Search for \"zzz\": 0 results.")
    }

    @Test func slashSearchOnAnOriginalServerIsALocalNotice() {
        var app = Self.client()
        _ = app.reduce(.connected(conn: Self.conn, remote: "r"))
        _ = Self.receive(&app, Self.table)
        #expect(type(&app, "/search x") == [])
        #expect(app.ui!.history.lines.last == .notice(
            "This server cannot search: it keeps no history we can ask (an original PyChat server?)."))
    }

    @Test func aSlashLineIsNeverChat() {
        var app = Self.joined()
        let shown = app.ui!.history.count
        #expect(type(&app, "/nope") == [])
        #expect(type(&app, "/search") == [])
        #expect(type(&app, "/search " + String(repeating: "a", count: Limits.maxSearchWordBytes + 1)) == [])
        #expect(type(&app, "/search 1 2 3 4 5 6 7 8 9") == [])
        #expect(app.ui!.history.lines.dropFirst(shown).map(\.text) == [
            "Unknown command /nope: /help lists the commands, //text sends /text.",
            "/search needs WORDS. Usage: /search WORDS",
            "/search takes words of at most 64 bytes. Usage: /search WORDS",
            "/search takes at most 8 words. Usage: /search WORDS",
        ])
        // Headless, the same: a bot's "/x" line is a notice on its transcript, not a message.
        var bot = Self.joined(terminal: nil)
        #expect(bot.reduce(.inputLine("/x")) == [.print("* Unknown command /x: /help lists the commands, //text sends /text.")])
    }

    @Test func aHeadlessClientPrintsTheHistoryItIsSent() {
        var bot = Self.client(terminal: nil)
        _ = bot.reduce(.connected(conn: Self.conn, remote: "r"))
        let effects = Self.receive(&bot, NegotiationTests.welcome, Self.table, HistoryTests.history(Self.latest, more: true))
        #expect(effects.filter { if case .print = $0 { true } else { false } } == [
            .print("bob: [22:13] old news"), .print("* [22:13] carol joined the chat"), .print("* ── history above, live below ──"),
        ])
    }

    @Test func aServerLineThatIsTooLongForAFrameOfItsOwnIsCutToFit() throws {
        let name = String(repeating: "\u{1F600}", count: 43)  // 12 bytes each on the wire: 516
        let big = RoomEntry(room: "general", seq: 9, wallMillis: 0, kind: .chat, author: name, authorUID: nil,
                            color: RGB.cleaned(""), text: String(repeating: "x", count: Limits.maxTextBytes))
        let small = (1...3).map { RoomEntry(room: "general", seq: Int64($0), wallMillis: 0, kind: .chat, author: "a",
                                            authorUID: nil, color: RGB.cleaned(""), text: String(repeating: "y", count: 30_000)) }
        let frames = ExtensionCodec.frames(.history(room: "general", entries: small + [big], more: false))
        var decoded: [(entries: [RoomEntry], more: Bool)] = []
        for f in frames {
            #expect(f.count - FrameCodec.headerLength <= Limits.maxFrameLength)
            guard case let .history(_, entries, more) = try ExtensionCodec.decode(Array(f.dropFirst(5))) else {
                Issue.record("not a History")
                continue
            }
            decoded.append((entries, more))
        }
        // Newest first: the big one alone (cut), then 3 with 2 (two fit a frame), then 1.
        #expect(decoded.map { $0.entries.map(\.seq) } == [[9], [2, 3], [1]])
        #expect(decoded.map(\.more) == [true, true, false])
        let cut = decoded[0].entries[0].text
        #expect(cut.count < Limits.maxTextBytes && cut.count > Limits.maxTextBytes - 600 && cut.allSatisfy { $0 == "x" })
        #expect(decoded[1].entries.map(\.text) == small[1...].map(\.text))
    }
}
