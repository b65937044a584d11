/// The room log on the server's side (issue #13, docs/PROTOCOL.md "History"): entries recorded
/// as they happen, the latest sent to a joiner, a `Stamp` before each live line to those who
/// negotiated `history`, and their requests for older pages and searches. The store is the
/// interpreter's: what memory cannot answer is asked as `Effect.queryHistory`, and the answer
/// comes back as `Event.historyAnswered`.
extension Room {
    /// A question under way, and whom its answer is for.
    struct PendingQuery: Sendable {
        /// nil: the host's screen (see `Room+HostSearch.swift`).
        let conn: ConnID?
        /// The asker's uid: an answer that arrives after it left goes to nobody.
        let uid: UID
        let asked: Asked
        /// The room asked about (`#general`'s, or one of the asker's rooms).
        var room = RoomEntry.generalRoom
    }

    /// What a question to the store was, so its answer goes out as the right message.
    enum Asked: Sendable {
        case page
        case search(words: [String])
        case context(seq: Int64)
        /// A rejoined room's missed entries (`Room+RoomResume.swift`).
        case roomResume(RoomCatchUp)
    }

    /// Records what just happened in the room; the step hands its entries over in one
    /// `Effect.store`, ahead of its sends.
    mutating func record(_ kind: RoomEntry.Kind, by member: Member, text: String = "", clientID: String? = nil,
                         _ out: inout StepOutput) -> RoomEntry {
        let entry = log.record(kind, by: member, text: text, clientID: clientID)
        out.entries.append(entry)
        return entry
    }

    /// Those of `conns` that negotiated `history`; nobody, without a look, when none did (the
    /// common case of a room of original clients costs nothing per line).
    func stampRecipients(_ conns: [ConnID]) -> [ConnID] {
        guard historyListeners > 0 else { return [] }
        return conns.filter { connections[$0]?.wantsHistory == true }
    }

    func stamp(_ entry: RoomEntry, to conns: [ConnID], _ out: inout StepOutput) {
        // No frame is built for nobody: in a room of original clients a stamp costs nothing.
        guard !conns.isEmpty else { return }
        out.send(ExtensionCodec.frame(.stamp(seq: entry.seq, wallMillis: entry.wallMillis)), to: conns)
    }

    /// Right after a joiner's table: the latest entries as a `History`, if it negotiated them;
    /// for an original client, `--history-for-originals` lines as SystemMessages (none by
    /// default, so the original protocol is kept byte for byte).
    mutating func joinedWithHistory(_ conn: ConnID, _ out: inout StepOutput) {
        guard let c = connections[conn] else { return }
        if c.wantsHistory {
            beginHistory(conn, &out)
        } else if config.historyForOriginals > 0 {
            for entry in log.newest(min(config.historyForOriginals, Limits.historyPage)) {
                out.send(FrameCodec.frame(.system(text: entry.systemLine)), to: [conn])
            }
        }
    }

    /// A member that negotiated `history` (on joining, or by a sign after it): stamped from now
    /// on, allowed its queries, and sent the latest entries.
    /// A member that negotiated `resume` too is stamped from now on, but sent its history only
    /// when its `Resume` says what it has seen (see `Room+Resume.swift`).
    mutating func beginHistory(_ conn: ConnID, _ out: inout StepOutput) {
        historyListeners += 1
        lastRecipients = nil
        connections[conn]?.queryBucket = TokenBucket(burst: Limits.historyQueryBurst, rate: Limits.historyQueryRate,
                                                     periodMillis: 1000, now: now)
        connections[conn]?.historyBefore = log.nextSeq
        if connections[conn]?.wantsResume == true { return }
        let latest = log.newest(Limits.historyPage)
        send(.history(room: log.room, entries: latest, more: log.more(before: latest)), to: conn, &out)
    }

    func send(_ message: ExtensionMessage, to conn: ConnID, _ out: inout StepOutput) {
        for frame in ExtensionCodec.frames(readable(message, by: conn)) { out.send(frame, to: [conn]) }
    }

