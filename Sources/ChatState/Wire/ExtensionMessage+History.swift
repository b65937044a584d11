/// The `history` feature's messages on the wire (docs/PROTOCOL.md, "Extension messages"). An
/// entry is `{"seq": 7, "time": 1700000000000, "kind": "chat", "name": "alice", "color":
/// "ff8800", "text": "hi"}`; its room is the message's, and the author's uid stays on the server.
extension ExtensionCodec {
    /// `{"type": TYPE, "room": ROOM, "FIELD": N, "limit": L}`: a client's question about the
    /// entries of a room next to one (`HistoryRequest`, `ContextRequest`).
    static func writeRoomRequest(_ type: StaticString, room: String, _ field: (name: StaticString, seq: Int64),
                                 limit: Int, _ w: inout JSONWriter) {
        w.raw("{\"type\": \"")
        w.raw(type)
        w.raw("\", \"room\": ")
        w.string(room)
        w.raw(", \"")
        w.raw(field.name)
        w.raw("\": ")
        w.number(Int(field.seq))
        w.raw(", \"limit\": ")
        w.number(limit)
        w.raw("}")
    }

    static func writeHistory(_ message: ExtensionMessage, _ w: inout JSONWriter) {
        switch message {
        case let .stamp(seq, wallMillis):
            writeNumbers("Stamp", [("seq", seq), ("time", wallMillis)], &w)
        case let .history(room, entries, more):
            w.raw("{\"type\": \"History\", \"room\": ")
            w.string(room)
            w.raw(", \"entries\": [")
            writeEntries(entries, &w)
            w.raw(more ? "], \"more\": true}" : "], \"more\": false}")
        case let .historyRequest(room, before, limit):
            writeRoomRequest("HistoryRequest", room: room, ("before", before), limit: limit, &w)
        case let .search(room, words, limit):
            w.raw("{\"type\": \"Search\", \"room\": ")
            w.string(room)
            w.raw(", \"words\": ")
            writeWords(words, &w)
            w.raw(", \"limit\": ")
            w.number(limit)
            w.raw("}")
        case let .searchResults(room, words, entries):
            w.raw("{\"type\": \"SearchResults\", \"room\": ")
            w.string(room)
            w.raw(", \"words\": ")
            writeWords(words, &w)
            w.raw(", \"entries\": [")
            writeEntries(entries, &w)
            w.raw("]}")
        default:
            preconditionFailure("not a history message")
        }
    }

    /// `{"type": "TYPE", "a": 1, "b": 2}`: a message of numbers only.
    static func writeNumbers(_ type: StaticString, _ fields: [(StaticString, Int64)], _ w: inout JSONWriter) {
        w.raw("{\"type\": \"")
        w.raw(type)
        w.raw("\"")
        for (name, value) in fields {
            w.raw(", \"")
            w.raw(name)
            w.raw("\": ")
            w.number(Int(value))
        }
        w.raw("}")
    }

    private static func writeWords(_ words: [String], _ w: inout JSONWriter) {
        w.raw("[")
        for (n, word) in words.enumerated() {
            if n > 0 { w.raw(", ") }
            w.string(word)
        }
        w.raw("]")
    }

    private static func writeEntries(_ entries: [RoomEntry], _ w: inout JSONWriter) {
        for (n, e) in entries.enumerated() {
            if n > 0 { w.raw(", ") }
            writeEntry(e, text: e.text, &w)
        }
    }

    /// `ownID`: the asker's own id for its chat, written only in a `Resumed` (see Resume).
    static func writeEntry(_ e: RoomEntry, text: String, ownID: Int64? = nil, _ w: inout JSONWriter) {
        w.raw("{\"seq\": ")
        w.number(Int(e.seq))
        w.raw(", \"time\": ")
        w.number(Int(e.wallMillis))
        w.raw(", \"kind\": ")
        w.string(e.kind.rawValue)
        w.raw(", \"name\": ")
        w.string(e.author)
        w.raw(", \"color\": ")
        w.color(e.color)
        w.raw(", \"text\": ")
        w.string(text)
        if let ownID {
            w.raw(", \"id\": ")
            w.number(Int(ownID))
        }
        w.raw("}")
    }

