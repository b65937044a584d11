import ChatState

/// The simulator's room log: the entries of every `Effect.store`, kept in memory in the order the
/// server stored them, and the queries the server asks answered from them as the SQLite store
/// answers (HistoryQuery's contract), so the simulations exercise paging and search end to end.
extension Simulator {
    func answer(_ q: HistoryQuery) -> HistoryAnswer {
        // Nothing at or below a drop of the room is a later room's of the name (`RoomDrop`).
        let floor = moderation.drops[q.room] ?? 0
        let log = (storedByRoom[q.room] ?? []).filter { $0.seq > floor }
        switch q.range {
        case let .before(seq):
            let older = log.filter { $0.seq < seq }
            return HistoryAnswer(id: q.id, entries: Array(older.suffix(q.limit)), more: older.count > q.limit)
        case let .after(seq):
            let newer = log.filter { $0.seq > seq }
            return HistoryAnswer(id: q.id, entries: Array(newer.prefix(q.limit)), more: newer.count > q.limit)
        case let .around(seq):
            let near = log.filter { $0.seq <= seq }.suffix(q.limit + 1) + log.filter { $0.seq > seq }.prefix(q.limit)
            return HistoryAnswer(id: q.id, entries: Array(near), more: false)
        case let .search(words):
            // Every word, as a case-insensitive substring (FTS5 matches tokens; close enough for
            // a simulation, which checks who gets what, not the ranking).
            // (Each word lowered once, each entry's text once, not once per word and entry.)
            let lowered = words.map { $0.lowercased() }
            let found = log.reversed().filter { e in
                guard e.kind == .chat else { return false }
                let text = e.text.lowercased()
                return lowered.allSatisfy { text.contains($0) }
            }
            return HistoryAnswer(id: q.id, entries: Array(found.prefix(q.limit)), more: found.count > q.limit)
        }
    }
}
