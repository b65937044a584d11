/// The host user in rooms besides `#general` (issues #14, #15): `pychat --serve`'s own screen
/// joins, parts, talks and switches among rooms as a pychat client does, with the same lines.
///
/// The host has no connection, so a room holds it as a flag (`Rooms.Channel.hasHost`) beside
/// its members' connections: `Channel.members` stays the list a room's traffic is sent to.
/// What happens in a room the host is in is shown on its screen, each line tagged with the
/// room (its buffer there, `[#rust]` in a headless host's transcript); the room's members see
/// the host as one of them (`Join.whole` lists it first, as the original's table does, `/rooms`
/// and `/who` count it). It all lives in the room's state, so an event log replays it exactly.
struct HostRooms: Equatable, Sendable {
    /// The rooms besides `#general` the host is in, in order of joining.
    var joined: [String] = []
    /// The room the host talks in and its screen shows; nil: `#general`.
    var current: String?
}

extension Room {
    /// The room besides `#general` the host talks in; nil: `#general`.
    public var hostTalksIn: String? { hostRooms.current }

    /// The host's chat in the room it talks in: shown in that room's buffer at once, recorded,
    /// and sent to the room's members as a `RoomEntry` (never to an original client).
    mutating func hostSay(_ text: String, inRoom name: String, by host: Member, _ out: inout StepOutput) {
        out.show(RoomsOnScreen.tagged(.chat(host.name, host.color, text), name))
        roomEntry(.chat, text, in: name, by: host, echo: false, &out)
    }

    /// The host talks in a room it is in from now on (nil: `#general`): `/join` of a room it is
    /// in, Alt-digit, Alt-Left and Alt-Right. The screen follows (`ChatApp.followRooms`).
    mutating func hostShows(_ name: String?, _ out: inout StepOutput) {
        hostRooms.current = name
        out.show(RoomsOnScreen.talking(in: name))
    }

    /// The host joined a room: it talks in it, and is shown who is there, its topic and its
    /// latest page (from the room's log in memory, as a joining client is sent it).
    mutating func hostJoined(_ name: String, _ channel: Rooms.Channel, latest: [RoomEntry], _ out: inout StepOutput) {
        hostRooms.joined.append(name)
        hostRooms.current = name
        out.show(RoomsOnScreen.youJoined(name, members: channel.count))
        if let topic = channel.topic { out.show(RoomsOnScreen.topic(topic, in: name)) }
        for entry in latest { out.show(RoomsOnScreen.tagged(entry.displayLine, name)) }
    }

    /// The host left a room: back in `#general` if it talked there.
    mutating func hostParted(_ name: String, _ out: inout StepOutput) {
        hostRooms.joined.removeAll { $0 == name }
        if hostRooms.current == name { hostRooms.current = nil }
        out.show(RoomsOnScreen.youLeft(name, talkingIn: hostRooms.current))
    }

    /// A member's entry in a room the host is in (a chat, an action, a topic), for the host's
    /// screen: its own chats it showed already, and an ignored member's chats and actions not.
    func showHost(_ entry: RoomEntry, of channel: Rooms.Channel, by member: Member, echo: Bool, _ out: inout StepOutput) {
        guard channel.hasHost, echo || member.conn != nil else { return }
        if entry.kind == .chat || entry.kind == .action, hostIgnores.contains(member.uid) { return }
        out.show(RoomsOnScreen.live(entry))
    }

    /// Who is in a room besides `#general`, in its order: the host first (as in the original's
    /// table), then its members in order of joining.
    func roomMembers(of channel: Rooms.Channel) -> [Member] {
        (channel.hasHost ? host.map { [$0] } ?? [] : []) + channel.members.compactMap { connections[$0]?.member }
    }

    /// The members pane on the host's screen while it shows a room besides `#general`: its
    /// members with their op and away marks (server-wide, as on a client's screen).
    func hostRoomPane(rows: Int) -> MembersPane? {
        guard let name = hostRooms.current, let channel = rooms[name] else { return nil }
        return MembersPane(names: roomMembers(of: channel).prefix(rows).map(paneEntry), count: channel.count)
    }

    /// A member as the host's members pane lists it: `@` for an op, dimmed while away.
    func paneEntry(_ m: Member) -> MembersPane.Entry {
        MembersPane.Entry(m.name, m.color, op: isOp(m), away: presence(of: m).away != nil)
    }
}
