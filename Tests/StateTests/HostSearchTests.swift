import Testing
@testable import ChatState

/// The host's screen searches its own room's log and shows a result in context (issue #13), as
/// a client does: the same questions to the store, the answers on its screen.
@Suite struct HostSearchTests {
    typealias C = ContextTests

    /// A restored room of zoe's chats 50 to 60, its host on a screen or in line mode.
    static func room(terminal: TerminalSize? = TerminalSize(cols: 80, rows: 24)) -> TestStore {
        var config = RoomTests.config
        config.terminal = terminal
        var s = HistoryTests.server(config)
        s.send(.restored(room: "general", nextSeq: 61, latest: (50...60).map(C.zoe)), [])
        return s
    }

    static func searchT55(_ s: inout TestStore) {
        s.send(.inputLine("/search t55"), [.queryHistory(HistoryQuery(id: 1, room: "general", range: .search(words: ["t55"]), limit: 50))])
        s.send(.historyAnswered(HistoryAnswer(id: 1, entries: [C.zoe(55)], more: false)), [],
               shows: [.notice("Search for \"t55\": 1 result, oldest first; /context N shows one in context:"),
                       C.zoe(55).displayLine.numbered(1)])
    }

    @Test func theHostSearchesAndShowsAResultInContextOnItsScreen() {
        var s = Self.room()
        Self.searchT55(&s)
        // The page before it is older than memory: asked of the store, then shown in place of
        // the live chat.
        s.send(.inputLine("/context 1"), [.queryHistory(HistoryQuery(id: 2, room: "general", range: .around(seq: 55), limit: 100))])
        s.send(.historyAnswered(HistoryAnswer(id: 2, entries: (54...56).map(C.zoe), more: false)), [])
        let rows = s.app.frame!.lines()
        #expect(rows.contains { $0.contains("── search result 1 in context · Esc: back to live chat ──") }, "\(rows)")
        #expect(rows.contains { $0.contains("▶ t55") })
        s.send(.inputLine("/context 2"), [], shows: [.notice("No search result 2: the latest search listed 1 to 1.")])
    }

    @Test func aResultOlderThanMemoryIsAskedOfTheStoreAndALineModeHostHasNoEsc() {
        var s = Self.room(terminal: nil)
        s.send(.inputLine("/context 1"), [.print("* No search result 1: search first: /search WORDS.")],
               shows: [.notice("No search result 1: search first: /search WORDS.")])
        s.send(.inputLine("/search old"), [.queryHistory(HistoryQuery(id: 1, room: "general", range: .search(words: ["old"]), limit: 50))])
        _ = s.reduce(.historyAnswered(HistoryAnswer(id: 1, entries: [C.zoe(3)], more: false)))
        // Entry 3 is not in memory (50 to 60 are): the store is asked.
        s.send(.inputLine("/context 1"), [.queryHistory(HistoryQuery(id: 2, room: "general", range: .around(seq: 3), limit: 100))])
        let shown = s.reduce(.historyAnswered(HistoryAnswer(id: 2, entries: (2...4).map(C.zoe), more: false)))
        #expect(shown == [.print("* ── search result 1 in context ──"), .print("zoe: [22:13] t2"), .print("zoe: [22:13] ▶ t3"),
                          .print("zoe: [22:13] t4"), .print("* ── end of the context ──")])
    }

    /// Typed while the host talks in #rust, `/search` and `/context` are #rust's: the store is
    /// asked of #rust's log and the results go in #rust's buffer.
    @Test func inARoomTheHostSearchesThatRoomsLog() {
        var config = RoomTests.config
        config.terminal = TerminalSize(cols: 80, rows: 24)
        var s = HistoryTests.server(config)
        let rust = (1...3).map { RoomEntry(room: "rust", seq: Int64($0), wallMillis: 0, kind: .chat, author: "zoe",
                                             authorUID: Fix.uid2, color: RGB.cleaned("00aa00"), text: "r\($0)") }
        s.send(.restored(room: "rust", nextSeq: 4, latest: rust, topic: nil), [])
        _ = s.reduce(.inputLine("/join #rust"))
        s.send(.inputLine("/search r2"), [.queryHistory(HistoryQuery(id: 1, room: "rust", range: .search(words: ["r2"]), limit: 50))])
        let shown = s.app.step(.historyAnswered(HistoryAnswer(id: 1, entries: [rust[1]], more: false))).lines
        #expect(!shown.isEmpty && shown.allSatisfy { $0.room == "rust" }, "\(shown)")
        // Entry 2 is in #rust's memory: its context is shown at once, from #rust's log.
        let context = s.app.step(.inputLine("/context 1"))
        #expect(context.effects.isEmpty)
        let rows = s.app.frame!.lines()
        #expect(rows.contains { $0.contains("▶ r2") } && rows.contains { $0.contains("r3") }, "\(rows)")
        // Back in #general, a search is #general's again.
        _ = s.reduce(.inputLine("/join #general"))
        s.send(.inputLine("/search r2"), [.queryHistory(HistoryQuery(id: 2, room: "general", range: .search(words: ["r2"]), limit: 50))])
    }
}
