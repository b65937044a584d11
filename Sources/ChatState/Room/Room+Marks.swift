/// The members pane's marks for pychat clients (see `Marks`): who is an op, who is away. Worked
/// out once and kept until a mark changes, so a join costs O(marks), not a walk of the room.
extension Room {
    /// The marks as they are now, in the room's order.
    mutating func currentMarks() -> Marks {
        if let m = marksCache { return m }
        var m = Marks()
        for member in members {
            if m.ops.count < Limits.marksListed, isOp(member) { m.ops.append(member.uid) }
            if m.away.count < Limits.marksListed, presence(of: member).away != nil { m.away.append(member.uid) }
        }
        marksCache = m
        return m
    }

    /// After a join: the joiner is sent the marks if it negotiated `commands`; a joiner that is an
    /// op already (by its certificate) is a change of marks for everyone.
    mutating func joinedWithMarks(_ conn: ConnID, _ out: inout StepOutput) {
        if let member = connections[conn]?.member, isOp(member) { return marksChanged(&out) }
        guard connections[conn]?.wantsCommands == true else { return }
        out.send(ExtensionCodec.frame(.marks(currentMarks())), to: [conn])
    }

    /// A member left: its marks go with it.
    mutating func leftMarks(_ uid: UID) {
        if let m = marksCache, m.ops.contains(uid) || m.away.contains(uid) { marksCache = nil }
    }

    /// A mark changed: every member that negotiated `commands` is sent them all again.
    mutating func marksChanged(_ out: inout StepOutput) {
        marksCache = nil
        let conns = joined.filter { connections[$0]?.wantsCommands == true }
        guard !conns.isEmpty else { return }
        out.send(ExtensionCodec.frame(.marks(currentMarks())), to: conns)
    }
}
