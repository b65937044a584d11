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

    public var typeName: String {
        switch self {
        case .welcome: return "Welcome"
        case .roomSize: return "RoomSize"
        }
    }
}

public enum ExtensionCodec {
    public static let kind: UInt8 = 0x02

    public static func frame(_ message: ExtensionMessage) -> [UInt8] {
        var w = JSONWriter()
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
        }
        return FrameCodec.frame(kind: kind, parts: w.bytes)
    }

    /// Decodes one extension body. Fields it does not know are ignored, so a later version may
    /// add some; a type it does not know is `.unknownType`.
    public static func decode(_ body: [UInt8]) throws(DecodeError) -> ExtensionMessage {
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
            throw .unknownType(type)
        }
    }

    private static func count(_ v: JSONValue, _ type: String, _ field: String) throws(DecodeError) -> Int {
        guard case .number(let text) = v, let n = Int(text), n >= 0 else {
            throw .wrongFieldType(type: type, field: field, expected: "count", found: v.typeName)
        }
        return n
    }
}
