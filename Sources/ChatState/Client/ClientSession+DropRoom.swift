/// Out of a room on the client's side (feature `rooms`): our own `Part`, or the `Part` an op's
/// `/drop` sends each member (`ExtensionMessage.dropped`), which is also the answer to a rejoin
/// of a room dropped while we were away. The room's buffer goes, a client talking there talks
/// in `#general` again, and what was typed for it and not sent yet is said not sent.
extension ClientSession {
    /// Forgets the room; returns the lines held for it (typed while it caught up), not sent.
    mutating func forgetRoom(_ room: String) -> [String] {
        rooms.joined.removeAll { $0 == room }
        rooms.members[room] = nil
        rooms.newest[room] = nil
        rooms.oldest[room] = nil
        rooms.catching[room] = nil
        rooms.rejoining.remove(room)
        if rooms.current == room { rooms.current = nil }
        return rooms.typed.removeValue(forKey: room) ?? []
    }

    /// We left a room (`/part`), or the server took us out of it.
    mutating func left(_ room: String, _ out: inout StepOutput) {
        let held = forgetRoom(room)
        out.show(RoomsOnScreen.youLeft(room, talkingIn: rooms.current))
        for text in held { out.show(answer("Not sent, as you left #\(room): \(text)")) }
    }

    /// An op dropped a room we were in (or were rejoining).
    mutating func dropped(_ drop: RoomDrop, _ out: inout StepOutput) {
        let held = forgetRoom(drop.room)
        out.show(RoomsOnScreen.dropped(drop, talkingIn: rooms.current))
        for text in held { out.show(answer("Not sent, as #\(drop.room) was dropped: \(text)")) }
    }
}
