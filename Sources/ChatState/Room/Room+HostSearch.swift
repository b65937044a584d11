/// `/search` and `/context` on the host's screen (issue #13): the host reads the log of the room
/// it talks in (`#general`, or one of its rooms), as a client does, through the same questions
/// to the store (`Effect.queryHistory`), answered on its screen, in that room's buffer, instead
/// of in a frame.
extension Room {
    /// The host's latest search results, as `/context N` numbers them, and the result whose
    /// context the store is being asked for.
    struct HostSearch: Sendable {
        var results: [Int64] = []
        /// The room the latest search was of.
        var room = RoomEntry.generalRoom
        var contextAsked: Int?
    }

    mutating func hostSearches(_ words: [String], _ out: inout StepOutput) {
        guard let host else { return }
        let room = hostRooms.current ?? log.room
        let message = ExtensionMessage.search(room: room, words: words, limit: Limits.maxSearchResults)
        if let refusal = Self.refusal(of: message, inRoom: { $0 == room }) { return out.show(.notice("/search: \(refusal).")) }
        hostSearch.room = room
        ask(.search(words: words), room: room, limit: Limits.maxSearchResults, for: nil, host.uid, .search(words: words), &out)
    }

    mutating func hostShowsContext(ofResult n: Int, _ out: inout StepOutput) {
        guard let host else { return }
        guard hostSearch.results.indices.contains(n - 1) else {
            let listed = hostSearch.results.isEmpty ? "search first: /search WORDS" : "the latest search listed 1 to \(hostSearch.results.count)"
            return out.show(.notice("No search result \(n): \(listed)."))
        }
        let seq = hostSearch.results[n - 1], room = hostSearch.room
        if let entries = (room == log.room ? log : rooms[room]?.log)?.around(seq, limit: Limits.historyPage) {
            return out.context = ContextView(result: n, seq: seq, entries: entries, interactive: config.terminal != nil)
        }
        hostSearch.contextAsked = n
        ask(.around(seq: seq), room: room, limit: Limits.historyPage, for: nil, host.uid, .context(seq: seq), &out)
    }

    /// The store's answer to one of the host's questions.
    mutating func hostAnswered(_ asked: Asked, _ answer: HistoryAnswer, _ out: inout StepOutput) {
        switch asked {
        case .page, .roomResume:
            return
        case .search(let words):
            let (lines, seqs) = SearchResultsView.lines(answer.entries, words: words, canPick: true)
            hostSearch.results = seqs
            let room = hostSearch.room
            for line in lines { out.show(room == log.room ? line : RoomsOnScreen.tagged(line, room)) }
        case .context(let seq):
            guard let n = hostSearch.contextAsked else { return }
            hostSearch.contextAsked = nil
            out.context = ContextView(result: n, seq: seq, entries: answer.entries, interactive: config.terminal != nil)
        }
    }
}
