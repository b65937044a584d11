/// The `resume` feature's messages on the wire (docs/PROTOCOL.md, "Resume"): a client that
/// reconnects says who it is and the newest entry it saw, and gets what it missed; its chats
/// carry ids of its own, so one resent after a cut is never relayed twice.
///
/// ```
/// {"type": "Resume", "session": "6f1c…-…", "after": 1234}        (after: null on a first join)
/// {"type": "Resumed", "room": "general", "lastChat": 17, "skipped": 0, "through": 1239, "entries": [...], "done": true}
/// {"type": "Chat", "id": 18, "text": "hi"}
/// {"type": "Ack", "id": 18, "seq": 1240}
/// ```
public struct ResumedPart: Equatable, Sendable {
    public var room: String
    /// The newest chat id the server has from this session (0: none): every pending chat up
    /// to it arrived, and is not sent again.
    public var lastChat: Int64
    /// Missed entries not sent (more than `Limits.resumeMaxMissed`, or no longer in memory):
    /// the client can load them by scrolling.
    public var skipped: Int
    /// The newest entry the answer covers (what the member is sent live comes after it): the
    /// client's "last seen" from now on, even in a log that started again from 1.
    public var through: Int64
    /// Missed entries, oldest first. An entry that is the asker's own chat carries its id
    /// (`ownIDs`, by index), so the client knows it arrived and does not show it twice.
    public var entries: [RoomEntry]
    public var ownIDs: [Int64?]
    /// The last frame of the answer.
    public var done: Bool
    /// The identity of the server's log (see `Event.logIdentity`): the one `through` numbers.
    public var log: String?

    public init(room: String, lastChat: Int64, skipped: Int, through: Int64, entries: [RoomEntry],
                ownIDs: [Int64?]? = nil, done: Bool, log: String? = nil) {
        self.room = room
        self.lastChat = lastChat
        self.skipped = skipped
        self.through = through
        self.entries = entries
        self.ownIDs = ownIDs ?? Array(repeating: nil, count: entries.count)
        self.done = done
        self.log = log
    }
}

extension ExtensionCodec {
    static func writeResume(_ message: ExtensionMessage, _ w: inout JSONWriter) {
        switch message {
        case let .resume(session, after, log):
            w.raw("{\"type\": \"Resume\", \"session\": ")
            w.string(session.description)
            w.raw(", \"after\": ")
            if let after { w.number(Int(after)) } else { w.raw("null") }
            // Only when known: a first join's Resume is the bytes it always was.
            if let log {
                w.raw(", \"log\": ")
                w.string(log)
            }
            w.raw("}")
        case let .resumed(part):
            w.raw("{\"type\": \"Resumed\", \"room\": ")
            w.string(part.room)
            w.raw(", \"lastChat\": ")
            w.number(Int(part.lastChat))
            w.raw(", \"skipped\": ")
            w.number(part.skipped)
            w.raw(", \"through\": ")
            w.number(Int(part.through))
            if let log = part.log {
                w.raw(", \"log\": ")
                w.string(log)
            }
            w.raw(", \"entries\": [")
            for (n, e) in part.entries.enumerated() {
                if n > 0 { w.raw(", ") }
                writeEntry(e, text: e.text, ownID: n < part.ownIDs.count ? part.ownIDs[n] : nil, &w)
            }
            w.raw(part.done ? "], \"done\": true}" : "], \"done\": false}")
        case let .chat(id, text):
            w.raw("{\"type\": \"Chat\", \"id\": ")
            w.number(Int(id))
            w.raw(", \"text\": ")
            w.string(text)
            w.raw("}")
        case let .ack(id, seq):
            writeNumbers("Ack", [("id", id), ("seq", seq)], &w)
        default:
            preconditionFailure("not a resume message")
        }
    }

    /// The frames of a `Resumed` answer, each within `limit`: the entries oldest first, cut
    /// into runs that fit, every frame but the last saying `"done": false`. (A `History` goes
    /// newest first because a client puts it in front of what it has; a `Resumed` is appended.)
    public static func frames(_ part: ResumedPart, limit: Int = Limits.maxFrameLength) -> [[UInt8]] {
        var empty = part
        empty.entries = []
        empty.ownIDs = []
        let budget = limit + FrameCodec.headerLength - frame(.resumed(empty)).count
        // The usual answer fits in one frame: the part as it is, without packing it.
        return fitWhole(part.entries, budget: budget, extra: resumedIDBytes) ? [frame(.resumed(part))] : packedFrames(part, budget: budget)
    }

    /// What an entry's own id may add to it: the key and up to 20 digits.
    private static let resumedIDBytes = ", \"id\": ".utf8.count + 20

    /// `frames` the general way, the reference its one-frame shortcut is held to.
    static func packedFrames(_ part: ResumedPart, budget: Int) -> [[UInt8]] {
        let chunks = pack(part.entries, budget: budget, extra: resumedIDBytes)
        guard !chunks.isEmpty else { return [frame(.resumed(part))] }
        // `pack` keeps every entry, in order: the ids follow by position.
        var start = 0
        return chunks.enumerated().map { n, chunk in
            var p = part
            p.entries = chunk
            p.ownIDs = Array(part.ownIDs[start..<start + chunk.count])
            start += chunk.count
            p.done = part.done && n == chunks.count - 1
            return frame(.resumed(p))
        }
    }

    /// A string field that may be absent (an older peer's message) or null.
    static func optionalString(_ name: String, _ type: String, _ members: [(String, JSONValue)]) throws(DecodeError) -> String? {
        guard let v = members.first(where: { $0.0 == name })?.1 else { return nil }
        if case .null = v { return nil }
        return try string(v, type, name)
    }

    static func decodeResume(_ type: String, _ members: [(String, JSONValue)]) throws(DecodeError) -> ExtensionMessage {
        func field(_ name: String) throws(DecodeError) -> JSONValue { try member(name, of: type, in: members) }
        switch type {
        case "Resume":
            let text = try string(field("session"), type, "session")
            // The canonical form only: a token is ours to compare byte for byte.
            guard let session = UID(canonical: text.utf8), session.description == text else {
                throw .badUUID(type: type, field: "session", value: text)
            }
            let log = try optionalString("log", type, members)
            let v = try field("after")
            if case .null = v { return .resume(session: session, after: nil, log: log) }
            return .resume(session: session, after: try seq(v, type, "after"), log: log)
        case "Resumed":
            let room = try string(field("room"), type, "room")
            let list = try field("entries")
            let entries = try entries(list, room, type)
            var ids: [Int64?] = []
            if case .array(let items) = list {
                for item in items {
                    guard case .object(let m) = item, let v = m.first(where: { $0.0 == "id" })?.1 else {
                        ids.append(nil)
                        continue
                    }
                    ids.append(try seq(v, type + " entry", "id"))
                }
            }
            let v = try field("done")
            guard case .bool(let done) = v else {
                throw .wrongFieldType(type: type, field: "done", expected: "boolean", found: v.typeName)
            }
            return .resumed(ResumedPart(room: room, lastChat: try seq(field("lastChat"), type, "lastChat"),
                                        skipped: try count(field("skipped"), type, "skipped"),
                                        through: try seq(field("through"), type, "through"),
                                        entries: entries, ownIDs: ids, done: done, log: try optionalString("log", type, members)))
        case "Chat":
            return .chat(id: try seq(field("id"), type, "id"), text: try string(field("text"), type, "text"))
        case "Ack":
            return .ack(id: try seq(field("id"), type, "id"), seq: try seq(field("seq"), type, "seq"))
        default:
            return try decodeContext(type, members)
        }
    }
}
