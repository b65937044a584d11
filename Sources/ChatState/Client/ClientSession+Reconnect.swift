/// What a client keeps across its connections (issue #13): where it is in the backoff schedule,
/// the newest room log entry it saw, its chats the server has not acknowledged, and the answer
/// to its `Resume` while it comes.
public struct ClientLink: Equatable, Sendable {
    /// A chat sent with its id, kept until the server acknowledges it (or its `Resumed` says
    /// it has it).
    public struct Sent: Equatable, Sendable {
        public let id: Int64
        public let text: String
    }

    /// nil: `--no-reconnect`: losing the server ends the session (exit code 3).
    public let policy: ReconnectPolicy?
    var backoff: Backoff?
    /// Attempts since the server was lost (0 once joined again).
    public internal(set) var attempt = 0
    /// How many times the server was lost: the next connection is a rejoin when above 0.
    public internal(set) var losses = 0
    /// The newest room log entry we were shown or know of (a `Stamp`, an `Ack`, a `Resumed`).
    public internal(set) var lastSeen: Int64?
    /// The identity of the log `lastSeen` numbers, from the latest `Resumed` that named one.
    public internal(set) var logID: String?
    /// The next chat's id: ids grow for as long as the session runs.
    public internal(set) var nextChatID: Int64 = 1
    /// Chats sent but not known to have arrived, oldest first.
    public internal(set) var unacked: [Sent] = []
    /// Our `Resume` is answered in one or more `Resumed` frames; until the last, live lines are
    /// held (they come after what we missed) and nothing is sent.
    public internal(set) var awaitingResume = false
    var resumeStarted = false
    var resumeShown = 0
    var held: [DisplayLine] = []
    /// The newest stamp among the held lines.
    var heldSeen: Int64?
    /// The latest `Stamp`, until the kind-1 line it stamps has been read.
    var stamped: Int64?

    init(policy: ReconnectPolicy?) {
        self.policy = policy
        backoff = policy.map(Backoff.init)
    }
}

extension ClientSession {
    /// The features we offer: `resume` only with a session token to resume (reconnecting on).
    var offered: Capabilities {
        link.policy == nil ? Capabilities.ours.without(Capabilities.Feature.resume) : .ours
    }

    /// The server and we speak `resume` (and the `history` it needs).
    var resumes: Bool {
        link.policy != nil && negotiatedHistory && common?.has(Capabilities.Feature.resume) == true
    }

    /// What we typed and have not sent yet, as the screen shows it: dimmed and marked.
    public var pendingLines: [DisplayLine] {
        queued.map { text in
            var line = ownLine("(pending) " + text)
            line.pending = true
            return line
        } + pendingRoomLines
    }

    /// Lines are held, typed while not joined or for a room not caught up yet.
    public var hasPendingLines: Bool { !queued.isEmpty || !rooms.joining.isEmpty || !rooms.typed.isEmpty }

    // MARK: Losing the server and dialling again

    /// The connection is gone: try again on the schedule, or end the session without a policy.
    mutating func lost(reason: String, _ out: inout StepOutput) {
        guard link.policy != nil else { return end(reason: reason, &out) }
        guard phase == .joining || phase == .joined else { return }
        if let conn { out.effects.append(.close(conn: conn, reason: reason)) }
        conn = nil
        common = nil
        roomSize = nil
        link.losses += 1
        // Live lines held for a resume come again as missed entries on the next one.
        link.awaitingResume = false
        link.resumeStarted = false
        link.held = []
        link.heldSeen = nil
        link.stamped = nil
        // Lines held behind a room's history come again in the next rejoin's answer. A room
        // whose history never came (the cut came first) has shown nothing yet: the rejoin asks
        // for what came after our join, so nothing said since is lost to a page's bound.
        for (room, catching) in rooms.catching where rooms.newest[room] == nil {
            rooms.newest[room] = catching.after ?? catching.joinSeq
        }
        rooms.catching = [:]
        history.joinHistorySeen = false
        history.pageAsked = false
        out.log("disconnected: \(reason)")
        out.show(.notice("Disconnected from server: \(reason)"))
        out.connectionLost = true
        scheduleAttempt(&out)
    }

    mutating func dialFailed(reason: String, _ out: inout StepOutput) {
        guard phase == .connecting, link.losses > 0 else { return }
        out.log("reconnect attempt \(link.attempt) failed: \(reason)")
        scheduleAttempt(&out)
    }

    private mutating func scheduleAttempt(_ out: inout StepOutput) {
        guard var backoff = link.backoff else { return }
        link.attempt += 1
        let delay = backoff.delay(attempt: link.attempt)
        link.backoff = backoff
        phase = .waiting(attempt: link.attempt, dueMillis: now + delay)
        out.effects.append(.setTimer(.reconnect, millis: Int(delay)))
        if config.terminal != nil { out.effects.append(.setTimer(.reconnectTick, millis: 1000)) }
        out.show(.notice(waitingText ?? ""))
    }

