@testable import ChatIO
import ChatState
import Testing

/// What moderation keeps in the room log's file, over a real SQLite file: every change read
/// back after reopening, and files of versions 1, 2 and 3 migrated with their entries untouched.
@Suite struct ModerationStoreTests {
    static let certA = String(repeating: "a1", count: 32), certB = String(repeating: "b2", count: 32)

    static func message(to identity: String, _ text: String) -> HeldMessage {
        HeldMessage(identity: identity, fromUID: UID(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10), from: "carol",
                    color: RGB.cleaned("a1b2c3"), to: "alice", text: text, wallMillis: 1_700_000_000_000)
    }

    @Test func everyChangeIsThereAfterReopening() throws {
        let dir = TempFolder("moderation")
        let path = dir.file("log.sqlite3")
        let forGood = Ban(subject: .identity(Self.certA), name: "alice", by: "host", reason: "spam, again",
                          setAtWallMillis: 2_000, expiresAtWallMillis: nil)
        let forAWhile = Ban(subject: .address("10.0.0.7"), name: "bob", by: "carol", reason: nil,
                            setAtWallMillis: 1_000, expiresAtWallMillis: 61_000)
        do {
            let log = try RoomLog(path: path)
            #expect(try log.moderationRecords() == ModerationRecords())
            for change: ModerationChange in [
                .holdName(identity: Self.certA, name: "alice"), .holdName(identity: Self.certB, name: "bob"),
                .holdName(identity: Self.certB, name: "robert"), .setOp(identity: Self.certB, op: true),
                .setOp(identity: Self.certA, op: true), .setOp(identity: Self.certA, op: false),
                .ban(forGood), .ban(forAWhile), .ban(Ban(subject: .address("10.0.0.8"), name: "x", by: "host", reason: nil,
                                                        setAtWallMillis: 0, expiresAtWallMillis: nil)),
                .unban(.address("10.0.0.8")),
                .keepMessage(Self.message(to: Self.certA, "first")), .keepMessage(Self.message(to: Self.certB, "for bob")),
                .keepMessage(Self.message(to: Self.certA, "second")), .deliveredMessages(identity: Self.certB),
                .mute(Mute(subject: .address("10.0.0.9"), untilWallMillis: 90_000)), .mute(Mute(subject: .identity(Self.certB), untilWallMillis: 5)),
                .mute(Mute(subject: .identity(Self.certB), untilWallMillis: nil)), .mute(Mute(subject: .address("10.0.0.3"), untilWallMillis: nil)),
                .unmute(.address("10.0.0.3")),
            ] {
                try log.keep(change)
            }
        }
        let reopened = try RoomLog(path: path)
        #expect(try reopened.moderationRecords() == ModerationRecords(
            names: [.init(identity: Self.certA, name: "alice"), .init(identity: Self.certB, name: "robert")],
            ops: [Self.certB], bans: [forAWhile, forGood],
            messages: [Self.message(to: Self.certA, "first"), Self.message(to: Self.certA, "second")],
            mutes: [Mute(subject: .address("10.0.0.9"), untilWallMillis: 90_000), Mute(subject: .identity(Self.certB), untilWallMillis: nil)]))
    }

    @Test func aVersion1LogGetsTheModerationTablesAndKeepsItsEntries() throws {
        let dir = TempFolder("moderation-v1")
        let path = dir.file("log.sqlite3")
        do {
            let log = try RoomLog(path: path)
            #expect(log.record([roomEntry(1, "before the upgrade")]) == [])
            // What pychat before schema 2 left: no moderation tables, version 1.
            try log.db.execute("DROP TABLE identities; DROP TABLE bans; DROP TABLE held_messages; DROP TABLE mutes; DROP TABLE dropped_rooms; PRAGMA user_version = 1")
        }
        do {
            let log = try RoomLog(path: path)
            #expect(try log.db.integer("PRAGMA user_version") == 4)
            #expect(try log.page(.before(seq: .max), limit: 10).entries.map(\.text) == ["before the upgrade"])
            try log.keep(.setOp(identity: Self.certA, op: true))
            try log.keep(.mute(Mute(subject: .identity(Self.certB), untilWallMillis: nil)))
        }
        #expect(try RoomLog(path: path).moderationRecords()
            == ModerationRecords(ops: [Self.certA], mutes: [Mute(subject: .identity(Self.certB), untilWallMillis: nil)]))
    }

    @Test func aVersion2LogGetsTheMutesTableAndKeepsEverythingElse() throws {
        let dir = TempFolder("moderation-v2")
        let path = dir.file("log.sqlite3")
        let ban = Ban(subject: .address("10.0.0.7"), name: "bob", by: "host", reason: nil, setAtWallMillis: 1, expiresAtWallMillis: nil)
        do {
            let log = try RoomLog(path: path)
            #expect(log.record([roomEntry(1, "before the upgrade")]) == [])
            try log.keep(.ban(ban))
            // What pychat before schema 3 left: no mutes table, version 2.
            try log.db.execute("DROP TABLE mutes; DROP TABLE dropped_rooms; PRAGMA user_version = 2")
        }
        do {
            let log = try RoomLog(path: path)
            #expect(try log.db.integer("PRAGMA user_version") == 4)
            #expect(try log.page(.before(seq: .max), limit: 10).entries.map(\.text) == ["before the upgrade"])
            try log.keep(.mute(Mute(subject: .address("10.0.0.7"), untilWallMillis: 42)))
        }
        #expect(try RoomLog(path: path).moderationRecords()
            == ModerationRecords(bans: [ban], mutes: [Mute(subject: .address("10.0.0.7"), untilWallMillis: 42)]))
    }
}
