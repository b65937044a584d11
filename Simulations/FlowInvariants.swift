import ChatIO
import ChatState

/// The runtime's own rules, checked from outside it: the simulator sees only what the
/// simulated OS sees (what each socket took, when) and what the runtime shows of itself
/// (reading paused, a connection's queue), and holds the runtime to production's rules.
extension Simulator {
    /// After every turn of the server's loop (time stands still within a turn): tracks since
    /// when the room has waited for each reader, and fails if it has waited past the stall
    /// timeout for one that took nothing and is still connected.
    func checkFlow() {
        guard failure == nil else { return }
        let paused = runtime.isReadingPaused
        if paused && !wasPaused { stats.readingPauses += 1 }
        wasPaused = paused
        checkFrameDeadlines()
        let lowWater = profile.maxOutputBytes / 2
        // The pause rule, exactly, as it stands after a turn: a queue over the limit has reading
        // paused; with every queue at or under low water it is not. (Between the marks either
        // holds: it depends on the order of the turn's flushes.)
        // Each link's queue, asked once per turn (into a buffer kept for the run).
        pendingScratch.removeAll(keepingCapacity: true)
        var over: Int?
        var allLow = true
        for c in linkOrder {
            let pending = runtime.pendingOutputBytes(c)
            pendingScratch.append(pending)
            guard let pending else { continue }
            if over == nil, pending > profile.maxOutputBytes { over = pending }
            if pending > lowWater { allLow = false }
        }
        if let over, !paused {
            return fail(.flowControl, "a reader has \(over) bytes queued, over the limit of \(profile.maxOutputBytes), "
                        + "and the server still reads")
        }
        if paused, allLow {
            return fail(.flowControl, "reading stays paused with every queue under the low-water mark of \(lowWater) bytes")
        }
        // So a queue passes the limit only within the one turn that took it there: that turn
        // reads at most a chunk from each connection and the host's line, which the room
        // relays to it with a uid, a stamp and JSON's escapes (an expansion under 4). The
        // bound is loose by design, a check that nothing else adds to a queue; the exact rule
        // is the pause rule above (`SimStats.worstQueueExcess`: the largest excess seen).
        let bound = profile.maxOutputBytes + (linkOrder.count + 1) * 4 * RuntimeOptions.readChunkBytes
        for (k, c) in linkOrder.enumerated() {
            guard let pending = pendingScratch[k] else {
                stopAwaiting(c)
                continue
            }
            stats.worstQueueExcess = max(stats.worstQueueExcess, pending - profile.maxOutputBytes)
            if pending > bound {
                return fail(.bounded, "\(c): the server holds \(pending) bytes for it, over \(bound)")
            }
            guard paused && pending > lowWater else {
                stopAwaiting(c)
                continue
            }
            // Taking output restarts its clock, as the runtime's flow control counts.
            if awaitedSince[c] == nil || links[c]!.tookOutputAt == now { awaitedSince[c] = now }
            let waited = now - awaitedSince[c]!
            if waited > profile.stallMillis {
                return fail(.flowControl, "the room has waited \(waited) ms for \(c), which took no output "
                            + "(\(pending) bytes queued), past the stall timeout of \(profile.stallMillis) ms, and still serves it")
            }
        }
    }

    /// The room no longer waits for `c`. Most turns it waits for nobody: then this is no lookup.
    func stopAwaiting(_ c: ConnID) {
        if !awaitedSince.isEmpty { awaitedSince[c] = nil }
    }

    /// A reader dropped as stalled must have been waited for a whole stall timeout.
    func checkStallDrop(_ event: Event) {
        guard case let .disconnected(c, reason) = event, reason == stallReason else { return }
        stats.slowConsumersDropped += 1
        let waited = awaitedSince[c].map { now - $0 }
        guard let waited, waited >= profile.stallMillis else {
            return fail(.flowControl, "\(c) was dropped as stalled "
                        + (waited.map { "\($0) ms after the room began to wait for it" } ?? "while the room did not wait for it")
                        + ", before the stall timeout of \(profile.stallMillis) ms")
        }
    }

    /// Timers fire at their deadlines: a `.timer` event no earlier than the step that set it
    /// plus its delay, and no later than the turn after (the clock moves at most `maxAdvance`
    /// between turns).
    func checkTimers(_ event: Event, _ effects: [Effect]) {
        if case let .timer(id) = event {
            if case .joinDeadline = id { stats.joinDeadlinesFired += 1 }
            if let due = timerDue.removeValue(forKey: id) {
                if now < due {
                    return fail(.timers, "timer \(id) fired at t=\(now), \(due - now) ms before its deadline t=\(due)")
                }
                if now - due > profile.maxAdvance {
                    return fail(.timers, "timer \(id) fired at t=\(now), \(now - due) ms after its deadline t=\(due)")
                }
            }
        }
        for effect in effects {
            switch effect {
            case let .setTimer(id, millis): timerDue[id] = now + millis
            case let .cancelTimer(id): timerDue[id] = nil
            default: break
            }
        }
    }
}
