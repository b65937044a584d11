/// pychat's own messages, in frames of kind 0x02. An original peer throws on every such frame
/// (a traceback on its user's screen), so one is sent only to a peer that has shown it is pychat:
/// a server to a client that gave the sign (`PeerSign`), a client to a server that answered it
/// with `welcome`, each message only within a feature both named (docs/PROTOCOL.md,
/// "Negotiation" and "Extensions"). A room mixing original and pychat clients so stays
/// byte-for-byte the original's for the original ones.
public enum ExtensionMessage: Equatable, Sendable {
    /// Server to a client that gave the sign: the protocol version and features both speak.
    case welcome(Capabilities)
    /// Server to a client that negotiated `Capabilities.Feature.roomSize`: how many users the
    /// room has, the host included. Above `Limits.wholeTableMembers` members a client's table
    /// holds only those it needs to name, so counting it would understate the room.
    case roomSize(users: Int)
    /// Feature `history` (see `ExtensionMessage+History.swift`): the room log's entry that the
    /// next kind-1 frame shows, sent just before it.
    case stamp(seq: Int64, wallMillis: Int64)
    /// Entries of the room log, oldest first; `more`: older ones may exist.
    case history(room: String, entries: [RoomEntry], more: Bool)
    /// Client to server: the page of up to `limit` entries before `before`.
    case historyRequest(room: String, before: Int64, limit: Int)
    /// Client to server: the newest `limit` entries holding all these words.
    case search(room: String, words: [String], limit: Int)
    /// The answer to a `search`, newest first.
    case searchResults(room: String, words: [String], entries: [RoomEntry])
    /// Feature `resume` (see `ExtensionMessage+Resume.swift`): client to server, once per
    /// connection, its session token and the newest entry it saw (nil: none, a first join).
    /// `log`: the identity of the log that `after` numbers (nil: none known, a first join).
    case resume(session: UID, after: Int64?, log: String? = nil)
    /// Server to client: the answer to `resume`, in one frame or several, oldest first.
    case resumed(ResumedPart)
    /// Client to server: a chat with the client's own id, so a resent one is known.
    case chat(id: Int64, text: String)
    /// Server to the chat's sender: the chat with this id is in the room log as entry `seq`.
    case ack(id: Int64, seq: Int64)
    /// Feature `commands` (see `ExtensionMessage+Commands.swift`): client to server, a typed
    /// command line, read by the same parser as an original client's `/` chat lines.
    /// `room`: the room the line was typed in (feature `rooms`; nil: `#general`). `after`: on a
    /// `/join` a reconnected client sends by itself, the newest entry of that room it has shown
    /// (feature `rooms` with `resume`; see `Room+RoomResume.swift`).
    case command(line: String, room: String? = nil, after: Int64? = nil)
    /// Server to client: an answer to a command. `refusedJoin`: the room (as `RoomName.read`
    /// reads the name typed) whose `/join` this refuses, so a client holding lines for it
    /// knows which answer is the refusal (feature `rooms`; nil for every other notice).
    case notice(text: String, refusedJoin: String? = nil)
    /// `/me`: a member's action, to everyone (its sender too).
    case action(uid: UID, name: String, color: RGB, text: String)
    /// `/msg`, `/reply`: to its recipient, and as an echo to its sender.
    case privateMessage(PrivateMessage)
    /// `/who`: up to `Limits.whoListed` members of `total`.
    case who(members: [MemberDetails], total: Int)
    /// `/whois`: one member.
    case whois(MemberDetails)
    /// Feature `context` (see `ExtensionMessage+Context.swift`): client to server, the entries
    /// around entry `seq`, up to `limit` on each side.
    case contextRequest(room: String, seq: Int64, limit: Int)
    /// Server to client: the answer, oldest first, in one frame or several (`done` on the last).
    case context(room: String, seq: Int64, entries: [RoomEntry], done: Bool)
    /// Feature `commands` (see `ExtensionMessage+Removed.swift`): server to a client it is
    /// closing because an op kicked or banned it, so that it does not reconnect.
    case removed(Removal)
    /// Feature `commands` (see `ExtensionMessage+Marks.swift`): server to client, who is an op
    /// and who is away, for the members pane.
    case marks(Marks)
    /// Feature `rooms` (see `ExtensionMessage+Rooms.swift`): client to server, a chat in a room
    /// besides `#general` (whose chats stay the original's ChatMessage).
    case say(room: String, text: String)
    /// Server to client: a chat, action or topic in a room besides `#general`, by `uid`.
    case roomEntry(uid: UID, RoomEntry)
    /// Server to client: someone joined a room (the joiner's copy lists the room).
    case join(RoomJoin)
    /// Server to client: someone left a room (or the server, which leaves every room).
    case part(room: String, uid: UID, name: String, seq: Int64, wallMillis: Int64)
    /// Server to client: the room was dropped by an op (`/drop`), so this member is out of it; a
    /// `Part` with the drop's fields (`Room+DropRoom.swift`), `seq` the drop's entry.
    case dropped(RoomDrop, uid: UID, name: String)
    /// Server to client: the answer to `/rooms`.
    case rooms([RoomSummary])

