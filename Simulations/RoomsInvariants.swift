import ChatState

/// Rooms in the simulations (issue #14): the workload's room commands, the invariant that a
/// room's traffic reaches exactly that room's members, and a bug planted to show it can fail.
extension Corpus {
    static let roomNames = ["#rust", "#Rust", "#go", "#g\u{43E}", "#zig", "#general", "rust", "#a!b"]

    /// A room command, right or wrong: joining (made, folded, refused), parting, listing.
    static func roomCommand(_ r: inout SimRandom) -> String {
        switch r.below(12) {
        case 0...4: return "/join #rust"
        case 5, 6: return "/join " + r.pick(roomNames)
        case 7: return "/part"
        case 8: return "/part " + r.pick(roomNames)
        case 9: return "/rooms"
        case 10: return r.pick(["/topic in a room", "/me waves in a room", "/topic"])
        default: return "/join #general"
        }
    }
}

/// The rooms' members as they stood after a step, built again only when a step changed them
/// (most leave every room as it was, and then the lists share their storage with the room's).
struct RoomsSnapshot {
    private var names: [String] = []
    private var lists: [[ConnID]?] = []
    private(set) var members: [String: [ConnID]] = [:]

    /// `now`: the room's names after the step; `roomMembers`: each one's members then.
    mutating func update(names now: [String], _ roomMembers: (String) -> [ConnID]?) {
        if now == names, lists.indices.allSatisfy({ roomMembers(now[$0]) == lists[$0] }) { return }
        names = now
        lists = now.map(roomMembers)
        members = [:]
        for (name, list) in zip(now, lists) { members[name] = list }
    }
}

extension Simulator {

    /// (11) A room's entry (a chat, an action, a topic) reaches exactly the room's members at
    /// that point of the step (its author too, but for a chat), and never an original client.
    /// Joins and parts within the step are followed in the order they were sent.
    func checkRoomDelivery(_ effects: [Effect], before: [String: [ConnID]]) {
        var members = before
        var connByUID: [UID: ConnID]?
        func conn(_ uid: UID) -> ConnID? {
            if connByUID == nil { connByUID = Dictionary(uidByConn.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a }) }
            return connByUID![uid]
        }
        // The rooms the step dropped, as the store is told of them.
        var dropped: Set<String> = []
        for case let .keepModeration(.dropRoom(drop)) in effects { dropped.insert(drop.room) }
        defer { checkDropped(dropped, members) }
        for case let .send(to, bytes) in effects {
            let b = bytes.array
            // The body after the first header: a send of several frames is no one message (the
            // next header is extra data after the first's JSON), so it is not decoded at all.
            // Only the kinds followed here are decoded (most sends are stamps, tables, answers).
            guard b.count > 5, b[4] == ExtensionCodec.kind, OriginalFrameReader.isOneFrame(b),
                  mayBeMessage(b[5...], MessageNames.roomDelivery),
                  case let message? = decodeMemo.ext(b[5...]) else { continue }
            switch message {
            case .join(let j):
                if let whole = j.whole { members[j.room] = whole.members.compactMap { conn($0.uid) } }
                else if let c = conn(j.member.uid), members[j.room]?.contains(c) == false { members[j.room, default: []].append(c) }
            case let .part(room, uid, _, _, _):
                members[room]?.removeAll { $0 == conn(uid) }
            case let .dropped(drop, uid, _):
                // A dropped room's Part goes to that member alone, and only to a member; one of a
                // room that was no room before the step answers a rejoin of a room dropped earlier.
                let rejoin = before[drop.room] == nil
                guard let c = conn(uid), to == [c], rejoin || members[drop.room]?.contains(c) == true else {
                    return fail(.roomDelivery, "#\(drop.room)'s drop went to \(to.sorted()) for \(uid), its members are \((members[drop.room] ?? []).sorted())")
                }
                if rejoin { stats.droppedRejoins += 1 } else { members[drop.room]?.removeAll { $0 == c } }
            case let .roomEntry(uid, entry):
                var want = Set(members[entry.room] ?? [])
                if entry.kind == .chat, let author = conn(uid) { want.remove(author) }
                if entry.kind == .chat { stats.roomChats += 1 }
                if uid == hostUID { stats.hostRoomEntries += 1 }
                if Set(to) != want {
                    return fail(.roomDelivery, "a \(entry.kind) in #\(entry.room) went to \(to.sorted()), its members are \(want.sorted())")
                }
                if let original = to.first(where: { clientByConn[$0].map { clients[$0].kind == .original } ?? false }) {
                    return fail(.roomDelivery, "an original client \(original) was sent #\(entry.room)'s \(entry.kind)")
                }
            default:
                break
            }
        }
    }

    /// (11, `/drop`) A dropped room is gone, and every member it had was told (a rejoin of a room
    /// dropped earlier is told too: no member is left for it).
    func checkDropped(_ dropped: Set<String>, _ members: [String: [ConnID]]) {
        for room in dropped.sorted() {
            stats.roomDrops += 1
            if self.room.roomNames.contains(room) { return fail(.roomDelivery, "#\(room) was dropped but is still a room") }
            if let left = members[room], !left.isEmpty { return fail(.roomDelivery, "#\(room) was dropped, and \(left.sorted()) were not told") }
        }
    }

    /// `PlantedBug.dropForgetsAMember`: the last `Part` of a drop is not sent.
    func plantForgottenDrop(_ effects: inout [Effect]) -> Bool {
        guard let k = effects.lastIndex(where: { e in
            guard case let .send(_, b) = e, b.array.count > 5, b.array[4] == ExtensionCodec.kind,
                  case .dropped? = try? ExtensionCodec.decode(Array(b.array[5...])) else { return false }
            return true
        }) else { return false }
        effects.remove(at: k)
        return true
    }

    /// `PlantedBug.chatToWrongRoom`: a room's chat goes to another room's members (or, when
    /// there is no other, to everyone in `#general`).
    func plantWrongRoom(_ effects: inout [Effect]) -> Bool {
        let room = server.room!
        for (k, e) in effects.enumerated() {
            guard case let .send(to, b) = e, b.array.count > 5, b.array[4] == ExtensionCodec.kind,
                  case let .roomEntry(_, entry)? = decodeMemo.ext(b.array[5...]), entry.kind == .chat else { continue }
            let other = room.roomNames.first { $0 != entry.room && room.roomMembers($0)?.isEmpty == false }
            let wrong = other.flatMap { room.roomMembers($0) } ?? room.joined
            guard Set(wrong) != Set(to) else { continue }
            effects[k] = .send(to: wrong, bytes: b)
            return true
        }
        return false
    }
}
