/// The bodies that make up most of the traffic, read straight from their bytes when they are
/// exactly as pychat and the original write them (`MessageCodec.encode`, `ExtensionCodec.frame`:
/// these keys in this order, `json.dumps`'s spacing, canonical uids): no `JSONValue` tree, no
/// String but the values kept. Anything else, a key order, spacing, escape in a key, extra or
/// repeated key, raw non-ASCII byte or number these do not expect, gives nil, and the general
/// decoder reads the body: so every accept, reject, error text and value is the general
/// decoder's (held to it in `WireShapeTests`).
enum KnownShapes {
    /// A shape told by how it opens, and the reader of the rest of it.
    typealias Shape<T> = (opening: StaticString, read: @Sendable (inout ShapeReader) -> T?)

    /// `body` read by the first of `shapes` that it opens as (after `prefix`); nil if none
    /// does, or that one's reader refuses the rest, or something follows it.
    static func read<T>(_ body: [UInt8], after prefix: StaticString, _ shapes: [Shape<T>]) -> T? {
        var r = ShapeReader(body)
        guard r.expect(prefix) else { return nil }
        for shape in shapes where r.expect(shape.opening) {
            guard let message = shape.read(&r), r.atEnd else { return nil }
            return message
        }
        return nil
    }

    // MARK: Kind 1, the original's messages: fields in its dataclass order, "type" last.

    static func message(_ body: [UInt8]) -> Message? { read(body, after: "{\"", messageShapes) }

    private static let messageShapes: [Shape<Message>] = [
        ("uid\": ", chat), ("text\": ", system), ("username\": ", joinRequest), ("users\": {", serverInfo),
    ]

    /// `{"uid": UID-or-null, "text": "…", "type": "ChatMessage"}`, after `{"uid": `.
    @Sendable private static func chat(_ r: inout ShapeReader) -> Message? {
        guard let uid = r.optionalUID(), r.expect(", \"text\": "), let text = r.string(),
              r.expect(", \"type\": \"ChatMessage\"}") else { return nil }
        return .chat(uid: uid, text: text)
    }

    /// `{"text": "…", "type": "SystemMessage"}`, after `{"text": `.
    @Sendable private static func system(_ r: inout ShapeReader) -> Message? {
        guard let text = r.string(), r.expect(", \"type\": \"SystemMessage\"}") else { return nil }
        return .system(text: text)
    }

    /// `{"username": "…", "color": "…", "type": "JoinRequest"}`, after `{"username": `.
    @Sendable private static func joinRequest(_ r: inout ShapeReader) -> Message? {
        guard let username = r.string(), r.expect(", \"color\": "), let color = r.string(),
              r.expect(", \"type\": \"JoinRequest\"}") else { return nil }
        return .joinRequest(username: username, color: color)
    }

    /// `{"users": {UID: {"uid": …, "username": …, "color": …}, …}, "uid": …, "type":
    /// "ServerInfo"}`, after `{"users": {`. A key listed twice is one entry at its first place
    /// holding the last value, as the general decoder has it (canonical keys are the same uid
    /// exactly when they are the same bytes).
    @Sendable private static func serverInfo(_ r: inout ShapeReader) -> Message? {
        var users: [UserEntry] = []
        var place: [UID: Int] = [:]
        if !r.expect("}") {
            repeat {
                guard let key = r.uid(), r.expect(": {\"uid\": "), let uid = r.optionalUID(),
                      r.expect(", \"username\": "), let username = r.string(), r.expect(", \"color\": "),
                      let color = r.string(), r.expect("}") else { return nil }
                let entry = UserEntry(key: key, user: WireUser(uid: uid, username: username, color: color))
                if let n = place[key] {
                    users[n] = entry
                } else {
                    place[key] = users.count
                    users.append(entry)
                }
            } while r.expect(", ")
            guard r.expect("}") else { return nil }
        }
        guard r.expect(", \"uid\": "), let uid = r.optionalUID(), r.expect(", \"type\": \"ServerInfo\"}") else { return nil }
        return .serverInfo(users: users, uid: uid)
    }
}
