/// The `commands` feature's messages on the wire (docs/PROTOCOL.md, "Commands"): a client's
/// typed command line to the server, and what comes back only to clients that negotiated the
/// feature: answers, actions, private messages and member details. Everyone else is sent the
/// same things as SystemMessages (see `Room+Commands.swift`).
public struct PrivateMessage: Equatable, Sendable {
    /// The sender's uid, so a client can ignore it whatever name it takes.
    public var uid: UID
    public var from: String
    public var color: RGB
    public var to: String
    public var text: String
    /// The copy sent back to the sender, saying it was delivered.
    public var echo: Bool

    public init(uid: UID, from: String, color: RGB, to: String, text: String, echo: Bool) {
        self.uid = uid
        self.from = from
        self.color = color
        self.to = to
        self.text = text
        self.echo = echo
    }
}

extension ExtensionCodec {
    static func writeCommands(_ message: ExtensionMessage, _ w: inout JSONWriter) {
        switch message {
        case let .command(line, room, after):
            w.field("{\"type\": \"Command\", \"line\": ", line)
            if let room { w.field(", \"room\": ", room) }
            // Only on a rejoin's `/join`: every other Command is the bytes it always was.
            if let after {
                w.raw(", \"after\": ")
                w.number(Int(after))
            }
            w.raw("}")
        case let .notice(text, refusedJoin):
            w.field("{\"type\": \"Notice\", \"text\": ", text)
            // Only on a refused `/join`: every other Notice is the bytes it always was.
            if let refusedJoin { w.field(", \"join\": ", refusedJoin) }
            w.raw("}")
        case let .action(uid, name, color, text):
            w.raw("{\"type\": \"Action\", \"uid\": ")
            w.uid(uid)
            w.field(", \"name\": ", name)
            w.field(", \"color\": ", color.description)
            w.field(", \"text\": ", text)
            w.raw("}")
        case let .privateMessage(p):
            w.raw("{\"type\": \"Private\", \"uid\": ")
            w.uid(p.uid)
            w.field(", \"from\": ", p.from)
            w.field(", \"color\": ", p.color.description)
            w.field(", \"to\": ", p.to)
            w.field(", \"text\": ", p.text)
            w.raw(p.echo ? ", \"echo\": true}" : ", \"echo\": false}")
        case let .who(members, total):
            w.raw("{\"type\": \"Who\", \"members\": [")
            for (n, m) in members.enumerated() {
                if n > 0 { w.raw(", ") }
                writeMember(m, &w)
            }
            w.raw("], \"total\": ")
            w.number(total)
            w.raw("}")
        case let .whois(m):
            w.raw("{\"type\": \"Whois\", \"member\": ")
            writeMember(m, &w)
            w.raw("}")
        default:
            preconditionFailure("not a commands message")
        }
    }

    private static func writeMember(_ m: MemberDetails, _ w: inout JSONWriter) {
        w.field("{\"name\": ", m.name)
        w.field(", \"color\": ", m.color.description)
        w.raw(m.op ? ", \"op\": true, \"away\": " : ", \"op\": false, \"away\": ")
        if let away = m.away { w.string(away) } else { w.raw("null") }
        w.raw(", \"idle\": ")
        w.number(m.idleSeconds)
        w.raw(", \"here\": ")
        w.number(m.hereSeconds)
        w.field(", \"client\": ", m.client.rawValue)
        // Only under TLS, so a room without it sends the bytes it always did.
        if let fingerprint = m.fingerprint { w.field(", \"fingerprint\": ", fingerprint) }
        w.raw("}")
    }

    /// nil: not one of the `commands` messages.
    static func decodeCommands(_ type: String, _ members: [(String, JSONValue)]) throws(DecodeError) -> ExtensionMessage? {
        let f = ExtensionFields(type: type, members: members)
        switch type {
        case "Command":
            var after: Int64?
            if let v = members.first(where: { $0.0 == "after" })?.1 { after = try seq(v, type, "after") }
            return .command(line: try f.string("line"),
                            room: members.contains { $0.0 == "room" } ? try f.string("room") : nil, after: after)
        case "Notice":
            return .notice(text: try f.string("text"),
                           refusedJoin: members.contains { $0.0 == "join" } ? try f.string("join") : nil)
        case "Action":
            return .action(uid: try f.uid("uid"), name: try f.string("name"), color: RGB.cleaned(try f.string("color")),
                           text: try f.string("text"))
        case "Private":
            return .privateMessage(PrivateMessage(uid: try f.uid("uid"), from: try f.string("from"),
                                                  color: RGB.cleaned(try f.string("color")), to: try f.string("to"),
                                                  text: try f.string("text"), echo: try f.bool("echo")))
        case "Who":
            let v = try f.value("members")
            guard case .array(let list) = v else {
                throw .wrongFieldType(type: type, field: "members", expected: "list of members", found: v.typeName)
            }
            var out: [MemberDetails] = []
            for item in list { out.append(try member(item, type)) }
            return .who(members: out, total: try count(f.value("total"), type, "total"))
        case "Whois":
            return .whois(try member(f.value("member"), type))
        default:
            return nil
        }
    }

    private static func member(_ v: JSONValue, _ type: String) throws(DecodeError) -> MemberDetails {
        guard case .object(let members) = v else {
            throw .wrongFieldType(type: type, field: "members", expected: "member", found: v.typeName)
        }
        let what = type + " member"
        let f = ExtensionFields(type: what, members: members)
        let away: String?
        switch try f.value("away") {
        case .null: away = nil
        default: away = try f.string("away")
        }
        let clientName = try f.string("client")
        guard let client = MemberDetails.Client(rawValue: clientName) else {
            throw .wrongFieldType(type: what, field: "client", expected: "host, pychat or original", found: "string")
        }
        return MemberDetails(name: try f.string("name"), color: RGB.cleaned(try f.string("color")), op: try f.bool("op"),
                             away: away, idleSeconds: try count(f.value("idle"), what, "idle"),
                             hereSeconds: try count(f.value("here"), what, "here"), client: client,
                             fingerprint: members.contains { $0.0 == "fingerprint" } ? try f.string("fingerprint") : nil)
    }
}

extension JSONWriter {
    /// A key (with what comes before it) and its string value.
    mutating func field(_ key: StaticString, _ value: String) {
        raw(key)
        string(value)
    }
}

/// An extension message's fields, read by name with a clear error for a missing or mistyped one.
struct ExtensionFields {
    let type: String
    let members: [(String, JSONValue)]

    func value(_ name: String) throws(DecodeError) -> JSONValue {
        guard let v = members.first(where: { $0.0 == name })?.1 else { throw .missingField(type: type, field: name) }
        return v
    }

    func string(_ name: String) throws(DecodeError) -> String {
        let v = try value(name)
        guard case .string(let s) = v else { throw .wrongFieldType(type: type, field: name, expected: "string", found: v.typeName) }
        return s
    }

    func bool(_ name: String) throws(DecodeError) -> Bool {
        let v = try value(name)
        guard case .bool(let b) = v else { throw .wrongFieldType(type: type, field: name, expected: "boolean", found: v.typeName) }
        return b
    }

    func uid(_ name: String) throws(DecodeError) -> UID {
        let v = try value(name)
        guard case .string(let s) = v, let uid = UID(s) else {
            throw .wrongFieldType(type: type, field: name, expected: "uid", found: v.typeName)
        }
        return uid
    }
}
