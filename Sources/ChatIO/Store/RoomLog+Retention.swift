import ChatState

extension RoomLog {
    /// Deletes the oldest entries beyond `keepEntries` per room and those older than `keepDays`
    /// (by `now`, the wall clock in Unix milliseconds), at most `budget` rows in one small
    /// transaction, so a call never stalls the loop: the runtime calls it when idle until it
    /// deletes less than its budget. Age is read walking from the oldest entry, stopping at the
    /// first young one (an entry stamped before a clock step back waits for its neighbours).
    /// Returns how many entries it deleted.
    @discardableResult
    public func prune(keepEntries: Int?, keepDays: Int?, now: Int64, budget: Int) throws(RoomLogError) -> Int {
        guard budget > 0 else { return 0 }
        let cutoff = keepDays.map { now - Int64($0) * 86_400_000 } ?? .min
        var deleted = 0
        // Rooms in name order: which rows a budget reaches does not depend on hashing.
        for name in rooms.keys.sorted() where deleted < budget {
            guard let room = rooms[name], let id = room.id else { continue }
            let excess = keepEntries.map { max(0, room.entries - $0) } ?? 0
            guard excess > 0 || keepDays != nil else { continue }
            do {
                let n = try prune(room: id, excess: excess, cutoff: cutoff, budget: budget - deleted)
                rooms[name]!.entries -= n
                deleted += n
            } catch {
                rollBackIfOpen()
                throw RoomLogError(path: path, error)
            }
        }
        return deleted
    }

    private func prune(room: Int64, excess: Int, cutoff: Int64, budget: Int) throws(SQLiteFailure) -> Int {
        // The doomed rows first (deleting while the select runs is not well defined in SQLite).
        var doomed: [(id: Int64, chat: Bool, author: String, text: String)] = []
        oldest.bind(1, room)
        oldest.bind(2, Int64(budget))
        do {
            defer { oldest.reset() }
            while try oldest.step() {
                guard doomed.count < excess || oldest.int64(1) < cutoff else { break }
                doomed.append((oldest.int64(0), oldest.text(2) == RoomEntry.Kind.chat.rawValue,
                               oldest.text(3), oldest.text(4)))
            }
        }
        guard !doomed.isEmpty else { return 0 }
        try begin.run()
        for row in doomed {
            if row.chat && row.id <= indexedThrough {
                // A contentless index forgets a row only when told its exact indexed values.
                unindexEntry.bind(1, row.id)
                try withUTF8(row.author) { (author) throws(SQLiteFailure) in
                    try withUTF8(row.text) { (text) throws(SQLiteFailure) in
                        unindexEntry.bindText(2, author)
                        unindexEntry.bindText(3, text)
                        try unindexEntry.run()
                    }
                }
            }
            deleteEntry.bind(1, row.id)
            try deleteEntry.run()
        }
        pruned.bind(1, room)
        pruned.bind(2, Int64(doomed.count))
        try pruned.run()
        try commitStatement.run()
        return doomed.count
    }
}
