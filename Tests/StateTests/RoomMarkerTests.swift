import Foundation
import Testing
@testable import ChatState

/// "New since you were here" per room (issue #15), as screen text: each room's buffer keeps its
/// own marker, above the first line that came while it was not shown; a reconnect marks the
/// first new line of every room, the one shown and the others.
@Suite struct RoomMarkerTests {
    typealias C = ClientRoomsTests
    static let marker = Away.marker

    static func entry(_ seq: Int64, _ text: String) -> RoomEntry {
        RoomEntry(room: "rust", seq: seq, wallMillis: 0, kind: .chat, author: "bob", authorUID: Fix.uid2, color: C.bob.color, text: text)
    }

    /// The history pane's rows as text, trimmed, without the empty ones.
    static func rows(_ app: ChatApp) throws -> [String] {
        try #require(app.frame).lines().prefix(15).map { $0.trimmingCharacters(in: .whitespaces) }
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "│ ")) }.filter { !$0.isEmpty }
    }

    /// The text of the row after the marker's, or nil when no marker is drawn.
    static func belowMarker(_ app: ChatApp) throws -> String? {
        let rows = try rows(app)
        guard let at = rows.firstIndex(where: { $0.contains(marker) }), at + 1 < rows.count else { return nil }
        return rows[at + 1]
    }

    @Test func switchingAwayAndBackShowsTheMarkerAboveTheFirstLineThatCameMeanwhile() throws {
        var app = C.inRust()
        _ = app.reduce(.received(conn: C.conn, bytes: C.ext(.roomEntry(uid: Fix.uid2, Self.entry(3, "seen in rust")))))
        #expect(try Self.belowMarker(app) == nil)
        _ = app.reduce(.key(.altDigit(1)))
        _ = app.reduce(.received(conn: C.conn, bytes: C.ext(.roomEntry(uid: Fix.uid2, Self.entry(4, "first while away")))))
        _ = app.reduce(.received(conn: C.conn, bytes: C.ext(.roomEntry(uid: Fix.uid2, Self.entry(5, "second while away")))))
        // #general, shown all along, has no marker of #rust's.
        #expect(try Self.belowMarker(app) == nil)
        _ = app.reduce(.received(conn: C.conn, bytes: Fix.frame(.chat(uid: Fix.uid2, text: "in general"))))
        _ = app.reduce(.key(.altDigit(2)))
        let rust = try Self.rows(app)
        #expect(try Self.belowMarker(app)?.contains("first while away") == true, "\(rust)")
        let seen = rust.firstIndex { $0.contains("seen in rust") }, mark = rust.firstIndex { $0.contains(Self.marker) }
        #expect(seen != nil && mark != nil && seen! < mark!, "\(rust)")
        // Back in #general: its own marker, above what came there while #rust was shown.
        _ = app.reduce(.received(conn: C.conn, bytes: Fix.frame(.chat(uid: Fix.uid2, text: "general while away"))))
        _ = app.reduce(.key(.altDigit(1)))
        let general = try Self.rows(app)
        #expect(try Self.belowMarker(app)?.contains("general while away") == true, "\(general)")
        // And #rust's marker is where it was left.
        _ = app.reduce(.key(.altDigit(2)))
        #expect(try Self.belowMarker(app)?.contains("first while away") == true)
    }

    @Test func aReconnectMarksTheFirstNewLineOfEveryRoom() throws {
        let features = ["history", "resume", "commands", "rooms"]
        let welcome = Bytes(ExtensionCodec.frame(.welcome(Capabilities(version: 1, features: features))))
        let resumed = { (through: Int64, entries: [RoomEntry]) in
            C.ext(.resumed(ResumedPart(room: "general", lastChat: 0, skipped: 0, through: through, entries: entries, done: true)))
        }
        var app = ChatApp(config: AppConfig(role: .client, host: "h", port: 1, username: "alice", color: "ff8800",
                                            terminal: TerminalSize(cols: 100, rows: 20), reconnect: ResumePair.policy))
        _ = app.reduce(.connected(conn: C.conn, remote: "r"))
        _ = app.reduce(.received(conn: C.conn, bytes: Bytes(welcome.array + C.table.array + resumed(1, []).array)))
        _ = app.reduce(.inputLine("/join #rust"))
        _ = app.reduce(.received(conn: C.conn, bytes: C.ext(.join(RoomJoin(room: "rust", member: C.alice, seq: 2, wallMillis: 0,
                                                                           whole: ([C.bob, C.alice], nil))))))
        _ = app.reduce(.received(conn: C.conn, bytes: C.ext(.history(room: "rust", entries: [Self.entry(1, "old in rust")], more: false))))
        // #general shown when the server goes away.
        _ = app.reduce(.key(.altDigit(1)))
        _ = app.reduce(.disconnected(conn: C.conn, reason: "reset"))
        _ = app.reduce(.timer(.reconnect))
        let again = ConnID(1)
        _ = app.reduce(.connected(conn: again, remote: "r"))
        let missed = RoomEntry(room: "general", seq: 2, wallMillis: 0, kind: .chat, author: "bob", authorUID: Fix.uid2,
                               color: C.bob.color, text: "missed in general")
        _ = app.reduce(.received(conn: again, bytes: Bytes(welcome.array + C.table.array + resumed(2, [missed]).array)))
        _ = app.reduce(.received(conn: again, bytes: C.ext(.join(RoomJoin(room: "rust", member: C.alice, seq: 4, wallMillis: 0,
                                                                            whole: ([C.bob, C.alice], nil))))))
        _ = app.reduce(.received(conn: again, bytes: C.ext(.resumed(ResumedPart(room: "rust", lastChat: 0, skipped: 0, through: 3,
                                                                                 entries: [Self.entry(3, "missed in rust")], done: true)))))
        let general = try Self.rows(app)
        #expect(general.contains { $0.contains("missed in general") })
        #expect(try Self.belowMarker(app).map { $0.contains("Connected") || $0.contains("missed in general") } == true, "\(general)")
        _ = app.reduce(.key(.altDigit(2)))
        let rust = try Self.rows(app)
        #expect(try Self.belowMarker(app)?.contains("missed in rust") == true, "\(rust)")
    }
}
