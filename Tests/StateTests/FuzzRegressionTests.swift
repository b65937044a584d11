import Testing
import ChatState

/// Inputs the fuzz targets (fuzz/) found, minimized, each pinned as a plain test.
@Suite struct FuzzRegressionTests {
    /// fuzz/run.sh frames: two keys of a ServerInfo's users that spell the same uid differently
    /// (Python's UUID() ignores where the hyphens are) decoded as two entries with one key, and
    /// the message changed when encoded and decoded again. Python's dict keeps one entry, at
    /// the first key's place, holding the last value; so must we.
    @Test func serverInfoKeysThatSpellOneUID() throws {
        let body = #"{"users": {"00000000-0000-4000-8000-000000000001": {"uid": "00000000-0000-4000-8000-000000000001", "username": "u0", "color": "000000"}, "0000000-00000-4000-8000-000000000001": {"uid": "00000000-0000-4000-8000-000000000002", "username": "u1", "color": "000000"}, "00000000-0000-4000-8000-000000000003": {"uid": "00000000-0000-4000-8000-000000000003", "username": "u2", "color": "000000"}}, "uid": "00000000-0000-4000-8000-000000000001", "type": "ServerInfo"}"#
        let message = try MessageCodec.decode(Array(body.utf8))
        let one = UID("00000000-0000-4000-8000-000000000001")!
        let three = UID("00000000-0000-4000-8000-000000000003")!
        #expect(message == .serverInfo(users: [
            UserEntry(key: one, user: WireUser(uid: UID("00000000-0000-4000-8000-000000000002"), username: "u1", color: "000000")),
            UserEntry(key: three, user: WireUser(uid: three, username: "u2", color: "000000")),
        ], uid: one))
        #expect(try MessageCodec.decode(MessageCodec.encode(message)) == message)
    }
}
