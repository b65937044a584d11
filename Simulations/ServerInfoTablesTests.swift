import ChatState
import Testing

/// `ServerInfoTables` held to the original's decoder: every payload a memo answers, whether from
/// a learnt table or not, gets the verdict `OriginalDecoder.decode` gives it.
@Suite struct ServerInfoTablesTests {
    /// Names that spell the slot's marker, quotes, escapes, non-ASCII and control characters.
    static let names = ["alice", "bob", "\"uid\": \"", "a\\\\b", "\u{1}x", "é\u{301}", "ServerInfo", "\"}", ""]

    static func uid(_ r: inout SimRandom) -> UID { UID(randomBits: r.next(), r.next()) }

    static func table(_ r: inout SimRandom) -> [UserEntry] {
        (0..<r.below(5)).map { _ in
            let key = uid(&r)
            return UserEntry(key: key, user: WireUser(uid: r.chance(1, in: 8) ? nil : key, username: r.pick(names), color: "336699"))
        }
    }

    /// pychat's ServerInfo for one receiver (the kind byte and the body).
    static func serverInfo(_ users: [UserEntry], _ receiver: UID) -> [UInt8] {
        Array(FrameCodec.frame(.serverInfo(users: users, uid: receiver)).dropFirst(4))
    }

    /// The same body written by hand with a given tail after the table: duplicate uid members,
    /// the uid before the table, an escaped quote before the slot, no type.
    static func handWritten(_ users: [UserEntry], _ rest: String) -> [UInt8] {
        let table = serverInfo(users, UID(high: 0, low: 0))
        // `\u{1}{"users": {...}` up to the table's end, then `rest`.
        let end = table.count - Array(", \"uid\": \"00000000-0000-0000-0000-000000000000\", \"type\": \"ServerInfo\"}".utf8).count
        return Array(table[..<end]) + Array(rest.utf8)
    }

    /// 36 bytes for the slot: a uid, or slot bytes in the wrong places (hyphens moved, all
    /// hyphens, upper case, one byte that is not a slot byte).
    static func slotText(_ r: inout SimRandom) -> String {
        let u = uid(&r).description
        switch r.below(8) {
        case 0: return String(repeating: "-", count: 36)
        case 1: return String(u.filter { $0 != "-" }) + "----"
        case 2: return u.uppercased()
        case 3: return String(u.dropLast()) + r.pick(["\"", "\\", "g", "é"])
        case 4: return "urn:uuid:" + String(u.dropFirst(9))
        default: return u
        }
    }

    static func payloads(_ r: inout SimRandom, tables: [[UserEntry]]) -> [[UInt8]] {
        let users = r.pick(tables)
        let a = slotText(&r), b = slotText(&r)
        switch r.below(11) {
        case 0:
            // Two uid members, the same uid in both, then another in the last: whichever of the
            // two the decoder takes, a table learnt from the first must not answer the second.
            return [a, b].map { handWritten(users, ", \"uid\": \"\(a)\", \"uid\": \"\($0)\", \"type\": \"ServerInfo\"}") }
        case 9:
            // The uid before the table, the same as the last user's inner uid, which is the last
            // `"uid": "` of the payload; then the same with another inner uid.
            let key = uid(&r)
            let inner = [key, uid(&r)]
            return inner.map { u in
                let user = "{\"uid\": \"\(u)\", \"username\": \"\(r.pick(["al", "b"]))\", \"color\": \"336699\"}"
                return [1] + Array("{\"uid\": \"\(key)\", \"users\": {\"\(key)\": \(user)}, \"type\": \"ServerInfo\"}".utf8)
            }
        case 1: return [handWritten(users, ", \"uid\": \"x\\\"\(a)\", \"type\": \"ServerInfo\"}")]
        case 2: return [handWritten(users, ", \"uid\": \"\(a)\"}")]
        case 3: return [handWritten(users, ", \"uid\": \"\(a)\", \"type\": \"ServerInfo\", \"uid\": \"\(b)\"}")]
        case 4: return [handWritten(users, ", \"uid\": \"\(a)\", \"type\": \"ChatMessage\"}")]
        case 5: return [handWritten(users, ", \"x\": \"\(a)\", \"uid\": null, \"type\": \"ServerInfo\"}")]
        case 6:
            // A byte of a real one changed or cut off, anywhere.
            var p = serverInfo(users, uid(&r))
            if r.chance(1, in: 2) { p[r.below(p.count)] = r.pick([0x22, 0x5C, 0x2D, 0x61, 0x00, 0xFF, 0x7D]) } else { p.removeLast(r.below(p.count)) }
            return [p]
        default:
            // The table to every member, each with its own uid (the case the tables are for).
            return (0..<(1 + r.below(4))).map { _ in serverInfo(users, r.chance(1, in: 4) && !users.isEmpty ? r.pick(users).key : uid(&r)) }
        }
    }

    @Test func verdictsAreTheGeneralDecoders() {
        var r = SimRandom(seed: 0x7AB1E5)
        let tables = (0..<30).map { _ in Self.table(&r) }
        let memo = DecodeMemo()
        var accepted = 0, n = 0
        for _ in 0..<6_000 {
            for p in Self.payloads(&r, tables: tables) {
                n += 1
                let want = DecodeMemo.general(p[...])
                if case .success = want { accepted += 1 }
                // Cut from a bigger buffer, so a slice that does not start at 0 is read too.
                let buffer = [0x7B] + p + [0x22]
                let got = Result { () throws(Rejection) in try memo.decode(buffer[1..<(1 + p.count)]) }
                #expect(got == want, "\(printable(p))")
            }
        }
        // Both verdicts are common, and most tables are answered from what was learnt.
        #expect(accepted > n / 4 && accepted < n * 9 / 10, "\(accepted) of \(n) accepted")
        #expect(memo.tables.reused > n / 4, "\(memo.tables.reused) of \(n) from a learnt table")
    }
}
