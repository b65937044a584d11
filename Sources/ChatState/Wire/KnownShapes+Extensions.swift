/// Kind 2, pychat's own messages, as `ExtensionCodec.frame` writes them: "type" first, then
/// the fields in the writer's order, optional ones only where the writer puts them.
extension KnownShapes {
    static func extensionMessage(_ body: [UInt8]) -> ExtensionMessage? {
        read(body, after: "{\"type\": \"", extensionShapes)
    }

    /// Each type with the quote that ends it and its first key, the most frequent first.
    private static let extensionShapes: [Shape<ExtensionMessage>] = [
        ("Stamp\", \"seq\": ", stamp), ("RoomSize\", \"users\": ", roomSize), ("Chat\", \"id\": ", chat),
        ("History\", \"room\": ", history), ("Ack\", \"id\": ", ack), ("Command\", \"line\": ", command),
        ("Welcome\", \"version\": ", welcome), ("Marks\", \"ops\": ", marks), ("Say\", \"room\": ", say),
        ("Resumed\", \"room\": ", resumed), ("Resume\", \"session\": ", resume), ("Join\", \"room\": ", join),
        ("Notice\", \"text\": ", notice), ("RoomEntry\", \"room\": ", roomEntry), ("Search\", \"room\": ", search),
        ("SearchResults\", \"room\": ", searchResults), ("Part\", \"room\": ", part),
    ]

    /// `{"type": "Stamp", "seq": N, "time": MS}`.
    @Sendable private static func stamp(_ r: inout ShapeReader) -> ExtensionMessage? {
        guard let seq = r.seq(), r.expect(", \"time\": "), let time = r.integer(), r.expect("}") else { return nil }
        return .stamp(seq: seq, wallMillis: time)
    }

    /// `{"type": "RoomSize", "users": N}`.
    @Sendable private static func roomSize(_ r: inout ShapeReader) -> ExtensionMessage? {
        guard let users = r.count(), r.expect("}") else { return nil }
        return .roomSize(users: users)
    }

    /// `{"type": "Chat", "id": N, "text": "…"}`.
    @Sendable private static func chat(_ r: inout ShapeReader) -> ExtensionMessage? {
        guard let id = r.seq(), r.expect(", \"text\": "), let text = r.string(), r.expect("}") else { return nil }
        return .chat(id: id, text: text)
    }

    /// `{"type": "Ack", "id": N, "seq": N}`.
    @Sendable private static func ack(_ r: inout ShapeReader) -> ExtensionMessage? {
        guard let id = r.seq(), r.expect(", \"seq\": "), let seq = r.seq(), r.expect("}") else { return nil }
        return .ack(id: id, seq: seq)
    }

    /// `{"type": "Command", "line": "…"}`, with `, "room": "…"` and `, "after": N` where written.
    @Sendable private static func command(_ r: inout ShapeReader) -> ExtensionMessage? {
        guard let line = r.string() else { return nil }
        var room: String?, after: Int64?
        if r.expect(", \"room\": ") {
            guard let name = r.string() else { return nil }
            room = name
        }
        if r.expect(", \"after\": ") {
            guard let seq = r.seq() else { return nil }
            after = seq
        }
        return r.expect("}") ? .command(line: line, room: room, after: after) : nil
    }

    /// `{"type": "Notice", "text": "…"}`, with `, "join": "…"` on a refused `/join`.
    @Sendable private static func notice(_ r: inout ShapeReader) -> ExtensionMessage? {
        guard let text = r.string() else { return nil }
        var refused: String?
        if r.expect(", \"join\": ") {
            guard let room = r.string() else { return nil }
            refused = room
        }
        return r.expect("}") ? .notice(text: text, refusedJoin: refused) : nil
    }

    /// `{"type": "Welcome", "version": N, "features": ["…", …]}`.
    @Sendable private static func welcome(_ r: inout ShapeReader) -> ExtensionMessage? {
        guard let version = r.count(), r.expect(", \"features\": "), let features = r.list({ $0.string() }),
              r.expect("}") else { return nil }
        return .welcome(Capabilities(version: version, features: features))
    }

