/// The `context` feature's messages on the wire (docs/PROTOCOL.md, "Context"): a client that
/// picked a search result asks for the entries around it, and gets them oldest first.
///
/// ```
/// {"type": "ContextRequest", "room": "general", "seq": 977, "limit": 100}
/// {"type": "Context", "room": "general", "seq": 977, "entries": [...], "done": true}
/// ```
extension ExtensionCodec {
    static func writeContext(_ message: ExtensionMessage, _ w: inout JSONWriter) {
        switch message {
        case let .contextRequest(room, seq, limit):
            writeRoomRequest("ContextRequest", room: room, ("seq", seq), limit: limit, &w)
        case let .context(room, seq, entries, done):
            w.raw("{\"type\": \"Context\", \"room\": ")
            w.string(room)
            w.raw(", \"seq\": ")
            w.number(Int(seq))
            w.raw(", \"entries\": [")
            for (n, e) in entries.enumerated() {
                if n > 0 { w.raw(", ") }
                writeEntry(e, text: e.text, &w)
            }
            w.raw(done ? "], \"done\": true}" : "], \"done\": false}")
        default:
            preconditionFailure("not a context message")
        }
    }

    /// The frames of a `Context` answer, each within `limit`: the entries oldest first, cut
    /// into runs that fit, every frame but the last saying `"done": false` (a client shows the
    /// context once the last has come).
    public static func contextFrames(room: String, seq: Int64, entries: [RoomEntry],
                                     limit: Int = Limits.maxFrameLength) -> [[UInt8]] {
        let budget = limit + FrameCodec.headerLength - frame(.context(room: room, seq: seq, entries: [], done: false)).count
        let chunks = pack(entries, budget: budget)
        guard !chunks.isEmpty else { return [frame(.context(room: room, seq: seq, entries: [], done: true))] }
        return chunks.enumerated().map { n, chunk in
            frame(.context(room: room, seq: seq, entries: chunk, done: n == chunks.count - 1))
        }
    }

    static func decodeContext(_ type: String, _ members: [(String, JSONValue)]) throws(DecodeError) -> ExtensionMessage {
        func field(_ name: String) throws(DecodeError) -> JSONValue { try member(name, of: type, in: members) }
        switch type {
        case "ContextRequest":
            return .contextRequest(room: try string(field("room"), type, "room"), seq: try seq(field("seq"), type, "seq"),
                                   limit: try count(field("limit"), type, "limit"))
        case "Context":
            let room = try string(field("room"), type, "room")
            let v = try field("done")
            guard case .bool(let done) = v else {
                throw .wrongFieldType(type: type, field: "done", expected: "boolean", found: v.typeName)
            }
            return .context(room: room, seq: try seq(field("seq"), type, "seq"), entries: try entries(field("entries"), room, type),
                            done: done)
        default:
            throw .unknownType(type)
        }
    }
}
