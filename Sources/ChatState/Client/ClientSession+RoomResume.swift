/// A room besides `#general` caught up after a join (issue #14; docs/PROTOCOL.md "Rooms",
/// "Rejoining after a reconnect"). Our `Join` comes back first, then what came before it: on a
/// first join the room's latest page (`History`), on a rejoin after a reconnect every entry
/// after the newest we showed (a `Resumed` naming the room), which the server may have to ask
/// its store for. Until that answer is complete the room's live lines are held, so what we
/// missed comes first and each line once, in order.
struct RoomCatching: Equatable, Sendable {
    /// The newest entry of the room we had shown (nil: none, a first join).
    let after: Int64?
    /// Our join's entry: seen once the history before it has been shown.
    let joinSeq: Int64
    /// The room's live lines since our `Join`, each with its entry, in order.
    var held: [Held] = []
    var started = false

    struct Held: Equatable, Sendable {
        let line: DisplayLine
        let seq: Int64?
    }
}

extension ClientSession {
    /// A live line of a room: shown, or held while the room is catching up. Its entry counts as
    /// seen only once shown, so a cut while it is held asks for it again.
    mutating func showLive(_ line: DisplayLine, seq: Int64?, _ out: inout StepOutput) {
        let room = line.room ?? RoomName.general
        if rooms.catching[room] != nil, rooms.catching[room]!.held.count < Limits.heldLiveLines {
            rooms.catching[room]!.held.append(RoomCatching.Held(line: line, seq: seq))
            return
        }
        if let seq { rooms.saw(seq, in: room) }
        out.show(line)
    }

    /// One frame of what came in a room before our join: shown in order, skipping what we
    /// showed before and our own chats (on the screen since we typed them); the last frame lets
    /// the held live lines follow. Always true (the message was ours to handle).
    mutating func caughtUp(_ room: String, _ entries: [RoomEntry], ownIDs: [Int64?], skipped: Int, done: Bool,
                           _ out: inout StepOutput) -> Bool {
        guard var catching = rooms.catching[room] else { return true }
        if !catching.started, skipped > 0 {
            out.show(tagged(.notice("── \(skipped) earlier entries of #\(room) were missed while disconnected ──"), room))
        }
        catching.started = true
        // A first join's history (nothing of the room shown before): what comes after it, older,
        // goes in front (a rejoin's answer comes oldest first, each frame after the last).
        if catching.after == nil, let first = entries.first { rooms.oldest[room] = min(rooms.oldest[room] ?? first.seq, first.seq) }
        for (n, entry) in entries.enumerated() {
            if let after = catching.after, entry.seq <= after { continue }
            rooms.saw(entry.seq, in: room)
            if n < ownIDs.count, ownIDs[n] != nil { continue }
            out.show(tagged(entry.displayLine, room))
        }
        guard done else {
            rooms.catching[room] = catching
            return true
        }
        rooms.catching[room] = nil
        rooms.saw(catching.joinSeq, in: room)
        for held in catching.held {
            if let seq = held.seq { rooms.saw(seq, in: room) }
            out.show(held.line)
        }
        sendTyped(in: room, &out)
        return true
    }
}