    /// The frames that carry `message`, each at most `limit` long (kind byte and body). A
    /// `History` or `SearchResults` with more than fits in one is split: a History into frames
    /// of the newest entries first (each oldest first inside, every one but the oldest frame
    /// saying `more`), so a client puts each after the first in front of what it has, as it
    /// does a page it asked for; SearchResults in their order. An entry too long for a frame of
    /// its own (a 65 000-byte text under a 512-byte name) has its text cut to fit.
    public static func frames(_ message: ExtensionMessage, limit: Int = Limits.maxFrameLength) -> [[UInt8]] {
        switch message {
        case let .history(room, entries, _):
            let budget = limit + FrameCodec.headerLength - frame(.history(room: room, entries: [], more: false)).count
            // The usual page fits in one frame: the message as it is, without packing it.
            return fitWhole(entries, budget: budget) ? [frame(message)] : packedFrames(message, budget: budget)
        case let .searchResults(room, words, entries):
            let budget = limit + FrameCodec.headerLength - frame(.searchResults(room: room, words: words, entries: [])).count
            return fitWhole(entries, budget: budget) ? [frame(message)] : packedFrames(message, budget: budget)
        default:
            return [frame(message)]
        }
    }

    /// `frames` the general way, the reference its one-frame shortcut is held to: the entries
    /// packed into runs within `budget`, a frame for each.
    static func packedFrames(_ message: ExtensionMessage, budget: Int) -> [[UInt8]] {
        switch message {
        case let .history(room, entries, more):
            let chunks = pack(entries.reversed(), budget: budget)
            guard !chunks.isEmpty else { return [frame(message)] }
            return chunks.enumerated().map { n, chunk in
                frame(.history(room: room, entries: chunk.reversed(), more: more || n < chunks.count - 1))
            }
        case let .searchResults(room, words, entries):
            let chunks = pack(entries, budget: budget)
            guard !chunks.isEmpty else { return [frame(message)] }
            return chunks.map { frame(.searchResults(room: room, words: words, entries: $0)) }
        default:
            return [frame(message)]
        }
    }

    /// Whether `pack` would keep these entries as one run, none of them cut: their sizes (each
    /// with `extra`) and the separators between them are within `budget`. Then the message
    /// as it is makes the one frame; none makes it too (`pack` gives no runs, the callers the
    /// message as it is).
    static func fitWhole(_ entries: some Collection<RoomEntry>, budget: Int, extra: Int = 0) -> Bool {
        var used = -2
        for e in entries {
            used += 2 + entrySize(e) + extra
            if used > budget { return false }
        }
        return true
    }

    /// Greedy runs of entries whose JSON, with a 2-byte separator between two, fits in `budget`.
    /// `extra`: bytes each entry may take beyond its JSON (a `Resumed` entry's own id).
    static func pack(_ entries: some Sequence<RoomEntry>, budget: Int, extra: Int = 0) -> [[RoomEntry]] {
        var chunks: [[RoomEntry]] = [], chunk: [RoomEntry] = [], used = 0
        for var e in entries {
            var size = entrySize(e) + extra
            if size > budget {
                let around = size - JSONWriter.encodedLength(e.text)
                e.text = TextRules.fitted(e.text, characters: .max, bytes: max(0, budget - around))
                size = entrySize(e) + extra
            }
            if !chunk.isEmpty, used + 2 + size > budget {
                chunks.append(chunk)
                chunk = []
                used = 0
            }
            used += chunk.isEmpty ? size : 2 + size
            chunk.append(e)
        }
        if !chunk.isEmpty { chunks.append(chunk) }
        return chunks
    }

    /// The bytes `writeEntry` writes for `e` (without an id), counted without writing them: the
    /// fixed part once, then the numbers' digits and each string's escaped length. A `History`
    /// of a page of entries is sized entry by entry before it is written, on every join.
    static func entrySize(_ e: RoomEntry) -> Int {
        entryFixedBytes + digitCount(e.seq) + digitCount(e.wallMillis) + JSONWriter.encodedLength(e.kind.rawValue)
            + JSONWriter.encodedLength(e.author) + JSONWriter.encodedLength(e.text)
    }

    /// The reference `entrySize` is held to: the entry written, and its bytes counted.
    static func writtenEntrySize(_ e: RoomEntry) -> Int {
        var w = JSONWriter(capacity: 64 + e.text.utf8.count)
        writeEntry(e, text: e.text, &w)
        return w.bytes.count
    }

    /// What every entry writes whatever its fields: keys, separators, quotes, the colour.
    private static let entryFixedBytes: Int = {
        let e = RoomEntry(room: "", seq: 0, wallMillis: 0, kind: .chat, author: "", authorUID: nil, color: .defaultUser, text: "")
        return writtenEntrySize(e) - 2 - JSONWriter.encodedLength(e.kind.rawValue)
    }()

    /// The length of `String(n)`.
    static func digitCount(_ n: Int64) -> Int {
        var count = n < 0 ? 2 : 1
        var m = n.magnitude
        while m >= 10 {
            m /= 10
            count += 1
        }
        return count
    }