    public var typeName: String {
        switch self {
        case .welcome: return "Welcome"
        case .roomSize: return "RoomSize"
        case .stamp: return "Stamp"
        case .history: return "History"
        case .historyRequest: return "HistoryRequest"
        case .search: return "Search"
        case .searchResults: return "SearchResults"
        case .resume: return "Resume"
        case .resumed: return "Resumed"
        case .chat: return "Chat"
        case .ack: return "Ack"
        case .command: return "Command"
        case .notice: return "Notice"
        case .action: return "Action"
        case .privateMessage: return "Private"
        case .who: return "Who"
        case .whois: return "Whois"
        case .contextRequest: return "ContextRequest"
        case .context: return "Context"
        case .removed: return "Removed"
        case .marks: return "Marks"
        case .say: return "Say"
        case .roomEntry: return "RoomEntry"
        case .join: return "Join"
        case .part, .dropped: return "Part"
        case .rooms: return "Rooms"
        }
    }
}

public enum ExtensionCodec {
    public static let kind: UInt8 = 0x02

    public static func frame(_ message: ExtensionMessage) -> [UInt8] {
        var w = JSONWriter(frameKind: kind)
        switch message {
        case let .welcome(common):
            w.raw("{\"type\": \"Welcome\", \"version\": ")
            w.number(common.version)
            w.raw(", \"features\": [")
            for (n, f) in common.features.enumerated() {
                if n > 0 { w.raw(", ") }
                w.string(f)
            }
            w.raw("]}")
        case let .roomSize(users):
            w.raw("{\"type\": \"RoomSize\", \"users\": ")
            w.number(users)
            w.raw("}")
        case .stamp, .history, .historyRequest, .search, .searchResults:
            writeHistory(message, &w)
        case .resume, .resumed, .chat, .ack:
            writeResume(message, &w)
        case .command, .notice, .action, .privateMessage, .who, .whois:
            writeCommands(message, &w)
        case .contextRequest, .context:
            writeContext(message, &w)
        case .removed(let removal):
            writeRemoved(removal, &w)
        case .marks(let marks):
            writeMarks(marks, &w)
        case .say, .roomEntry, .join, .part, .dropped, .rooms:
            writeRooms(message, &w)
        }
        return w.finishFrame()
    }

    /// Decodes one extension body. Fields it does not know are ignored, so a later version may
    /// add some; a type it does not know is `.unknownType`.
    public static func decode(_ body: [UInt8]) throws(DecodeError) -> ExtensionMessage {
        // The common bodies, exactly as written, without a tree; any other, the general way.
        if let message = KnownShapes.extensionMessage(body) { return message }
        return try generalDecode(body)
    }

    /// Any body, through a `JSONValue` tree: the reference `KnownShapes` is held to.
    static func generalDecode(_ body: [UInt8]) throws(DecodeError) -> ExtensionMessage {
        let (type, members) = try MessageCodec.typedObject(body)
        func field(_ name: String, of type: String) throws(DecodeError) -> JSONValue {
            guard let v = members.first(where: { $0.0 == name })?.1 else {
                throw .missingField(type: type, field: name)
            }
            return v
        }
        switch type {
        case "Welcome":
            let version = try count(field("version", of: type), type, "version")
            let v = try field("features", of: type)
            guard case .array(let list) = v else {
                throw .wrongFieldType(type: type, field: "features", expected: "list of strings", found: v.typeName)
            }
            var features: [String] = []
            for item in list {
                guard case .string(let s) = item else {
                    throw .wrongFieldType(type: type, field: "features", expected: "list of strings",
                                          found: "list holding a \(item.typeName)")
                }
                features.append(s)
            }
            return .welcome(Capabilities(version: version, features: features))
        case "RoomSize":
            return .roomSize(users: try count(field("users", of: type), type, "users"))
        default:
            if let message = try decodeCommands(type, members) { return message }
            if let message = try decodeRemoved(type, members) { return message }
            if let message = try decodeMarks(type, members) { return message }
            if let message = try decodeRooms(type, members) { return message }
            return try decodeHistory(type, members)
        }
    }

    static func count(_ v: JSONValue, _ type: String, _ field: String) throws(DecodeError) -> Int {
        guard case .number(let text) = v, let n = Int(text), n >= 0 else {
            throw .wrongFieldType(type: type, field: field, expected: "count", found: v.typeName)
        }
        return n
    }
}