    /// A `HistoryRequest` or `Search`. nil: acted on (answered, asked of the store, or refused
    /// as a protocol error); otherwise the member is out of query tokens and this is the wait,
    /// and the frame is held as an over-rate chat is (see `Room+Flood.swift`).
    mutating func query(_ message: ExtensionMessage, from conn: ConnID, _ out: inout StepOutput) -> Int64? {
        let feature = if case .contextRequest = message { Capabilities.Feature.context } else { Capabilities.Feature.history }
        guard let c = connections[conn], c.member != nil, c.wantsHistory, c.common?.has(feature) == true else {
            let member = connections[conn]?.member != nil
            violation(conn, "\(message.typeName) " + (member ? "without the \(feature) feature" : "before JoinRequest"), &out)
            return nil
        }
        if let refusal = Self.refusal(of: message, inRoom: { $0 == RoomEntry.generalRoom || c.rooms.contains($0) }) {
            violation(conn, "\(message.typeName) refused: \(refusal)", &out)
            return nil
        }
        if var bucket = c.queryBucket {
            let wait = bucket.take(at: now)
            connections[conn]!.queryBucket = bucket
            if let wait { return wait }
        }
        let log = room(of: message).flatMap { rooms[$0]?.log } ?? self.log
        switch message {
        case let .historyRequest(room, before, limit):
            if let page = log.page(before: before, limit: limit) {
                send(.history(room: room, entries: page.entries, more: page.more), to: conn, &out)
            } else {
                ask(HistoryQuery.Range.before(seq: before), room: room, limit: limit, for: conn, c.uid, .page, &out)
            }
        case let .search(room, words, limit):
            ask(.search(words: words), room: room, limit: limit, for: conn, c.uid, .search(words: words), &out)
        case let .contextRequest(room, seq, limit):
            if let entries = log.around(seq, limit: limit) {
                sendContext(seq, entries, room: room, to: conn, &out)
            } else {
                ask(.around(seq: seq), room: room, limit: limit, for: conn, c.uid, .context(seq: seq), &out)
            }
        default:
            break
        }
        return nil
    }

    /// The room a request names, if it is not `#general`.
    private func room(of message: ExtensionMessage) -> String? {
        switch message {
        case let .historyRequest(room, _, _), let .contextRequest(room, _, _), let .search(room, _, _):
            return room == log.room ? nil : room
        default:
            return nil
        }
    }

    /// What is wrong with a request, if anything: a room the asker is not in, a limit out of
    /// range, words the search cannot take.
    static func refusal(of message: ExtensionMessage, inRoom: (String) -> Bool) -> String? {
        switch message {
        case let .historyRequest(room, _, limit), let .contextRequest(room, _, limit):
            if !inRoom(room) { return "no room \(quoted(room))" }
            if !(1...Limits.historyPage).contains(limit) { return "limit \(limit) is not 1 to \(Limits.historyPage)" }
        case let .search(room, words, limit):
            if !inRoom(room) { return "no room \(quoted(room))" }
            if !(1...Limits.maxSearchResults).contains(limit) { return "limit \(limit) is not 1 to \(Limits.maxSearchResults)" }
            if !(1...Limits.maxSearchWords).contains(words.count) {
                return "\(words.count) words, not 1 to \(Limits.maxSearchWords)"
            }
            for word in words where word.isEmpty || word.utf8.count > Limits.maxSearchWordBytes
                || word.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " }) {
                return "a word must be 1 to \(Limits.maxSearchWordBytes) bytes without spaces or control characters"
            }
        default:
            break
        }
        return nil
    }

    mutating func ask(_ range: HistoryQuery.Range, room: String, limit: Int, for conn: ConnID?, _ uid: UID,
                              _ asked: Asked, _ out: inout StepOutput) {
        let id = nextQueryID
        nextQueryID += 1
        pendingQueries[id] = PendingQuery(conn: conn, uid: uid, asked: asked, room: room)
        out.effects.append(.queryHistory(HistoryQuery(id: id, room: room, range: range, limit: limit)))
    }

    /// A connection that closed waits for no answer (rare: a few questions a second at most,
    /// each answered within a loop turn or two).
    mutating func forgetQueries(of conn: ConnID) {
        guard !pendingQueries.isEmpty else { return }
        pendingQueries = pendingQueries.filter { $0.value.conn != conn }
    }

    /// The store's answer: sent to whoever asked, if it is still here.
    mutating func answered(_ answer: HistoryAnswer, _ out: inout StepOutput) {
        guard let q = pendingQueries.removeValue(forKey: answer.id) else {
            out.log("an answer from the room log to no question (\(answer.id)); ignored")
            return
        }
        guard let conn = q.conn else { return hostAnswered(q.asked, answer, &out) }
        guard let c = connections[conn], c.uid == q.uid, c.member != nil else { return }
        switch q.asked {
        case .page: send(.history(room: q.room, entries: answer.entries, more: answer.more), to: conn, &out)
        case .search(let words): send(.searchResults(room: q.room, words: words, entries: answer.entries), to: conn, &out)
        case .context(let seq): sendContext(seq, answer.entries, room: q.room, to: conn, &out)
        case .roomResume(let catchUp): caughtUp(catchUp, answer.entries, to: conn, &out)
        }
    }

    /// A `Context`: the entries around `seq`, oldest first, in as many frames as they need.
    func sendContext(_ seq: Int64, _ entries: [RoomEntry], room: String, to conn: ConnID, _ out: inout StepOutput) {
        for frame in ExtensionCodec.contextFrames(room: room, seq: seq, entries: entries) { out.send(frame, to: [conn]) }
    }

    /// The latest entries the room holds in memory, oldest first.
    public var latestEntries: [RoomEntry] { log.newest(Limits.roomMemoryEntries) }
    /// The sequence number the next entry will have.
    public var nextSeq: Int64 { log.nextSeq }
}
