@testable import ChatIO
import ChatState
import Testing

/// A dropped room in the room log's file (`dropped_rooms`, schema version 4), over a real SQLite
/// file: the drop kept and read back; a room made again with the name answering nothing at or
/// below the drop (history, search, context, a resume's `after`, its topic) while the old rows
/// stay in the file; the numbers going on; a version 3 file migrated with its entries untouched.
@Suite struct DroppedRoomStoreTests {
    static func rust(_ seq: Int64, _ text: String = "", kind: RoomEntry.Kind = .chat) -> RoomEntry {
        roomEntry(seq, text, kind: kind, room: "rust")
    }

    static let drop = RoomDrop(room: "rust", throughSeq: 3, by: "host", reason: "spam", wallMillis: 1_700_000_000_000)

    @Test func aRoomMadeAgainAnswersNothingOfTheDroppedOneWhoseRowsStay() throws {
        let dir = TempFolder("dropped-room")
        let path = dir.file("log.sqlite3")
        do {
            let log = try RoomLog(path: path)
            #expect(log.record([Self.rust(1, "buy cheap pills"), Self.rust(2, kind: .topic), Self.rust(3, kind: .moderation)]) == [])
            try log.keep(.dropRoom(Self.drop))
            // At once, before any restart: nothing of it is answered.
            #expect(try log.page(.before(seq: .max), limit: 10, room: "rust").entries == [])
            #expect(try log.latestTopic(room: "rust") == nil)
            #expect(log.nextSeq(room: "rust") == 4)
            // Made again: its entries go on after the drop's.
            #expect(log.record([Self.rust(4, "a fresh start"), Self.rust(5, "cheap pills? no")]) == [])
        }
        let log = try RoomLog(path: path)
        #expect(try log.moderationRecords() == ModerationRecords(drops: [Self.drop]))
        #expect(try log.page(.before(seq: .max), limit: 10, room: "rust").entries.map(\.seq) == [4, 5])
        #expect(try log.page(.before(seq: .max), limit: 10, room: "rust").more == false)
        #expect(try log.page(.after(seq: 0), limit: 10, room: "rust").entries.map(\.seq) == [4, 5])
        #expect(try log.page(.around(seq: 2), limit: 10, room: "rust").entries.map(\.seq) == [4, 5])
        #expect(try log.page(.search(words: ["pills"]), limit: 10, room: "rust").entries.map(\.seq) == [5])
        #expect(try log.latest(room: "rust", limit: 100).map(\.seq) == [4, 5])
        #expect(try log.latestTopic(room: "rust") == nil)
        #expect(log.nextSeq(room: "rust") == 6)
        // The dropped room's rows are kept, for ops reading the file (retention deletes them by age).
        #expect(try log.db.integer("SELECT count(*) FROM entries WHERE seq <= 3") == 3)
        #expect(try log.db.integer("SELECT count(*) FROM dropped_rooms") == 1)
    }

    @Test func aDropWhoseEntriesACrashLostStillMovesTheNumbersPastIt() throws {
        let dir = TempFolder("dropped-room-crash")
        let path = dir.file("log.sqlite3")
        do {
            let log = try RoomLog(path: path)
            #expect(log.record([Self.rust(1)]) == [])
            // The drop is kept at once; its own entry (2) was appended but never committed.
            try log.keep(.dropRoom(RoomDrop(room: "rust", throughSeq: 2, by: "host", reason: nil, wallMillis: 5)))
        }
        let log = try RoomLog(path: path)
        #expect(log.nextSeq(room: "rust") == 3)
        #expect(try log.page(.before(seq: .max), limit: 10, room: "rust").entries == [])
    }

    @Test func aRoomDroppedTwiceKeepsBothRecordsAndTheLatestCounts() throws {
        let dir = TempFolder("dropped-twice")
        let path = dir.file("log.sqlite3")
        let second = RoomDrop(room: "rust", throughSeq: 6, by: "carol", reason: nil, wallMillis: 9)
        do {
            let log = try RoomLog(path: path)
            #expect(log.record([Self.rust(1), Self.rust(2), Self.rust(3)]) == [])
            try log.keep(.dropRoom(Self.drop))
            #expect(log.record([Self.rust(4), Self.rust(5), Self.rust(6)]) == [])
            try log.keep(.dropRoom(second))
            #expect(log.record([Self.rust(7)]) == [])
        }
        let log = try RoomLog(path: path)
        #expect(try log.moderationRecords().drops == [second])
        #expect(try log.db.integer("SELECT count(*) FROM dropped_rooms") == 2)
        #expect(try log.page(.before(seq: .max), limit: 10, room: "rust").entries.map(\.seq) == [7])
    }

    @Test func aVersion3LogGetsTheDroppedRoomsTableAndKeepsEverythingElse() throws {
        let dir = TempFolder("moderation-v3")
        let path = dir.file("log.sqlite3")
        let mute = Mute(subject: .address("10.0.0.7"), untilWallMillis: nil)
        do {
            let log = try RoomLog(path: path)
            #expect(log.record([Self.rust(1, "before the upgrade")]) == [])
            try log.keep(.mute(mute))
            // What pychat before schema 4 left: no dropped_rooms table, version 3.
            try log.db.execute("DROP TABLE dropped_rooms; PRAGMA user_version = 3")
        }
        do {
            let log = try RoomLog(path: path)
            #expect(try log.db.integer("PRAGMA user_version") == 4)
            #expect(try log.page(.before(seq: .max), limit: 10, room: "rust").entries.map(\.text) == ["before the upgrade"])
            try log.keep(.dropRoom(RoomDrop(room: "rust", throughSeq: 1, by: "host", reason: nil, wallMillis: 2)))
        }
        #expect(try RoomLog(path: path).moderationRecords()
            == ModerationRecords(mutes: [mute], drops: [RoomDrop(room: "rust", throughSeq: 1, by: "host", reason: nil, wallMillis: 2)]))
    }
}
