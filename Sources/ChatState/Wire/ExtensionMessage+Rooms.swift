/// The `rooms` feature's messages (docs/PROTOCOL.md, "Rooms"). `#general` keeps the original's
/// messages (ChatMessage, the SystemMessage announcements, `Stamp`); what happens in any other
/// room travels only in these, to members that negotiated `rooms`, so no original client ever
/// sees another room. Room names are written without their `#`.

/// A member of a room, as the joiner's `Join` lists them.
public struct RoomMember: Equatable, Sendable {
    public let uid: UID
    public let name: String
    public let color: RGB

    public init(uid: UID, name: String, color: RGB) {
        self.uid = uid
        self.name = name
        self.color = color
    }
}

/// Someone joined a room: to its members, the joiner first. The joiner's own copy also holds the
/// room's members and topic (`whole`), so it can fill the room's buffer and members pane.
public struct RoomJoin: Equatable, Sendable {
    public let room: String
    public let member: RoomMember
    /// The join's entry in the room's log.
    public let seq: Int64
    public let wallMillis: Int64
    /// The joiner's copy: every member, in order of joining, and the topic.
    public let whole: (members: [RoomMember], topic: String?)?

    public init(room: String, member: RoomMember, seq: Int64, wallMillis: Int64,
                whole: (members: [RoomMember], topic: String?)? = nil) {
        self.room = room
        self.member = member
        self.seq = seq
        self.wallMillis = wallMillis
        self.whole = whole
    }

    public static func == (a: RoomJoin, b: RoomJoin) -> Bool {
        a.room == b.room && a.member == b.member && a.seq == b.seq && a.wallMillis == b.wallMillis
            && a.whole?.members == b.whole?.members && a.whole?.topic == b.whole?.topic
            && (a.whole == nil) == (b.whole == nil)
    }
}

/// One room in a `/rooms` answer.
public struct RoomSummary: Equatable, Sendable {
    public let name: String
    public let members: Int
    public let topic: String?

    public init(name: String, members: Int, topic: String?) {
        self.name = name
        self.members = members
        self.topic = topic
    }
}

extension ExtensionCodec {
    static func writeRooms(_ message: ExtensionMessage, _ w: inout JSONWriter) {
        switch message {
        case let .say(room, text):
            w.field("{\"type\": \"Say\", \"room\": ", room)
            w.field(", \"text\": ", text)
            w.raw("}")
        case let .roomEntry(uid, e):
            w.field("{\"type\": \"RoomEntry\", \"room\": ", e.room)
            w.raw(", \"uid\": ")
            w.uid(uid)
            w.raw(", \"entry\": ")
            writeEntry(e, text: e.text, &w)
            w.raw("}")
        case let .join(j):
            w.field("{\"type\": \"Join\", \"room\": ", j.room)
            writeMember(j.member, &w, first: false)
            w.raw(", \"seq\": ")
            w.number(Int(j.seq))
            w.raw(", \"time\": ")
            w.number(Int(j.wallMillis))
            if let whole = j.whole {
                w.raw(", \"members\": [")
                for (n, m) in whole.members.enumerated() {
                    if n > 0 { w.raw(", ") }
                    writeMember(m, &w, first: true)
                }
                w.raw("], \"topic\": ")
                if let topic = whole.topic { w.string(topic) } else { w.raw("null") }
            }
            w.raw("}")
        case let .part(room, uid, name, seq, wallMillis):
            w.field("{\"type\": \"Part\", \"room\": ", room)
            w.raw(", \"uid\": ")
            w.uid(uid)
            w.field(", \"name\": ", name)
            w.raw(", \"seq\": ")
            w.number(Int(seq))
            w.raw(", \"time\": ")
            w.number(Int(wallMillis))
            w.raw("}")
        case let .dropped(drop, uid, name):
            w.field("{\"type\": \"Part\", \"room\": ", drop.room)
            w.raw(", \"uid\": ")
            w.uid(uid)
            w.field(", \"name\": ", name)
            w.raw(", \"seq\": ")
            w.number(Int(drop.throughSeq))
            w.raw(", \"time\": ")
            w.number(Int(drop.wallMillis))
            w.field(", \"droppedBy\": ", drop.by)
            w.raw(", \"reason\": ")
            if let reason = drop.reason { w.string(reason) } else { w.raw("null") }
            w.raw("}")
        case let .rooms(list):
            w.raw("{\"type\": \"Rooms\", \"rooms\": [")
            for (n, r) in list.enumerated() {
                if n > 0 { w.raw(", ") }
                w.field("{\"name\": ", r.name)
                w.raw(", \"members\": ")
                w.number(r.members)
                w.raw(", \"topic\": ")
                if let topic = r.topic { w.string(topic) } else { w.raw("null") }
                w.raw("}")
            }
            w.raw("]}")
        default:
            preconditionFailure("not a rooms message")
        }
    }

