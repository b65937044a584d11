/// The room log on a pychat client's side (feature `history`): the entries sent on joining are
/// shown above a marker, the live lines below it; scrolling up to the oldest asks for the page
/// before it, once per page; `/search` asks the server and shows what it found.
public struct ClientHistory: Equatable, Sendable {
    /// The first `History` (the one sent on joining) has arrived; every later one is older.
    public internal(set) var joinHistorySeen = false
    /// The oldest entry shown; the next page is asked for before it.
    public internal(set) var oldestSeq: Int64?
    /// The server said entries older than `oldestSeq` may exist.
    public internal(set) var more = false
    /// A page was asked for and has not come: no second request for it.
    public internal(set) var pageAsked = false
    /// The latest `Stamp`: the room log's entry the next live line shows.
    public internal(set) var lastStamp: (seq: Int64, wallMillis: Int64)?
    /// The sequence number of the stamp a live line already took its time from: a stamp times
    /// one line only.
    var stampUsed: Int64?
    /// The latest search's results by number, as listed (`/context N` picks one).
    public internal(set) var results: [Int64] = []
    /// The result whose context was asked for, and the entries of its answer so far.
    public internal(set) var contextAsked: (result: Int, seq: Int64)?
    var contextEntries: [RoomEntry] = []

    public static func == (a: ClientHistory, b: ClientHistory) -> Bool {
        a.joinHistorySeen == b.joinHistorySeen && a.oldestSeq == b.oldestSeq && a.more == b.more
            && a.pageAsked == b.pageAsked && a.lastStamp?.seq == b.lastStamp?.seq
            && a.lastStamp?.wallMillis == b.lastStamp?.wallMillis && a.results == b.results
            && a.contextAsked?.seq == b.contextAsked?.seq && a.contextAsked?.result == b.contextAsked?.result
            && a.contextEntries == b.contextEntries
    }

    /// The line between the history sent on joining and what happens while we are here.
    public static let marker = DisplayLine.notice("── history above, live below ──")
    /// Put above the oldest page once the server says there is nothing before it.
    public static let beginning = DisplayLine.notice("── the beginning of the room's history ──")
}

extension ClientSession {
    var negotiatedHistory: Bool { common?.has(Capabilities.Feature.history) == true }

    /// A `History`: the latest entries on joining (shown, then the marker), or an older page
    /// (put in front of everything shown, without any entry already there).
    mutating func received(history entries: [RoomEntry], more: Bool, _ out: inout StepOutput) {
        if !history.joinHistorySeen {
            history.joinHistorySeen = true
            if link.losses > 0 {
                // A rejoin on a server without `resume`: only what we have not seen, no marker.
                let seen = link.lastSeen ?? 0
                for e in entries where e.seq > seen { out.show(e.displayLine) }
                if let last = entries.last { saw(last.seq) }
                return
            }
            if let last = entries.last { saw(last.seq) }
            for e in entries { out.show(e.displayLine) }
            if !entries.isEmpty { out.show(ClientHistory.marker) }
            history.oldestSeq = entries.first?.seq
            history.more = more && !entries.isEmpty
            return
        }
        let older = entries.filter { e in history.oldestSeq.map { e.seq < $0 } ?? true }
        history.pageAsked = false
        if let first = older.first { history.oldestSeq = first.seq }
        history.more = more && !older.isEmpty
        out.olderLines = (history.more ? [] : [ClientHistory.beginning]) + older.map(\.displayLine) + out.olderLines
    }

    /// The user scrolled up to the oldest line: the page before it, if there may be one and it
    /// was not asked for already.
    public mutating func requestOlder(_ out: inout StepOutput) {
        guard negotiatedHistory, let conn, history.more, !history.pageAsked, let before = history.oldestSeq else { return }
        history.pageAsked = true
        out.send(ExtensionCodec.frame(.historyRequest(room: RoomEntry.generalRoom, before: before, limit: Limits.historyPage)),
                 to: [conn])
    }

    /// `/search WORDS`, once joined to a pychat server that keeps a history.
    mutating func search(_ words: [String], _ out: inout StepOutput) {
        guard phase == .joined, let conn else {
            out.show(.notice("Not searched: not joined to a server."))
            return
        }
        guard negotiatedHistory else {
            out.show(.notice("This server cannot search: it keeps no history we can ask (an original PyChat server?)."))
            return
        }
        out.send(ExtensionCodec.frame(.search(room: RoomEntry.generalRoom, words: words, limit: Limits.maxSearchResults)),
                 to: [conn])
    }

    /// What a search found, newest first on the wire: shown oldest first under a heading, so
    /// the newest is nearest the input, as in the chat.
    mutating func received(results entries: [RoomEntry], for words: [String], _ out: inout StepOutput) {
        let (lines, seqs) = SearchResultsView.lines(entries, words: words, canPick: negotiatedContext)
        history.results = seqs
        for line in lines { out.show(line) }
    }
}
