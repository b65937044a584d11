import ChatIO
import ChatState
import Glibc

/// The room log of a seed whose server restarts: a real SQLite file (`RoomLog`), so a restart
/// loads what the runtime committed exactly as production does. Its identity is drawn from the
/// seed, so the run stays deterministic; its name only needs to be unique.
struct RoomLogFile {
    let path: String
    let identity: UID

    init(identity: UID) {
        self.identity = identity
        path = "\(Self.folder)/pychat-sim-\(getpid())-\(UID(randomBits: .random(in: .min ... .max), .random(in: .min ... .max))).sqlite3"
    }

    /// In memory where the machine has a tmpfs: a simulated kill is no power cut, so the
    /// file's fsyncs (one per checkpoint, 20 000 over 1 000 seeds on ext4) only made the run
    /// wait for the disk and spend a tenth of its CPU in the kernel. The file is as on disk.
    static let folder = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"

    func open() -> RoomLog {
        do {
            return try RoomLog(path: path, newIdentity: identity)
        } catch {
            fatalError("the simulation's room log: \(error)")
        }
    }

    func remove() {
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
    }
}

extension Simulator {
    var serverUp: Bool { serverDownUntil == nil }

    /// The server process dies: half the time between two turns of its loop, when what it
    /// stored must all be committed (before any write, and at the end of each turn); else in
    /// the middle of its next turn that stores (`crashIfArmed`), losing what it had not
    /// committed, which nobody was sent.
    /// Every connection is reset, and it comes back after a while over the same file
    /// (`restartServerIfDue`).
    func stopServer() {
        guard serverUp, roomLogFile != nil else { return }
        if !os.crashed, !crashArmed, rng.chance(1, in: 2) {
            crashArmed = true
            return
        }
        if !os.crashed, let left = runtime.roomLog?.uncommittedCount, left > 0 {
            return fail(.durable, "\(left) entries were stored but not committed between two turns: a kill now loses them")
        }
        stats.serverRestarts += 1
        if Self.printTrace { print("t=\(now) server: stopped") }
        serverDownUntil = now + rng.pick([0, 30, 400, 2_500])
        for c in linkOrder {
            links[c]?.up.discard()
            links[c]?.down.discard()
        }
        for i in clients.indices where clients[i].open { clientDisconnected(i, reason: "connection reset") }
        linkOrder = []
    }

    /// Killed in the middle of a step that stores, after the core and before the runtime
    /// performs it: this step's entries and the turn's uncommitted ones are lost with the
    /// process, and the rest of the turn reaches no one (the simulated OS swallows it).
    /// True when it crashed here.
    func crashIfArmed(_ effects: [Effect]) -> Bool {
        guard crashArmed, effects.contains(where: { if case .store = $0 { true } else { false } }) else { return false }
        crashArmed = false
        let lost = runtime.roomLog?.uncommittedCount ?? 0
        for e in storedLog.suffix(lost) {
            storedPerRoom[e.room, default: 0] -= 1
            storedByRoom[e.room]?.removeLast()
        }
        storedLog.removeLast(lost)
        stats.serverCrashes += 1
        if Self.printTrace { print("t=\(now) server: killed mid-turn, \(lost) uncommitted entries and this step's lost") }
        os.crashed = true
        // Closed without a commit, as a killed process's file is.
        runtime.roomLog = nil
        return true
    }

    /// After a turn of the server's loop: a crash in it stops the server.
    func stopIfCrashed() {
        if os.crashed { stopServer() }
    }

    /// Starts the server again once its down time is over: a new runtime on a new OS, which
    /// loads the room from the file before it listens.
    func restartServerIfDue() {
        guard let until = serverDownUntil, now >= until, failure == nil else { return }
        serverDownUntil = nil
        if Self.printTrace { print("t=\(now) server: started again") }
        // The dead process's lock on the file is gone, as the kernel drops a killed one's.
        runtime.roomLog = nil
        os = SimulatedOS(seed: rng.next(), network: profile.network)
        os.now = now
        // New links: nobody is waited for.
        awaitedSince = [:]
        runtime = Self.makeRuntime(config: config, options: runtimeOptions, clock: clock, os: os)
        installHooks()
        // A new process records a new event log, which replays on its own: it starts from
        // what it loaded.
        if serverLog != nil { serverLog = [EventLog.line(EventLog.Header(config: config))] }
        serverSteps = 0
        clientByConn = [:]
        ownerByConn = [:]
        uidByConn = [:]
        serverMirror = [:]
        timerDue = [:]
        owedChats = [:]
        // A new process has none of its sessions' chats settled.
        settledChatIDs = [:]
        frameClocks = [:]
        acceptedConn = nil
        wasPaused = false
        // Ops without TLS were for their connections; mutes and bans are kept in the file.
        moderation = ModerationModel(mutedAddresses: moderation.mutedAddresses, bans: moderation.bans, drops: moderation.drops)
        joinedBefore = joinedBefore.updated(server.room!.joined)
        membersBefore = server.room!.members
        try! runtime.start()
    }

    /// A restarted server's rooms hold the log's newest entries, as stored, and number on from
    /// their last: nothing committed is lost, nothing is numbered twice.
    func checkRestored(_ event: Event) {
        guard case let .restored(room, nextSeq, latest, _) = event else { return }
        // What a drop of the room left is the dropped room's: not restored, but still numbered past.
        let floor = moderation.drops[room] ?? 0
        let all = storedLog.filter { $0.room == room }
        let stored = all.filter { $0.seq > floor }
        let want = Array(stored.suffix(latest.count))
        let kept = room == RoomEntry.generalRoom ? Limits.roomMemoryEntries : Limits.otherRoomMemoryEntries
        guard latest.count == min(stored.count, kept), latest == want,
              nextSeq == max(all.last?.seq ?? 0, floor) + 1 else {
            return fail(.durable, "the restarted server loaded \(latest.count) entries up to \(latest.last?.seq ?? 0), "
                        + "next \(nextSeq), but \(stored.count) were stored, the last \(stored.last?.seq ?? 0)")
        }
    }
}
