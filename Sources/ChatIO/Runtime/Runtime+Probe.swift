import ChatState

/// What a driver of the loop other than `run` needs: the simulations (which run the real
/// runtime over `SimulatedOS` and check flow control from outside) and the in-process tests.
/// Reads only, apart from `inject`, which stands in for a line typed on the server's console.
extension Runtime {
    /// The earliest time (on the runtime's clock) at which a timer of the core, of the loop or
    /// of flow control is due, if any: what the next wait is bounded by.
    package func nextDeadline() -> Int64? {
        [timers.nextDeadline(), flow.nextDeadline(), outputRetryDeadline(), roomLogKeeper?.deadline].compactMap { $0 }.min()
    }

    /// `nextDeadline` without the room log's look at retention each minute, which recurs for
    /// as long as the server runs: the deadline of work still pending (a simulation's liveness
    /// phase waits for that to end).
    package func nextPendingDeadline() -> Int64? {
        [timers.nextDeadline(), flow.nextDeadline(), outputRetryDeadline(), roomLogKeeper?.pendingUpkeepDeadline ?? nil].compactMap { $0 }.min()
    }

    /// Whether reading has stopped for everyone because some reader's output is over the limit.
    package var isReadingPaused: Bool { readingPaused }

    /// Bytes queued for a live connection that is not closing (nil otherwise): what flow
    /// control counts for it.
    package func pendingOutputBytes(_ conn: ConnID) -> Int? {
        guard let c = connections[conn], !c.closing else { return nil }
        return c.pendingBytes
    }

    /// One step of the core for an event from outside the loop's sources (the host's typed
    /// line in a simulation), with its output flushed and its entries committed as at the end of a turn.
    package func inject(_ event: Event) {
        dispatch(event)
        flushDirty()
        commitRoomLog()
    }
}
