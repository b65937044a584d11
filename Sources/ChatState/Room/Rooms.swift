/// The server's rooms besides `#general` (issue #14), as on IRC: a pychat connection may be in
/// several at once. `#general` is not in here: it is the `Room` itself (its `joined`, `topic`
/// and `log`), which every member is always in, so the original protocol's one room, every
/// original client's tables and broadcasts, and the relay's hot path stay as they were.
///
/// A room is made by the first `/join` of its name and kept when its last member leaves, with
/// its topic and its latest entries (its log stays in the store, and its numbers go on there),
/// so `/rooms` lists it and a restart restores it. `Limits.maxRooms` bounds them all.
struct Rooms: Sendable {
    /// One room besides `#general`.
    struct Channel: Sendable {
        let name: String
        /// Its members' connections, in order of joining: whom its traffic is sent to.
        var members: [ConnID] = []
        /// Whether the host user is in it too (it has no connection, so it is not in `members`:
        /// what the room sends goes to `members`, what the host is shown is `Room+HostRooms`).
        var hasHost = false
        /// How many are in it, the host counted.
        var count: Int { members.count + (hasHost ? 1 : 0) }
        /// nil: none set (or cleared with `/topic -delete`).
        var topic: String?
        var log: RoomLog

        init(name: String, log: RoomLog? = nil) {
            self.name = name
            self.log = log ?? RoomLog(room: name, memory: Limits.otherRoomMemoryEntries)
        }
    }

    /// In order of making (restored ones first, in the store's order): `/rooms` lists them so.
    private(set) var order: [String] = []
    private var channels: [String: Channel] = [:]
    /// Each room's name by its look-alike key (`RoomName.key`).
    private var byKey: [String: String] = [:]
    /// The latest drop of each name an op dropped (`Room+DropRoom.swift`), kept across restarts:
    /// a room made again with the name numbers on after it.
    private(set) var dropped: [String: RoomDrop] = [:]

    /// How many rooms the server has, `#general` included.
    var count: Int { order.count + 1 }

    subscript(name: String) -> Channel? {
        get { channels[name] }
        set { channels[name] = newValue }
    }

    /// The room a typed name means: itself, or the one it looks like.
    func existing(_ name: String) -> String? { byKey[RoomName.key(name)] }

    /// Makes a room. The caller checked the limit and that no room looks like it. A dropped
    /// room's name starts after the drop.
    mutating func make(_ channel: Channel) {
        var channel = channel
        if let drop = dropped[channel.name] { channel.log.startAfter(drop.throughSeq) }
        order.append(channel.name)
        channels[channel.name] = channel
        byKey[RoomName.key(channel.name)] = channel.name
    }

    /// Takes a room away (`/drop`): its slot under `Limits.maxRooms` is free. Returns it.
    mutating func drop(_ drop: RoomDrop) -> Channel? {
        guard let channel = channels.removeValue(forKey: drop.room) else { return nil }
        order.removeAll { $0 == drop.room }
        byKey[RoomName.key(drop.room)] = nil
        dropped[drop.room] = drop
        return channel
    }

    /// The drops the store keeps, loaded before the rooms are.
    mutating func restoreDrops(_ drops: [RoomDrop]) {
        for d in drops where (dropped[d.room]?.throughSeq ?? 0) <= d.throughSeq { dropped[d.room] = d }
    }
}