    /// "disconnected: reconnecting in 4 s, attempt 3", while waiting to dial.
    public var waitingText: String? {
        guard case let .waiting(attempt, due) = phase else { return nil }
        // Rounded (the jitter makes a first wait of 1.2 s, which reads as 1 s), at least 1 while any remain.
        let left = due - now
        let seconds = left <= 0 ? 0 : max(1, (left + 500) / 1000)
        return "disconnected: reconnecting in \(seconds) s, attempt \(attempt)"
    }

    mutating func redial(_ out: inout StepOutput) {
        guard case .waiting = phase else { return }
        phase = .connecting
        me = nil
        out.effects.append(.cancelTimer(.reconnectTick))
        out.effects.append(.connect)
    }

    /// Once a second while waiting: the countdown in the title moves (the step redraws it).
    mutating func tick(_ out: inout StepOutput) {
        guard case .waiting = phase else { return }
        out.effects.append(.setTimer(.reconnectTick, millis: 1000))
    }

    // MARK: Resuming

    /// The server welcomed us with `resume`: say who we are and what we saw (nothing, on a
    /// first join), before anything else of ours.
    mutating func askToResume(_ out: inout StepOutput) {
        guard resumes, let conn, let policy = link.policy else { return }
        link.awaitingResume = true
        link.resumeShown = 0
        let rejoin = link.losses > 0
        out.send(ExtensionCodec.frame(.resume(session: policy.session, after: rejoin ? link.lastSeen : nil,
                                              log: rejoin ? link.logID : nil)), to: [conn])
    }

    /// The room log entry `seq` reached us live, or was acknowledged.
    mutating func saw(_ seq: Int64) {
        if link.awaitingResume {
            link.heldSeen = max(link.heldSeen ?? seq, seq)
        } else {
            link.lastSeen = max(link.lastSeen ?? seq, seq)
        }
    }

    /// Lines shown by a live frame since `start`: held while the resume is answered.
    mutating func holdLive(from start: Int, _ out: inout StepOutput) {
        guard link.awaitingResume, out.lines.count > start, link.held.count < Limits.heldLiveLines else { return }
        link.held += out.lines[start...]
        out.lines.removeSubrange(start...)
    }

    /// One frame of the answer to our `Resume`: what we missed, oldest first.
    mutating func resumed(_ part: ResumedPart, _ out: inout StepOutput) {
        let rejoin = link.losses > 0
        if !link.resumeStarted {
            link.resumeStarted = true
            if rejoin, let known = link.logID, let theirs = part.log, known != theirs {
                // The server's log is another one (it started again): what we saw is not in it,
                // and what follows is its latest entries, not what we missed.
                out.show(.notice("── the server's room log started again: its latest entries follow ──"))
                // Its rooms' numbers started again too: what we saw of them names nothing there.
                rooms.newest = [:]
            }
            if let theirs = part.log { link.logID = theirs }
            // Everything up to the server's last chat id from us arrived: not sent again.
            link.unacked.removeAll { $0.id <= part.lastChat }
            if rejoin, part.skipped > 0 {
                // Too much to show in between: the screen starts again from the newest entries,
                // and scrolling up loads the rest, in order, from the server.
                out.restartDisplay = true
                out.show(.notice("── \(part.skipped) earlier entries were missed while disconnected: scroll up to load them ──"))
            }
            if !rejoin || part.skipped > 0 {
                history.oldestSeq = part.entries.first?.seq
                history.more = part.skipped > 0 || (part.entries.first?.seq ?? 1) > 1
            }
        }
        for (e, id) in zip(part.entries, part.ownIDs) {
            // On the screen now (or since it was typed): a cut before the answer's last frame
            // rejoins after it, so the next answer does not show it again.
            link.lastSeen = max(link.lastSeen ?? e.seq, e.seq)
            if let id {
                // Ours, and already on the screen since we typed it: it arrived, that is all.
                link.unacked.removeAll { $0.id == id }
                continue
            }
            out.show(e.displayLine)
            link.resumeShown += 1
        }
        if part.done { finishResume(through: part.through, firstJoin: !rejoin, &out) }
    }

    private mutating func finishResume(through: Int64, firstJoin: Bool, _ out: inout StepOutput) {
        link.awaitingResume = false
        link.resumeStarted = false
        history.joinHistorySeen = true
        if firstJoin, link.resumeShown > 0 { out.show(ClientHistory.marker) }
        link.lastSeen = max(through, link.heldSeen ?? through)
        link.heldSeen = nil
        out.lines += link.held
        link.held = []
        // What the server does not have yet, in the order it was typed: first what was sent
        // before the cut (on the screen already, the same ids), then what was typed since.
        if let conn {
            for s in link.unacked { out.send(ExtensionCodec.frame(.chat(id: s.id, text: s.text)), to: [conn]) }
        }
        // Back into our rooms before anything typed for them.
        if !firstJoin { rejoinRooms(&out) }
        sendQueued(&out)
        quitIfDone(&out)
    }

    mutating func sendQueued(_ out: inout StepOutput) {
        let texts = queued
        queued = []
        for text in texts { send(text, &out) }
    }

    /// The server has our chat `id` (and every one before it) as entry `seq` (0: not logged).
    mutating func acknowledged(id: Int64, seq: Int64, _ out: inout StepOutput) {
        link.unacked.removeAll { $0.id <= id }
        if seq > 0 { saw(seq) }
        quitIfDone(&out)
    }
}
