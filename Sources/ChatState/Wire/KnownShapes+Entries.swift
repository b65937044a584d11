/// The known shapes that carry room log entries (`ExtensionCodec.writeEntry`): the bulk of the
/// bytes a client reads when it scrolls back, searches, reconnects or is in a room.
extension KnownShapes {
    /// An entry of `room` up to its text: `{"seq": N, "time": MS, "kind": "…", "name": "…",
    /// "color": "…", "text": "…"`; the caller reads what closes it.
    private static func entryFields(_ r: inout ShapeReader, room: String) -> RoomEntry? {
        guard r.expect("{\"seq\": "), let seq = r.seq(), r.expect(", \"time\": "), let time = r.integer(),
              r.expect(", \"kind\": "), let kindName = r.string(), let kind = RoomEntry.Kind(rawValue: kindName),
              r.expect(", \"name\": "), let name = r.string(), r.expect(", \"color\": "), let color = r.string(),
              r.expect(", \"text\": "), let text = r.string() else { return nil }
        return RoomEntry(room: room, seq: seq, wallMillis: time, kind: kind, author: name, authorUID: nil,
                         color: RGB.cleaned(color), text: text)
    }

    /// `[ENTRY, …]`.
    private static func entries(_ r: inout ShapeReader, room: String) -> [RoomEntry]? {
        r.list { r in
            guard let entry = entryFields(&r, room: room), r.expect("}") else { return nil }
            return entry
        }
    }

    /// `{"type": "RoomEntry", "room": "…", "uid": UID, "entry": ENTRY}`.
    @Sendable static func roomEntry(_ r: inout ShapeReader) -> ExtensionMessage? {
        guard let room = r.string(), r.expect(", \"uid\": "), let uid = r.uid(), r.expect(", \"entry\": "),
              let entry = entryFields(&r, room: room), r.expect("}}") else { return nil }
        return .roomEntry(uid: uid, entry)
    }

    /// `{"type": "History", "room": "…", "entries": [ENTRY, …], "more": BOOL}`.
    @Sendable static func history(_ r: inout ShapeReader) -> ExtensionMessage? {
        guard let room = r.string(), r.expect(", \"entries\": "), let entries = entries(&r, room: room),
              r.expect(", \"more\": "), let more = r.bool(), r.expect("}") else { return nil }
        return .history(room: room, entries: entries, more: more)
    }

    /// `{"type": "Resumed", "room": "…", "lastChat": N, "skipped": N, "through": N, "entries":
    /// [ENTRY, …], "done": BOOL}`, with `"log": "…"` before the entries where known, and each
    /// entry that is the asker's own chat ending in `, "id": N`.
    @Sendable static func resumed(_ r: inout ShapeReader) -> ExtensionMessage? {
        guard let room = r.string(), r.expect(", \"lastChat\": "), let lastChat = r.seq(), r.expect(", \"skipped\": "),
              let skipped = r.count(), r.expect(", \"through\": "), let through = r.seq() else { return nil }
        var log: String?
        if r.expect(", \"log\": ") {
            guard let identity = r.string() else { return nil }
            log = identity
        }
        var ids: [Int64?] = []
        guard r.expect(", \"entries\": "), let entries = r.list({ r -> RoomEntry? in
                  guard let entry = entryFields(&r, room: room) else { return nil }
                  if r.expect("}") { ids.append(nil); return entry }
                  guard r.expect(", \"id\": "), let id = r.seq(), r.expect("}") else { return nil }
                  ids.append(id)
                  return entry
              }),
              r.expect(", \"done\": "), let done = r.bool(), r.expect("}") else { return nil }
        return .resumed(ResumedPart(room: room, lastChat: lastChat, skipped: skipped, through: through, entries: entries,
                                    ownIDs: ids, done: done, log: log))
    }

    /// `{"type": "Search", "room": "…", "words": ["…", …], "limit": N}`.
    @Sendable static func search(_ r: inout ShapeReader) -> ExtensionMessage? {
        guard let room = r.string(), r.expect(", \"words\": "), let words = r.list({ $0.string() }),
              r.expect(", \"limit\": "), let limit = r.count(), r.expect("}") else { return nil }
        return .search(room: room, words: words, limit: limit)
    }

    /// `{"type": "SearchResults", "room": "…", "words": ["…", …], "entries": [ENTRY, …]}`.
    @Sendable static func searchResults(_ r: inout ShapeReader) -> ExtensionMessage? {
        guard let room = r.string(), r.expect(", \"words\": "), let words = r.list({ $0.string() }),
              r.expect(", \"entries\": "), let entries = entries(&r, room: room), r.expect("}") else { return nil }
        return .searchResults(room: room, words: words, entries: entries)
    }
}
