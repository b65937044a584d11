/// pychat's own messages, in frames of kind 0x02. An original peer drops such frames unread
/// (PROTOCOL.md, "Extensions"), and a server sends them only to a client that said, in a
/// `hello`, that it understands them; so a room mixing original and pychat clients stays
/// byte-for-byte the original's for the original ones.
public enum ExtensionMessage: Equatable, Sendable {
    /// Client to server, after its JoinRequest: the features it understands.
    case hello(features: [String])
    /// Server to a client that understands `Feature.roomSize`: how many users the room has,
    /// the host included. Above `Limits.wholeTableMembers` members a client's table holds only
    /// those it needs to name, so counting it would understate the room.
    case roomSize(users: Int)

    public enum Feature {
        public static let roomSize = "room-size"
    }
}

public enum ExtensionCodec {
    public static let kind: UInt8 = 0x02

    public static func frame(_ message: ExtensionMessage) -> [UInt8] {
        var w = JSONWriter()
        switch message {
        case let .hello(features):
            w.raw("{\"type\": \"Hello\", \"features\": [")
            for (n, f) in features.enumerated() {
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

    /// Decodes one extension body. Fields it does not know are ignored, so a later pychat may
    /// add some; a type it does not know is `.unknownType`, which a receiver ignores too.
    public static func decode(_ body: [UInt8]) throws(DecodeError) -> ExtensionMessage {
        let (type, members) = try MessageCodec.typedObject(body)
        func field(_ name: String, of type: String) throws(DecodeError) -> JSONValue {
            guard let v = members.first(where: { $0.0 == name })?.1 else {
                throw .missingField(type: type, field: name)
            }
            return v
        }
        switch type {
        case "Hello":
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
            return .hello(features: features)
        case "RoomSize":
            let v = try field("users", of: type)
            guard case .number(let text) = v, let users = Int(text), users >= 0 else {
                throw .wrongFieldType(type: type, field: "users", expected: "count", found: v.typeName)
            }
            return .roomSize(users: users)
        default:
            throw .unknownType(type)
        }
    }
}