    /// `{"type": "Resume", "session": UID, "after": N-or-null}`, with `, "log": "…"` where known.
    @Sendable private static func resume(_ r: inout ShapeReader) -> ExtensionMessage? {
        guard let session = r.uid(), r.expect(", \"after\": ") else { return nil }
        var after: Int64?
        if !r.expect("null") {
            guard let seq = r.seq() else { return nil }
            after = seq
        }
        var log: String?
        if r.expect(", \"log\": ") {
            guard let identity = r.string() else { return nil }
            log = identity
        }
        return r.expect("}") ? .resume(session: session, after: after, log: log) : nil
    }

    /// `{"type": "Say", "room": "…", "text": "…"}`.
    @Sendable private static func say(_ r: inout ShapeReader) -> ExtensionMessage? {
        guard let room = r.string(), r.expect(", \"text\": "), let text = r.string(), r.expect("}") else { return nil }
        return .say(room: room, text: text)
    }

    /// `"uid": UID, "name": "…", "color": "…"`: a room's member, as fields or inside braces.
    @Sendable private static func memberFields(_ r: inout ShapeReader) -> RoomMember? {
        guard r.expect("\"uid\": "), let uid = r.uid(), r.expect(", \"name\": "), let name = r.string(),
              r.expect(", \"color\": "), let color = r.string() else { return nil }
        return RoomMember(uid: uid, name: name, color: RGB.cleaned(color))
    }

    /// `{"uid": …, "name": …, "color": …}`: one of the members a joiner's Join lists.
    @Sendable private static func bracedMember(_ r: inout ShapeReader) -> RoomMember? {
        guard r.expect("{"), let member = memberFields(&r), r.expect("}") else { return nil }
        return member
    }

    /// `{"type": "Join", "room": "…", "uid": …, "name": …, "color": …, "seq": N, "time": MS}`,
    /// the joiner's own copy then `, "members": [{"uid": …, "name": …, "color": …}, …],
    /// "topic": "…"-or-null`.
    @Sendable private static func join(_ r: inout ShapeReader) -> ExtensionMessage? {
        guard let room = r.string(), r.expect(", "), let member = memberFields(&r), r.expect(", \"seq\": "),
              let seq = r.seq(), r.expect(", \"time\": "), let time = r.integer() else { return nil }
        var whole: (members: [RoomMember], topic: String?)?
        if r.expect(", \"members\": ") {
            guard let members = r.list(bracedMember), r.expect(", \"topic\": "), let topic = r.optionalString() else { return nil }
            whole = (members, topic)
        }
        guard r.expect("}") else { return nil }
        return .join(RoomJoin(room: room, member: member, seq: seq, wallMillis: time, whole: whole))
    }

    /// `{"type": "Part", "room": "…", "uid": …, "name": …, "seq": N, "time": MS}` (not a drop's).
    @Sendable private static func part(_ r: inout ShapeReader) -> ExtensionMessage? {
        guard let room = r.string(), r.expect(", \"uid\": "), let uid = r.uid(), r.expect(", \"name\": "),
              let name = r.string(), r.expect(", \"seq\": "), let seq = r.seq(), r.expect(", \"time\": "),
              let time = r.integer(), r.expect("}") else { return nil }
        return .part(room: room, uid: uid, name: name, seq: seq, wallMillis: time)
    }

    /// `{"type": "Marks", "ops": [UID, …], "away": [UID, …]}`.
    @Sendable private static func marks(_ r: inout ShapeReader) -> ExtensionMessage? {
        guard let ops = r.list({ $0.uid() }), r.expect(", \"away\": "), let away = r.list({ $0.uid() }),
              r.expect("}") else { return nil }
        return .marks(Marks(ops: ops, away: away))
    }
}