    /// `"uid": …, "name": …, "color": …`, as an object of its own (`first`) or as fields.
    private static func writeMember(_ m: RoomMember, _ w: inout JSONWriter, first: Bool) {
        w.raw(first ? "{\"uid\": " : ", \"uid\": ")
        w.uid(m.uid)
        w.field(", \"name\": ", m.name)
        w.field(", \"color\": ", m.color.description)
        if first { w.raw("}") }
    }

    /// nil: not one of the `rooms` messages.
    static func decodeRooms(_ type: String, _ members: [(String, JSONValue)]) throws(DecodeError) -> ExtensionMessage? {
        let f = ExtensionFields(type: type, members: members)
        switch type {
        case "Say":
            return .say(room: try f.string("room"), text: try f.string("text"))
        case "RoomEntry":
            let v = try f.value("entry")
            guard case .object(let fields) = v else {
                throw .wrongFieldType(type: type, field: "entry", expected: "entry", found: v.typeName)
            }
            return .roomEntry(uid: try f.uid("uid"), try entries(.array([.object(fields)]), try f.string("room"), type)[0])
        case "Join":
            var whole: (members: [RoomMember], topic: String?)?
            if members.contains(where: { $0.0 == "members" }) {
                var all: [RoomMember] = []
                for m in try objects(f, "members", each: "member") { all.append(try member(m)) }
                whole = (all, try optionalString(f, "topic"))
            }
            return .join(RoomJoin(room: try f.string("room"), member: try member(f), seq: try seq(f.value("seq"), type, "seq"),
                                  wallMillis: try time(f.value("time"), type, "time"), whole: whole))
        case "Part" where members.contains(where: { $0.0 == "droppedBy" }):
            let drop = RoomDrop(room: try f.string("room"), throughSeq: try seq(f.value("seq"), type, "seq"), by: try f.string("droppedBy"),
                                reason: try optionalString(f, "reason"), wallMillis: try time(f.value("time"), type, "time"))
            return .dropped(drop, uid: try f.uid("uid"), name: try f.string("name"))
        case "Part":
            return .part(room: try f.string("room"), uid: try f.uid("uid"), name: try f.string("name"),
                         seq: try seq(f.value("seq"), type, "seq"), wallMillis: try time(f.value("time"), type, "time"))
        case "Rooms":
            var out: [RoomSummary] = []
            for rf in try objects(f, "rooms", each: "room") {
                out.append(RoomSummary(name: try rf.string("name"), members: try count(rf.value("members"), type, "members"),
                                       topic: try optionalString(rf, "topic")))
            }
            return .rooms(out)
        default:
            return nil
        }
    }

    /// A field that is a list of objects (`"members": [{…}, …]`), each read by name.
    private static func objects(_ f: ExtensionFields, _ field: String, each: String) throws(DecodeError) -> [ExtensionFields] {
        let v = try f.value(field)
        guard case .array(let list) = v else {
            throw .wrongFieldType(type: f.type, field: field, expected: "list of \(field)", found: v.typeName)
        }
        var out: [ExtensionFields] = []
        for item in list {
            guard case .object(let m) = item else {
                throw .wrongFieldType(type: f.type, field: field, expected: each, found: item.typeName)
            }
            out.append(ExtensionFields(type: f.type + " " + each, members: m))
        }
        return out
    }

    private static func member(_ f: ExtensionFields) throws(DecodeError) -> RoomMember {
        RoomMember(uid: try f.uid("uid"), name: try f.string("name"), color: RGB.cleaned(try f.string("color")))
    }

    private static func optionalString(_ f: ExtensionFields, _ name: String) throws(DecodeError) -> String? {
        if case .null = try f.value(name) { return nil }
        return try f.string(name)
    }
}