    /// A message's field `name`, which it must have.
    static func member(_ name: String, of type: String, in members: [(String, JSONValue)]) throws(DecodeError) -> JSONValue {
        guard let v = members.first(where: { $0.0 == name })?.1 else { throw .missingField(type: type, field: name) }
        return v
    }

    static func decodeHistory(_ type: String, _ members: [(String, JSONValue)]) throws(DecodeError) -> ExtensionMessage {
        func field(_ name: String) throws(DecodeError) -> JSONValue { try member(name, of: type, in: members) }
        switch type {
        case "Stamp":
            return .stamp(seq: try seq(field("seq"), type, "seq"), wallMillis: try time(field("time"), type, "time"))
        case "History":
            let room = try string(field("room"), type, "room")
            let v = try field("more")
            guard case .bool(let more) = v else {
                throw .wrongFieldType(type: type, field: "more", expected: "boolean", found: v.typeName)
            }
            return .history(room: room, entries: try entries(field("entries"), room, type), more: more)
        case "HistoryRequest":
            return .historyRequest(room: try string(field("room"), type, "room"), before: try seq(field("before"), type, "before"),
                                   limit: try count(field("limit"), type, "limit"))
        case "Search":
            return .search(room: try string(field("room"), type, "room"), words: try strings(field("words"), type, "words"),
                           limit: try count(field("limit"), type, "limit"))
        case "SearchResults":
            let room = try string(field("room"), type, "room")
            return .searchResults(room: room, words: try strings(field("words"), type, "words"),
                                  entries: try entries(field("entries"), room, type))
        default:
            return try decodeResume(type, members)
        }
    }

    static func entries(_ v: JSONValue, _ room: String, _ type: String) throws(DecodeError) -> [RoomEntry] {
        guard case .array(let list) = v else {
            throw .wrongFieldType(type: type, field: "entries", expected: "list of entries", found: v.typeName)
        }
        var out: [RoomEntry] = []
        out.reserveCapacity(list.count)
        for item in list {
            guard case .object(let members) = item else {
                throw .wrongFieldType(type: type, field: "entries", expected: "list of entries", found: "list holding a \(item.typeName)")
            }
            let what = type + " entry"
            func field(_ name: String) throws(DecodeError) -> JSONValue {
                guard let v = members.first(where: { $0.0 == name })?.1 else { throw .missingField(type: what, field: name) }
                return v
            }
            let kindName = try string(field("kind"), what, "kind")
            guard let kind = RoomEntry.Kind(rawValue: kindName) else {
                throw .wrongFieldType(type: what, field: "kind", expected: "chat, join, leave, rename, action or topic", found: "string")
            }
            out.append(RoomEntry(room: room, seq: try seq(field("seq"), what, "seq"), wallMillis: try time(field("time"), what, "time"),
                                 kind: kind, author: try string(field("name"), what, "name"), authorUID: nil,
                                 color: RGB.cleaned(try string(field("color"), what, "color")),
                                 text: try string(field("text"), what, "text")))
        }
        return out
    }

    static func string(_ v: JSONValue, _ type: String, _ field: String) throws(DecodeError) -> String {
        guard case .string(let s) = v else { throw .wrongFieldType(type: type, field: field, expected: "string", found: v.typeName) }
        return s
    }

    private static func strings(_ v: JSONValue, _ type: String, _ field: String) throws(DecodeError) -> [String] {
        guard case .array(let list) = v else {
            throw .wrongFieldType(type: type, field: field, expected: "list of strings", found: v.typeName)
        }
        var out: [String] = []
        for item in list {
            guard case .string(let s) = item else {
                throw .wrongFieldType(type: type, field: field, expected: "list of strings", found: "list holding a \(item.typeName)")
            }
            out.append(s)
        }
        return out
    }

    /// A sequence number: a whole number from 0 up.
    static func seq(_ v: JSONValue, _ type: String, _ field: String) throws(DecodeError) -> Int64 {
        guard case .number(let text) = v, let n = Int64(text), n >= 0 else {
            throw .wrongFieldType(type: type, field: field, expected: "sequence number", found: v.typeName)
        }
        return n
    }

    /// Unix milliseconds: any whole number.
    static func time(_ v: JSONValue, _ type: String, _ field: String) throws(DecodeError) -> Int64 {
        guard case .number(let text) = v, let n = Int64(text) else {
            throw .wrongFieldType(type: type, field: field, expected: "time in milliseconds", found: v.typeName)
        }
        return n
    }
}
