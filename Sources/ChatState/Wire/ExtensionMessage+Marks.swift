/// Feature `commands`: which members are ops and which are away, for a pychat client's members
/// pane (`@alice`, away names dimmed, as weechat's nicklist shows them). The whole set each time,
/// by uid, in the room's order, at most `Limits.marksListed` of each: sent after a member's join
/// and to every such member when a mark changes (`/op`, `/deop`, `/away`, `/back`).
///
/// ```
/// {"type": "Marks", "ops": ["5d0c2a6e-8f1b-4c3d-9e7f-0123456789ab"], "away": []}
/// ```
public struct Marks: Equatable, Sendable {
    public var ops: [UID]
    public var away: [UID]

    public init(ops: [UID] = [], away: [UID] = []) {
        self.ops = ops
        self.away = away
    }
}

extension ExtensionCodec {
    static func writeMarks(_ marks: Marks, _ w: inout JSONWriter) {
        w.raw("{\"type\": \"Marks\", \"ops\": [")
        writeUIDs(marks.ops, &w)
        w.raw("], \"away\": [")
        writeUIDs(marks.away, &w)
        w.raw("]}")
    }

    private static func writeUIDs(_ uids: [UID], _ w: inout JSONWriter) {
        for (n, uid) in uids.enumerated() {
            if n > 0 { w.raw(", ") }
            w.uid(uid)
        }
    }

    /// nil: not a `Marks`.
    static func decodeMarks(_ type: String, _ members: [(String, JSONValue)]) throws(DecodeError) -> ExtensionMessage? {
        guard type == "Marks" else { return nil }
        let f = ExtensionFields(type: type, members: members)
        func uids(_ field: String) throws(DecodeError) -> [UID] {
            let v = try f.value(field)
            guard case .array(let list) = v else {
                throw .wrongFieldType(type: type, field: field, expected: "list of uids", found: v.typeName)
            }
            var out: [UID] = []
            for item in list {
                guard case .string(let s) = item, let uid = UID(s) else {
                    throw .wrongFieldType(type: type, field: field, expected: "list of uids", found: "list holding a \(item.typeName)")
                }
                out.append(uid)
            }
            return out
        }
        return .marks(Marks(ops: try uids("ops"), away: try uids("away")))
    }
}
