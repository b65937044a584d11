import Testing
@testable import ChatState

/// The `rooms` feature's messages: exactly the bytes docs/PROTOCOL.md ("Rooms") shows, each
/// decoding back, and a bad body saying what is wrong.
@Suite struct RoomsWireTests {
    static let bob = RoomMember(uid: Fix.uid2, name: "bob", color: RGB.cleaned("0000ff"))
    static let carol = RoomMember(uid: Fix.uid3, name: "carol", color: RGB.cleaned("cc00cc"))
    static let hi = RoomEntry(room: "rust", seq: 3, wallMillis: 1700000000000, kind: .chat, author: "bob", authorUID: nil,
                              color: RGB.cleaned("0000ff"), text: "h\u{e9}llo")
    static let docExamples: [(ExtensionMessage, String)] = [
        (.command(line: "/topic borrowck", room: "rust"), #"{"type": "Command", "line": "/topic borrowck", "room": "rust"}"#),
        (.say(room: "rust", text: "h\u{e9}llo"), #"{"type": "Say", "room": "rust", "text": "h\u00e9llo"}"#),
        (.roomEntry(uid: Fix.uid2, hi),
         #"{"type": "RoomEntry", "room": "rust", "uid": "00000000-0000-4000-8000-000000000002", "entry": {"seq": 3, "time": 1700000000000, "kind": "chat", "name": "bob", "color": "0000ff", "text": "h\u00e9llo"}}"#),
        (.join(RoomJoin(room: "rust", member: carol, seq: 2, wallMillis: 1700000000000)),
         #"{"type": "Join", "room": "rust", "uid": "00000000-0000-4000-8000-000000000003", "name": "carol", "color": "cc00cc", "seq": 2, "time": 1700000000000}"#),
        (.join(RoomJoin(room: "rust", member: carol, seq: 2, wallMillis: 1700000000000, whole: ([bob, carol], "borrowck"))),
         #"{"type": "Join", "room": "rust", "uid": "00000000-0000-4000-8000-000000000003", "name": "carol", "color": "cc00cc", "seq": 2, "time": 1700000000000, "members": [{"uid": "00000000-0000-4000-8000-000000000002", "name": "bob", "color": "0000ff"}, {"uid": "00000000-0000-4000-8000-000000000003", "name": "carol", "color": "cc00cc"}], "topic": "borrowck"}"#),
        (.part(room: "rust", uid: Fix.uid3, name: "carol", seq: 4, wallMillis: 1700000060000),
         #"{"type": "Part", "room": "rust", "uid": "00000000-0000-4000-8000-000000000003", "name": "carol", "seq": 4, "time": 1700000060000}"#),
        // A dropped room's Part, to each member ("Dropping a room").
        (.dropped(RoomDrop(room: "rust", throughSeq: 9, by: "alice", reason: "spam", wallMillis: 1700000120000), uid: Fix.uid3, name: "carol"),
         #"{"type": "Part", "room": "rust", "uid": "00000000-0000-4000-8000-000000000003", "name": "carol", "seq": 9, "time": 1700000120000, "droppedBy": "alice", "reason": "spam"}"#),
        (.dropped(RoomDrop(room: "rust", throughSeq: 9, by: "alice", reason: nil, wallMillis: 1700000120000), uid: Fix.uid3, name: "carol"),
         #"{"type": "Part", "room": "rust", "uid": "00000000-0000-4000-8000-000000000003", "name": "carol", "seq": 9, "time": 1700000120000, "droppedBy": "alice", "reason": null}"#),
        (.rooms([RoomSummary(name: "general", members: 4, topic: nil), RoomSummary(name: "rust", members: 2, topic: "borrowck")]),
         #"{"type": "Rooms", "rooms": [{"name": "general", "members": 4, "topic": null}, {"name": "rust", "members": 2, "topic": "borrowck"}]}"#),
        // A rejoin after a reconnect, and the room's answer ("Rejoining after a reconnect").
        (.command(line: "/join #rust", after: 1234), #"{"type": "Command", "line": "/join #rust", "after": 1234}"#),
        (.resumed(ResumedPart(room: "rust", lastChat: 0, skipped: 0, through: 1240, entries: [
            RoomEntry(room: "rust", seq: 1239, wallMillis: 1700000000000, kind: .chat, author: "bob", authorUID: nil,
                      color: RGB.cleaned("0000ff"), text: "h\u{e9}llo"),
            RoomEntry(room: "rust", seq: 1240, wallMillis: 1700000060000, kind: .chat, author: "alice", authorUID: nil,
                      color: RGB.cleaned("ff8800"), text: "mine"),
        ], ownIDs: [nil, 0], done: true)),
         #"{"type": "Resumed", "room": "rust", "lastChat": 0, "skipped": 0, "through": 1240, "entries": [{"seq": 1239, "time": 1700000000000, "kind": "chat", "name": "bob", "color": "0000ff", "text": "h\u00e9llo"}, {"seq": 1240, "time": 1700000060000, "kind": "chat", "name": "alice", "color": "ff8800", "text": "mine", "id": 0}], "done": true}"#),
    ]

    @Test func theMessagesAreTheDocumentedBytesAndDecodeBack() throws {
        try DocumentedBytes.check(Self.docExamples)
    }

    @Test func aCommandWithoutARoomIsTheOldBytesAndBadBodiesSayWhatIsWrong() throws {
        // A client without `rooms` writes, and a server reads, the Command it always did.
        #expect(ExtensionCodec.frame(.command(line: "/who")) == FrameCodec.frame(kind: 2, parts: Array(#"{"type": "Command", "line": "/who"}"#.utf8)))
        #expect(throws: DecodeError.missingField(type: "Say", field: "room")) {
            try ExtensionCodec.decode(Array(#"{"type": "Say", "text": "x"}"#.utf8))
        }
        #expect(throws: DecodeError.wrongFieldType(type: "Rooms", field: "rooms", expected: "list of rooms", found: "string")) {
            try ExtensionCodec.decode(Array(#"{"type": "Rooms", "rooms": "x"}"#.utf8))
        }
    }
}
