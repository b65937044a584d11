/// Feature `commands`: why the server is closing this client's connection, when an op put it
/// out (docs/PROTOCOL.md, "Moderation"). Sent after the SystemMessage every member reads and
/// before the close, only to a client that negotiated `commands`, so it knows not to dial
/// again: a kicked or banned pychat client that reconnected would be back in the room at once
/// (a kick) or refused forever, on a backoff (a ban). An original client is sent only the
/// SystemMessage, as before.
///
/// ```
/// {"type": "Removed", "how": "kicked", "by": "bob", "reason": "spam", "until": null}
/// {"type": "Removed", "how": "banned", "by": "bob", "reason": null, "until": 1700003600000}
/// ```
public struct Removal: Equatable, Codable, Sendable {
    public enum How: String, Codable, Sendable {
        case kicked, banned
    }

    public var how: How
    /// The op's name.
    public var by: String
    public var reason: String?
    /// A ban's end, Unix milliseconds of the server's wall clock; nil: for good (and for a kick).
    public var untilWallMillis: Int64?

    public init(_ how: How, by: String, reason: String?, untilWallMillis: Int64? = nil) {
        self.how = how
        self.by = by
        self.reason = reason
        self.untilWallMillis = untilWallMillis
    }
}

extension ExtensionCodec {
    static func writeRemoved(_ r: Removal, _ w: inout JSONWriter) {
        w.field("{\"type\": \"Removed\", \"how\": ", r.how.rawValue)
        w.field(", \"by\": ", r.by)
        w.raw(", \"reason\": ")
        if let reason = r.reason { w.string(reason) } else { w.raw("null") }
        w.raw(", \"until\": ")
        if let until = r.untilWallMillis { w.number(Int(until)) } else { w.raw("null") }
        w.raw("}")
    }

    /// nil: not a `Removed`.
    static func decodeRemoved(_ type: String, _ members: [(String, JSONValue)]) throws(DecodeError) -> ExtensionMessage? {
        guard type == "Removed" else { return nil }
        let f = ExtensionFields(type: type, members: members)
        guard let how = Removal.How(rawValue: try f.string("how")) else {
            throw .wrongFieldType(type: type, field: "how", expected: "kicked or banned", found: "string")
        }
        let reason: String?
        switch try f.value("reason") {
        case .null: reason = nil
        default: reason = try f.string("reason")
        }
        let until: Int64?
        switch try f.value("until") {
        case .null: until = nil
        case let v: until = try time(v, type, "until")
        }
        return .removed(Removal(how, by: try f.string("by"), reason: reason, untilWallMillis: until))
    }
}
