import ChatIO
import ChatState

/// A bug planted on purpose between the server's reducer and the network, to show that the
/// invariants catch what they claim to (see SimulationTests).
enum PlantedBug: Sendable, CaseIterable {
    case none
    /// One relayed chat misses one of its recipients (loss).
    case dropRecipient
    /// One relayed chat frame is written twice (duplicate).
    case duplicateFrame
    /// One relayed chat carries another member's uid (attribution).
    case misattribute
    /// Two frames queued for one connection in one step go out swapped (reorder).
    case swapFrames
    /// One step's chat is relayed but its entry never reaches the log (not durable).
    case unstoredChat
    /// One chat in a room besides #general goes to another room's members.
    case chatToWrongRoom
    /// Every answer to a `Resume` leaves out its oldest chat (a gap after a rejoin).
    case resumeLosesEntry
    /// Every answer to a rejoin of a room besides #general leaves out its oldest chat.
    case roomResumeLosesEntry
    /// A dropped room's members are not all told: one of them thinks it is still in it.
    case dropForgetsAMember
}

struct SimOptions: Sendable {
    var plantedBug: PlantedBug = .none
    /// A bug planted in the server's runtime (flow control, the loop's clock).
    var runtimeBug: RuntimePlantedBug?
    /// Keep the server's event log (header and steps) for `SimOutcome.serverLog`.
    var recordServerLog = false
    /// Steps of the trace a failure report shows.
    var tailLength = 24
    /// Keep the last `tailLength` steps as the run goes. Off for a first run: only a run that
    /// fails needs them, and `Simulator.run` runs a failed seed again with them kept (a seed is
    /// the same run every time), so the steps are not stored on every step of every seed.
    var keepsTail = false
}

/// Every chat line a client shows for a received message must be the next one in the server's
/// sequence for that client: same text, shown under the sender's name (and uid when known).
struct ChatRecord: Equatable {
    var uid: UID?
    var name: String
    var text: String
}

/// One simulated client: pychat's own session reducer, or the model of the original client.
struct SimClient {
    let actor: Int
    let kind: ClientKind
    /// Its connection and its uid there: new ones each time a reconnecting client dials again.
    var conn: ConnID
    var uid: UID
    let username: String
    let color: String
    /// Where it dials from: the same machine each time.
    let address: String
    var app: ChatApp?
    var model: OriginalClientModel?
    /// The client process still has its connection (it has not seen the end of it).
    var open = true
    /// A pychat client that dials again when it loses the server (see `Reconnects.swift`).
    var follow: ReconnectFollow?
    /// What the server relayed to this client, in order: the sequence its chat lines must follow.
    var expected: [ChatRecord] = []
    var receivedCount = 0
    /// pychat clients: every uid seen in a table, with its last name; and system texts shown.
    var seen: [UID: String] = [:]
    var systemTexts: [String: Int] = [:]
    /// The session's table last written into `seen`, while nothing else has been written there.
    var seenTable: [UserEntry]?
    /// The same bytes the client's own decoder got, to bound what it may buffer.
    var inMirror = OriginalFrameReader()
}

/// What a run exercised, so a test can show the workload reaches every path it claims to.
struct SimStats: Equatable, Sendable {
    var chatsRelayed = 0
    var chatsCheckedAtClients = 0
    var refusedTooLong = 0
    var joinDeadlinesFired = 0
    var serverCloses = 0
    var resets = 0
    var partitions = 0
    /// Readers dropped by the runtime's flow control (stalled past its timeout), and the
    /// times it paused reading because some reader's queue was over the limit.
    var slowConsumersDropped = 0
    var readingPauses = 0
    var spoofAttempts = 0
    var originalClients = 0
    var uiClients = 0
    var clientsConverged = 0
    /// Senders paused for their chat rate, and the chats that waited for a token.
    var floodPauses = 0
    /// Lines of the room log pychat clients showed (history on joining, older pages), and the
    /// queries the simulated store answered.
    var logLinesShown = 0
    var storeQueries = 0
    /// Command lines typed, renames and private messages the server carried out.
    var commands = 0
    var renames = 0
    var privateMessages = 0
    /// Steps in which the server carried out a kick, ban, mute or op (issue #14).
    var moderations = 0
    /// Clients that hung under a flood, and peers dropped for a frame left unfinished.
    var hungReaders = 0
    var frameDeadlineDrops = 0
    /// The most bytes a reader's queue held over the runtime's output limit, after a turn.
    var worstQueueExcess = 0
    /// Room commands typed (issue #14), and chats a room besides #general relayed.
    var roomCommands = 0
    var roomChats = 0
    /// Room commands the host typed, and its rooms' entries (its chats, actions, topics) checked.
    var hostRoomCommands = 0
    var hostRoomEntries = 0
    /// Rooms an op dropped (`/drop`), each checked gone with every member told; rejoins of a
    /// room dropped meanwhile, told it is gone.
    var roomDrops = 0
    var droppedRejoins = 0
    /// Server restarts over its room log on disk; reconnecting clients that joined again; and
    /// of those, the clients and log entries whose numbers were checked gap- and duplicate-free.
    var serverRestarts = 0
    var serverCrashes = 0
    /// Joiners from a banned address turned away (the "banned stay out" invariant's cases).
    var bannedTurnedAway = 0
    var rejoins = 0
    var clientsFollowedAcrossRejoins = 0
    var logNumbersChecked = 0
    /// The same across rejoins for rooms besides #general: rooms followed, their entries checked.
    var roomsFollowedAcrossRejoins = 0
    var roomLogNumbersChecked = 0

    mutating func add(_ o: SimStats) {
        worstQueueExcess = max(worstQueueExcess, o.worstQueueExcess)
        hungReaders += o.hungReaders
        frameDeadlineDrops += o.frameDeadlineDrops
        roomCommands += o.roomCommands
        roomChats += o.roomChats
        hostRoomCommands += o.hostRoomCommands
        hostRoomEntries += o.hostRoomEntries
        roomDrops += o.roomDrops
        droppedRejoins += o.droppedRejoins
        serverRestarts += o.serverRestarts
        bannedTurnedAway += o.bannedTurnedAway
        serverCrashes += o.serverCrashes
        rejoins += o.rejoins
        clientsFollowedAcrossRejoins += o.clientsFollowedAcrossRejoins
        logNumbersChecked += o.logNumbersChecked
        roomsFollowedAcrossRejoins += o.roomsFollowedAcrossRejoins
        roomLogNumbersChecked += o.roomLogNumbersChecked
        moderations += o.moderations
        commands += o.commands
        renames += o.renames
        privateMessages += o.privateMessages
        logLinesShown += o.logLinesShown
        storeQueries += o.storeQueries
        chatsRelayed += o.chatsRelayed
        chatsCheckedAtClients += o.chatsCheckedAtClients
        refusedTooLong += o.refusedTooLong
        joinDeadlinesFired += o.joinDeadlinesFired
        serverCloses += o.serverCloses
        resets += o.resets
        partitions += o.partitions
        slowConsumersDropped += o.slowConsumersDropped
        readingPauses += o.readingPauses
        spoofAttempts += o.spoofAttempts
        originalClients += o.originalClients
        uiClients += o.uiClients
        clientsConverged += o.clientsConverged
        floodPauses += o.floodPauses
    }
}

struct SimOutcome {
    var seed: UInt64
    var stats = SimStats()
    /// Events fed to a reducer or to a client model.
    var steps: Int
    var clients: Int
    var hash: UInt64
    var failure: SimFailure?
    /// The server's event log (EventLog format), when asked for: its latest process's, when it
    /// restarted.
    var serverLog: String?
}

/// The whole simulated world of one seed: one server, its clients, the network between them,
/// and the clock (a tick is a millisecond of simulated time). The server is the real `Runtime`
/// over `SimulatedOS`: its loop, connection table, flow control, timers and output queues run
/// as in production, and its step hook shows the simulator every step of its core.
final class Simulator {
    let seed: UInt64
    let options: SimOptions
    var rng: SimRandom
    let profile: Profile
    /// The runtime's frame deadline and the hung readers, from a stream of their own (`side`).
    let flowProfile: FlowProfile
    var side: SimRandom
    /// The server's unfinished frame of each connection, as its mirror shows it.
    var frameClocks: [ConnID: FrameClock] = [:]
    var now = 0
    var steps = 0
    var hash = TraceHash()
    var failure: SimFailure?
    var stats = SimStats()

    let clock: ManualClock
    /// The server's OS and runtime: new ones when the server restarts (see `ServerRestart.swift`).
    var os: SimulatedOS
    var runtime: Runtime
    /// The server's core and its room, as the runtime holds them, read in place: a getter that
    /// returned the core copied all of it for every look. (`room.members` copies the members
    /// only; a `let` of the room held across calls copies all of it, some forty references.)
    var server: ChatApp { _read { yield runtime.app } }
    var room: Room { _read { yield runtime.app.room! } }
    /// A room's members, looked up in place (a method called on `room` from a closure copied it).
    func roomMembers(_ name: String) -> [ConnID]? { runtime.app.room?.roomMembers(name) }
    let hostUID: UID?
    /// The network, which the simulated OS holds (it reads and writes the server's ends).
    var links: [ConnID: Link] {
        get { os.links }
        _modify { yield &os.links }
    }
    /// Link ids in ascending order: iteration never depends on dictionary order.
    var linkOrder: [ConnID] = []
    var clients: [SimClient] = []
    var clientByConn: [ConnID: Int] = [:]
    /// Each connection's client, kept after the client dialled again: the old one may still be
    /// the server's for a while (a ghost), and what the server settles there is that client's.
    var ownerByConn: [ConnID: Int] = [:]
    var uidByConn: [ConnID: UID] = [:]
    /// What the server has read from each connection, framed the way the original frames it.
    var serverMirror: [ConnID: OriginalFrameReader] = [:]
    /// The core's timers as it set them, by when they are due: the runtime must fire each at
    /// its deadline, never before (nor later than the next turn after it).
    var timerDue: [TimerID: Int] = [:]
    /// The connection the runtime announced in the last forced accept.
    var acceptedConn: ConnID?
    /// The room before the step the hook sees (the state after the previous one).
    var joinedBefore = JoinedSet()
    var membersBefore: [Room.Member] = []
    /// The rooms' members before the step (see `RoomsInvariants.swift`).
    var roomsBefore = RoomsSnapshot()
    /// The server's largest frame (its config's, which no restart changes).
    let maxFrameLength: Int
    var plantFired = false
    /// The member names the unique-names invariant last checked (none collide in an empty
    /// room), and each name's keys, computed once per run (a skeleton costs more than a step).
    var namesChecked: [String] = []
    var membersChecked: [Room.Member] = []
    var nameKeys: [String: Set<String>] = [:]
    /// What `nameKeys` answered for each name's exact bytes (its entries never change): a
    /// String key hashes the name normalised, which cost more than the check's other work.
    var nameKeysByBytes: [TextKey: Set<String>] = [:]
    /// Whether the runtime's reading was paused after the last turn.
    var wasPaused = false
    /// The flow-control oracle: since when the server's room has waited for each reader
    /// (reading paused, its queue above low water) without it taking output. Kept here, not
    /// in its `Link`: a look through the links dictionary copies the whole link, both pipes
    /// and all, and this is looked at for every link after every turn.
    var awaitedSince: [ConnID: Int] = [:]
    /// Each link's queue as `checkFlow` last asked (a buffer kept for the run).
    var pendingScratch: [Int?] = []
    /// The last `tailLength` steps, a ring: `tail[tailNext]` is the oldest once it is full.
    var tail: [TraceEntry] = []
    var tailNext = 0
    var serverLog: [String]?
    var serverSteps = 0
    /// Chats the server read from a connection and holds for its sender's rate, in order.
    var owedChats: [ConnID: [ExpectedChat]] = [:]
    /// The ids of each client's chats (by client index) that the server acknowledged, to any
    /// connection of its (`ownerByConn`): settled, never to be relayed again from another one.
    var settledChatIDs: [Int: Set<Int64>] = [:]
    /// The room log as the interpreter's store would hold it: every `Effect.store`, in order.
    var storedLog: [RoomEntry] = []
    /// How many of them each room has: its numbers run 1, 2, 3, ... on their own.
    var storedPerRoom: [String: Int] = [:]
    /// The same entries by room, each room's in order: a history query reads its own room's.
    var storedByRoom: [String: [RoomEntry]] = [:]
    /// Each dropped room's last entry (`RoomDrop.throughSeq`): a room made again under the name
    /// owns nothing at or below it, so nobody is owed those entries any more.
    var droppedThrough: [String: Int64] = [:]
    /// Answers to the server's queries, delivered after the step that asked.
    var answers: [HistoryAnswer] = []
    /// Ops and mutes as the simulator follows them (see `ModerationModel`).
    var moderation = ModerationModel()
    /// The original's verdict on each payload, decoded once per run.
    let decodeMemo = DecodeMemo()
    /// What the server must do with each distinct chat text (see `expectation`).
    var expectations: [TextKey: (expect: Expect?, command: Bool)] = [:]
    /// Reconnecting clients whose core asked to dial, in order (see `Reconnects.swift`).
    var dials: [Int] = []
    /// While the server is down (between a stop and its restart): when it is up again.
    var serverDownUntil: Int?
    /// The next step that stores kills the server (see `stopServer`).
    var crashArmed = false
    /// The room log on disk, for seeds whose server restarts (see `ServerRestart.swift`).
    var roomLogFile: RoomLogFile?

    init(seed: UInt64, options: SimOptions = SimOptions()) {
        self.seed = seed
        self.options = options
        rng = SimRandom(seed: seed)
        var profile = Profile.draw(&rng)
        (flowProfile, side) = FlowProfile.draw(seed: seed)
        var restartSide = SimRandom(seed: seed ^ 0x4E57_A7C0_5EED_0013)
        profile.drawRestarts(&restartSide)
        self.profile = profile
        hostUID = profile.hasHost ? UID(randomBits: rng.next(), rng.next()) : nil
        // The product's limits, chat rate included: the workload's bursts get held and released
        // under faults (150 seeds: ~300 pauses, and 3 279 chats relayed against 3 489 with no
        // rate: held chats die with a reset connection, as unread bytes in a kernel would).
        let config = AppConfig(role: .server, host: "127.0.0.1", port: 8080, username: "host", color: "336699",
                               hostUID: hostUID, chatRate: AppConfig.defaultChatRate,
                               chatBurst: AppConfig.defaultChatBurst, admission: Admission.Policy())
        clock = ManualClock(monotonicMillis: 0, wallMillis: 1_767_225_600_000)
        os = SimulatedOS(seed: rng.next(), network: profile.network)
        var runtimeOptions = RuntimeOptions(maxOutputBytes: profile.maxOutputBytes, stallTimeoutMillis: profile.stallMillis)
        runtimeOptions.plantedBug = options.runtimeBug
        runtimeOptions.frameTimeoutMillis = flowProfile.frameMillis
        self.config = config
        self.runtimeOptions = runtimeOptions
        runtime = Self.makeRuntime(config: config, options: runtimeOptions, clock: clock, os: os)
        maxFrameLength = runtime.app.config.maxFrameLength
        stallReason = runtimeOptions.stallReason
        frameReason = runtimeOptions.frameTimeoutReason
        if options.recordServerLog { serverLog = [EventLog.line(EventLog.Header(config: config))] }
        if profile.serverRestarts > 0 { roomLogFile = RoomLogFile(identity: UID(randomBits: rng.next(), rng.next())) }
        installHooks()
    }

    let config: AppConfig
    let runtimeOptions: RuntimeOptions
    /// The reasons the runtime gives when it drops a stalled reader, an unfinished frame.
    let stallReason: String
    let frameReason: String

    static func makeRuntime(config: AppConfig, options: RuntimeOptions, clock: ManualClock, os: SimulatedOS) -> Runtime {
        // Without signals there is nothing in the runtime's start that can fail here.
        try! Runtime(config: config, options: options, clock: clock, os: os)
    }

    /// The simulator sees every step of the server's core; without a real room log on disk,
    /// it answers the server's history questions from what the server stored.
    func installHooks() {
        runtime.stepHook = { [unowned self] event, effects in self.serverStepped(event, &effects) }
        if let roomLogFile {
            runtime.roomLog = roomLogFile.open()
        } else {
            runtime.answerHistory = { [unowned self] query in
                self.stats.storeQueries += 1
                return self.answer(query)
            }
        }
    }

    static func run(seed: UInt64, options: SimOptions = SimOptions()) -> SimOutcome {
        let outcome = Simulator(seed: seed, options: options).run()
        guard let failure = outcome.failure, !options.keepsTail else { return outcome }
        var again = options
        again.keepsTail = true
        guard let retraced = Simulator(seed: seed, options: again).run().failure,
              retraced.step == failure.step, retraced.invariant == failure.invariant, retraced.message == failure.message else {
            var differs = outcome
            differs.failure = SimFailure(seed: seed, step: failure.step, now: failure.now, invariant: .determinism,
                                         message: "the seed failed at step \(failure.step) (\(failure.invariant.rawValue): "
                                             + "\(failure.message)), and run again it did not fail the same way", tail: [])
            return differs
        }
        var told = outcome
        told.failure = retraced
        return told
    }

    func run() -> SimOutcome {
        joinedBefore = joinedBefore.updated(server.room!.joined)
        membersBefore = server.room!.members
        try! runtime.start()
        for _ in 0..<profile.initialClients { connectClient(kind: randomKind()) }
        var i = 0
        while i < profile.iterations, failure == nil {
            advance(to: now + rng.below(profile.maxAdvance + 1))
            deliver()
            if rng.chance(profile.actionRate, in: 1000) { action() }
            if failure == nil { maybeHang() }
            i += 1
        }
        if failure == nil { liveness() }
        if failure == nil { checkConvergence() }
        if failure == nil { checkLogNumbers() }
        if failure == nil { checkRoomLogNumbers() }
        runtime.roomLog = nil
        roomLogFile?.remove()
        return SimOutcome(seed: seed, stats: stats, steps: steps, clients: clients.count, hash: hash.value, failure: failure,
                          serverLog: serverLog.map { $0.joined(separator: "\n") + "\n" })
    }

    // MARK: Stepping the actors

    /// Moves the simulated time: the simulator's, the OS's and the runtime's clock together.
    func advance(to t: Int) {
        guard t > now else { return }
        clock.advance(millis: Int64(t - now))
        now = t
        os.now = t
    }

    /// Runs the server's loop until it has nothing more to do at this tick (a bounded number of
    /// turns: a trickling link is read a few bytes per turn, the rest waits for the next tick).
    func runServer() {
        guard serverUp else { return }
        for _ in 0..<64 {
            guard failure == nil else { return }
            _ = runtime.turn(maxWaitMillis: 0)
            stopIfCrashed()
            guard serverUp else { return }
            checkFlow()
            if !os.reported { return }
        }
    }

    /// Every step of the server's core, seen through the runtime's step hook: after the core,
    /// before the runtime performs the effects (so a planted bug changes what it performs).
    func serverStepped(_ event: Event, _ effects: inout [Effect]) {
        guard failure == nil, !os.crashed, !crashIfArmed(effects) else { return }
        steps += 1
        if case let .accepted(conn, uid, _, _) = event {
            guard os.bindLastAccepted(to: conn) else { return fail(.membership, "\(conn) was accepted from nowhere") }
            acceptedConn = conn
            linkOrder.append(conn)
            uidByConn[conn] = uid
            serverMirror[conn] = OriginalFrameReader()
        }
        plant(&effects, event)
        serverSteps += 1
        hash.step(actor: 0, now: now, event: event, effects: effects)
        record(TraceEntry(now: now, actor: 0, event: event, effects: effects))
        serverLog?.append(EventLog.line(EventLog.Step(step: serverSteps, time: Int64(now), event: event, effects: effects)))
        checkTimers(event, effects)
        checkRestored(event)
        checkStallDrop(event)
        checkFrameDrop(event)
        // The room after the step is read in place (`room`), one field at a time: a `let` of it
        // held across the checks copied the whole room for every step.
        let joinedAfter = joinedBefore.updated(room.joined)
        checkServerStep(event, effects, joined: (joinedBefore, joinedAfter), membersBefore: membersBefore)
        noteSettledChats(effects)
        checkRoomDelivery(effects, before: roomsBefore.members)
        roomsBefore.update(names: room.roomNames, roomMembers)
        joinedBefore = joinedAfter
        membersBefore = room.members
        for effect in effects {
            switch effect {
            case let .close(c, _):
                stats.serverCloses += 1
                serverMirror[c] = nil
                // The room reads no more of it: its frame is no longer the frame rule's.
                frameClocks[c] = nil
            case let .pauseReading(c):
                stats.floodPauses += 1
                // Not read while it is over its chat rate, it cannot finish a frame meanwhile:
                // when the frame rule ends it is no longer exactly known.
                frameClocks[c]?.exact = false
            case let .store(entries):
                storedLog += entries
                for e in entries {
                    storedPerRoom[e.room, default: 0] += 1
                    storedByRoom[e.room, default: []].append(e)
                }
            case let .keepModeration(.dropRoom(drop)):
                droppedThrough[drop.room] = max(droppedThrough[drop.room] ?? 0, drop.throughSeq)
            case .send, .setTimer, .cancelTimer, .resumeReading, .queryHistory, .print, .log, .quit, .connect, .remember, .alert, .keepModeration:
                break
            }
        }
    }

    /// A line the host types on the server's console.
    func hostSays(_ text: String) {
        runtime.inject(.inputLine(text))
        stopIfCrashed()
        guard serverUp else { return }
        // Its flush may have paused reading: the oracle must see it at this tick.
        checkFlow()
    }

    func pychatStep(_ i: Int, _ event: Event) {
        guard failure == nil, clients[i].open || clients[i].follow?.running == true, clients[i].app != nil else { return }
        steps += 1
        // Its name matters only where it reads (a session is copied out for each look).
        let nameBefore: String
        if case .received = event { nameBefore = ownName(i) } else { nameBefore = "" }
        let (effects, lines) = clients[i].app!.step(event)
        hash.step(actor: clients[i].actor, now: now, event: event, effects: effects)
        record(TraceEntry(now: now, actor: clients[i].actor, event: event, effects: effects))
        if case .received(_, let bytes) = event {
            let completed = clients[i].inMirror.feed(bytes.array)
            checkBuffered(clients[i].inMirror, "client \(clients[i].actor)")
            // Texts typed before the first ServerInfo are sent (and shown as our own lines)
            // in the step that reads it: those lines are ours, not received.
            var own = ownChats(i, effects)[...]
            // A private message is shown as its sender's line, but it is no chat of the room's.
            var privates = 0
            for p in completed where p.first == ExtensionCodec.kind && mayBeMessage(p, MessageNames.privateMessage) {
                if case .privateMessage? = decodeMemo.ext(p.dropFirst()) { privates += 1 }
            }
            // Lines of the room log (history on joining, older pages) happened before this
            // client heard them live; the durable-log invariant covers them at the server.
            stats.logLinesShown += lines.count { $0.fromLog }
            // Our own lines carry our name (before or after a rename in this step): someone
            // else's line may have the same text. A room's lines besides #general's are checked
            // at the server (`checkRoomDelivery`). The session is read in place, a field at a
            // time: a `let` of it copied the whole session for every chunk read.
            let nameAfter = ownName(i)
            for line in lines where !line.fromLog && line.room == nil {
                switch line.kind {
                case let .chat(name, _) where own.first == line.text && (name == nameBefore || name == nameAfter):
                    own = own.dropFirst()
                case .chat where privates > 0 && line.text.hasPrefix("[private"): privates -= 1
                case let .chat(name, _): clientShowed(i, ChatRecord(uid: nil, name: name, text: line.text))
                case .system: clients[i].systemTexts[line.text, default: 0] += 1
                case .notice: break
                }
            }
            // Every table of the chunk, not only the last: a member renamed and gone within one
            // chunk was seen under its new name, which its leave names.
            for p in completed where p.first == FrameCodec.jsonKind && mayBeMessage(p, MessageNames.serverInfo) {
                guard case let .serverInfo(users?, _)? = try? decodeMemo.decode(p) else { continue }
                for entry in users { if let u = entry.user { clients[i].seen[entry.key] = u.username } }
                clients[i].seenTable = nil
            }
            // The table of this connection: a reconnecting client keeps its last one until
            // the new server sends its own (`me` is set by that). The same table written
            // again over nothing else changes nothing, so it is written when it changed.
            let users = clients[i].app!.session!.users
            if clients[i].app!.session!.me != nil, clients[i].seenTable != users {
                for entry in users { clients[i].seen[entry.key] = entry.user.username }
                clients[i].seenTable = users
            }
            if clients[i].follow != nil {
                let resumed = resumedSeqs(completed)
                followLogNumbers(i, lines, resumed: resumed ?? [])
                followRoomNumbers(i, lines, completed)
                // Leaves held for the announcement timer come in the history of a join or
                // rejoin when it holds them, not live (see `Room.joinHistoryEnd`).
                if let resumed {
                    clients[i].follow?.resumeAnswered = true
                    for line in lines where line.fromLog && line.kind == .system && line.seq.map(resumed.contains) == true {
                        clients[i].systemTexts[line.text, default: 0] += 1
                    }
                }
            }
        }
        if let ui = clients[i].app!.ui {
            // Drawing a screen of up to 220x70 costs more than many steps, so one step in 512 is
            // drawn and checked (the count is part of the run, so which ones is seeded too).
            checkUI(i, ui, render: steps % 512 == 0)
        }
        for effect in effects {
            switch effect {
            case let .send(to, bytes):
                checkClientFrames(i, bytes.array)
                followChatIDs(i, bytes)
                for c in to where c == clients[i].conn { clientWrite(i, bytes.array) }
            case .close:
                clientClose(i)
            case .quit:
                clientClose(i)
                clients[i].follow?.running = false
            case let .setTimer(id, millis):
                clients[i].follow?.timers[id] = now + millis
            case let .cancelTimer(id):
                clients[i].follow?.timers[id] = nil
            case .connect:
                dials.append(i)
            case .pauseReading, .resumeReading, .print, .log, .store, .queryHistory, .remember, .alert, .keepModeration:
                break
            }
        }
    }

    /// The name a pychat client shows its own lines under.
    func ownName(_ i: Int) -> String {
        // Read in place: `clients[i].app?.session` on the array property copies the whole
        // client, core and all, and this runs for every chunk a pychat client reads.
        clients.withUnsafeBufferPointer { c in
            guard let me = c[i].app?.session?.me else { return c[i].username }
            return c[i].app!.session!.users.first { $0.key == me }?.user.username ?? c[i].username
        }
    }

    func modelReceive(_ i: Int, _ bytes: [UInt8]) {
        guard failure == nil, clients[i].open else { return }
        steps += 1
        hash.modelStep(actor: clients[i].actor, now: now, tag: 1, bytes: bytes)
        record(TraceEntry(now: now, actor: clients[i].actor, event: .received(conn: clients[i].conn, bytes: Bytes(bytes)), effects: []))
        let shown = clients[i].model!.receive(bytes, memo: decodeMemo)
        if let r = clients[i].model!.rejections.first {
            fail(.originalAccepts, "original client \(clients[i].actor) (\(clients[i].conn)) would choke: \(r)")
            return
        }
        for s in shown { clientShowed(i, ChatRecord(uid: s.uid, name: s.name, text: s.text)) }
    }

    func clientWrite(_ i: Int, _ bytes: [UInt8]) {
        let c = clients[i].conn
        if clients[i].kind == .original || clients[i].kind == .silent {
            steps += 1
            hash.modelStep(actor: clients[i].actor, now: now, tag: 2, bytes: bytes)
            record(TraceEntry(now: now, actor: clients[i].actor, event: nil, effects: [.send(to: [c], bytes: Bytes(bytes))]))
        }
        guard var link = links[c], link.clientOpen else { return }
        link.up.write(bytes, now: now, latency: profile.network.latency, rng: &rng)
        links[c] = link
    }

    /// The client process closes its connection (it leaves, or quits): the server reads what
    /// was already sent, then the end of the stream.
    func clientClose(_ i: Int) {
        clients[i].open = false
        let c = clients[i].conn
        guard var link = links[c], link.clientOpen else { return }
        link.clientOpen = false
        link.up.finished = true
        link.down.discard()
        links[c] = link
    }

    /// The client learns that its connection ended.
    func clientDisconnected(_ i: Int, reason: String) {
        guard clients[i].open else { return }
        if clients[i].app != nil {
            pychatStep(i, .disconnected(conn: clients[i].conn, reason: reason))
        } else {
            steps += 1
            hash.modelStep(actor: clients[i].actor, now: now, tag: 3, bytes: Array(reason.utf8))
        }
        clients[i].open = false
    }

    /// A chat line a client showed for a received message: the next one of its sequence.
    func clientShowed(_ i: Int, _ got: ChatRecord) {
        // Not `let c = clients[i]`: that copies the client's whole core for every line.
        let k = clients[i].receivedCount
        guard k < clients[i].expected.count else {
            let c = clients[i]
            fail(.totalOrder, "client \(c.actor) (\(c.conn)) showed chat #\(k + 1) \(show(got)) but the server relayed only "
                 + "\(c.expected.count) to it: a duplicate or an invented message")
            return
        }
        let want = clients[i].expected[k]
        let c = (actor: clients[i].actor, conn: clients[i].conn)
        if got.text != want.text {
            fail(.totalOrder, "client \(c.actor) (\(c.conn)) showed chat #\(k + 1) \(show(got)) where the server's sequence has "
                 + "\(show(want)): loss, duplicate or reordering")
            return
        }
        if got.name != want.name || (got.uid != nil && got.uid != want.uid) {
            fail(.attribution, "client \(c.actor) (\(c.conn)) showed chat #\(k + 1) \(show(got)) but it was sent by \(show(want))")
            return
        }
        clients[i].receivedCount += 1
        stats.chatsCheckedAtClients += 1
    }

    // MARK: The network

    func deliver() {
        restartServerIfDue()
        fireClientTimers()
        runServer()
        guard !linkOrder.isEmpty else { return }
        // Start at a random link, so no connection is always served first.
        let start = rng.below(linkOrder.count)
        let order = linkOrder
        for k in order.indices where failure == nil { deliver(order[(start + k) % order.count]) }
        linkOrder.removeAll { c in
            guard let l = links[c], l.isDead, l.up.isEmpty, l.down.isEmpty else { return false }
            links[c] = nil
            awaitedSince[c] = nil
            return true
        }
        // What the clients answered at once (latency 0) is read at this tick too.
        runServer()
        dialQueued()
    }

    /// The client's side of a link: a reset, then bytes, then the end of the stream. (The
    /// server's side is the runtime's, through `SimulatedOS`.)
    private func deliver(_ c: ConnID) {
        guard let link = links[c], now >= link.heldUntil, link.clientOpen else { return }
        let i = clientByConn[c]
        if let at = link.clientResetAt, at <= now {
            links[c]!.clientOpen = false
            links[c]!.up.discard()
            links[c]!.down.discard()
            if let i { clientDisconnected(i, reason: "connection reset") }
            return
        }
        // Most links have nothing due at a tick: then the pipe is not touched. (What the rest
        // reads of `link` is taken now: a link read before a change of the dictionary and after
        // it must be a copy, both pipes and all.)
        let due = link.down.nextArrival.map { $0 <= now } ?? false
        let limit = link.slowReader ?? Int.max, trickle = link.trickle
        let bytes = due ? links[c]!.down.read(now: now, limit: limit) : []
        if !bytes.isEmpty, let i {
            for chunk in rng.chunks(bytes, trickle: trickle, maxExtraCuts: profile.network.maxExtraCuts) {
                guard failure == nil, clients[i].open else { break }
                if clients[i].app != nil {
                    pychatStep(i, .received(conn: c, bytes: Bytes(chunk)))
                } else {
                    modelReceive(i, chunk)
                }
            }
        }
        // (A read of nothing changes none of these.)
        if let l = links[c], l.clientOpen, l.down.finished, l.down.isEmpty {
            // The server closed: the client process sees the end and closes its socket too.
            links[c]!.clientOpen = false
            links[c]!.up.finished = true
            if let i { clientDisconnected(i, reason: "closed by the server") }
        }
    }

    // MARK: Workload and faults

    func randomKind() -> ClientKind {
        ClientKind.allCases[rng.weighted([35, 25, 30, 10])]
    }

    /// A client dials the server, which accepts at once (a turn of its loop at this tick): the
    /// connection's id and the newcomer's uid are the runtime's.
    func connectClient(kind: ClientKind, username: String? = nil, color: String? = nil, from machine: String? = nil) {
        guard serverUp else { return }
        let actor = clients.count + 1
        let address = machine ?? "10.0.\(actor % 250).\(rng.int(in: 1...254))"
        guard let (conn, uid) = dialServer(from: address) else {
            // Killed in the turn that accepted it: the client sees a reset, and is gone.
            guard serverUp else { return }
            return fail(.liveness, "the server did not accept a connection waiting on its listener")
        }
        let name = username ?? rng.pick(Corpus.names)
        let colour = color ?? rng.pick(Corpus.colors)
        var client = SimClient(actor: actor, kind: kind, conn: conn, uid: uid, username: name, color: colour, address: address)
        switch kind {
        case .pychat, .pychatUI:
            let terminal = kind == .pychatUI ? TerminalSize(cols: rng.int(in: 0...220), rows: rng.int(in: 0...70)) : nil
            let policy = profile.reconnecting > 0 && rng.chance(profile.reconnecting, in: 4) ? reconnectPolicy() : nil
            client.follow = policy.map { _ in ReconnectFollow() }
            client.app = ChatApp(config: AppConfig(role: .client, host: "127.0.0.1", port: 8080, username: name,
                                                   color: colour, terminal: terminal, reconnect: policy))
        case .original, .silent:
            client.model = OriginalClientModel(username: name, color: colour)
        }
        if kind == .original { stats.originalClients += 1 }
        if kind == .pychatUI { stats.uiClients += 1 }
        clients.append(client)
        clientByConn[conn] = actor - 1
        ownerByConn[conn] = actor - 1
        let i = actor - 1
        switch kind {
        case .pychat, .pychatUI: pychatStep(i, .connected(conn: conn, remote: "127.0.0.1:8080"))
        case .original: clientWrite(i, client.model!.joinRequest())
        case .silent:
            // Half a header, or half a frame, or nothing at all: the decoder must wait, and
            // the join deadline must end it.
            let join = client.model!.joinRequest()
            switch rng.below(3) {
            case 0: clientWrite(i, Array(join.prefix(2)))
            case 1: clientWrite(i, Array(join.prefix(join.count - 1)))
            default: break
            }
        }
    }

    func live(_ kinds: Set<ClientKind>) -> [Int] {
        // Read in place: `clients[$0]` through the array property copies a whole client.
        clients.withUnsafeBufferPointer { c in c.indices.filter { c[$0].open && kinds.contains(c[$0].kind) } }
    }

    func action() {
        let liveCount = live(ClientKind.every).count
        let p = profile
        let weights = [
            liveCount < p.maxClients ? 8 : 0,  // connect
            40,  // say
            p.hasHost ? 6 : 0,  // host says
            10,  // UI keys
            2,  // resize
            4,  // leave
            p.hostile, p.resets, p.partitions, p.cuts, p.slowReaders, p.restarts, p.trickle,
            8,  // a command
            p.serverRestarts,
        ]
        // While the server is down, only its clients act: a reconnecting one types on.
        guard serverUp else {
            if let i = pickWaiting() { say(i, Corpus.text(&rng)) }
            return
        }
        switch rng.weighted(weights) {
        case 0:
            // Now and then a banned user tries again from the same machine (never hash order).
            let banned = moderation.bans.keys.compactMap { if case let .address(a) = $0 { a } else { nil } }.sorted()
            let evader = !banned.isEmpty && rng.chance(1, in: 2) ? rng.pick(banned) : nil
            connectClient(kind: randomKind(), from: evader)
        case 1:
            // A reconnecting client waiting to dial again types on: its lines are pending.
            let waiting = profile.reconnecting > 0 && rng.chance(1, in: 4) ? pickWaiting() : nil
            guard let i = waiting ?? pickLive([.pychat, .pychatUI, .original]) else { return }
            say(i, Corpus.text(&rng))
        case 2:
            // The host goes into rooms and out of them too, and talks in the one it is in (issue #14).
            if rng.chance(1, in: 8) {
                stats.hostRoomCommands += 1
                hostSays(Corpus.roomCommand(&rng))
            } else if rng.chance(1, in: 12) {
                // And now and then closes one of the rooms the workload meets in (`/drop`).
                hostSays(Corpus.drop(&rng))
            } else {
                hostSays(Corpus.text(&rng))
            }
        case 3:
            guard let i = pickLive([.pychatUI]) else { return }
            for key in Corpus.keys(&rng) { pychatStep(i, .key(key)) }
        case 4:
            guard let i = pickLive([.pychatUI]) else { return }
            pychatStep(i, .resize(cols: rng.int(in: -2...220), rows: rng.int(in: -2...70)))
        case 5:
            // The user quits the program.
            guard let i = pickLive(ClientKind.every) else { return }
            clientClose(i)
            clients[i].follow?.running = false
        case 6:
            guard let i = pickLive([.original]), let model = clients[i].model, model.me != nil else { return }
            let others = model.users.map(\.key).filter { $0 != clients[i].uid }
            stats.spoofAttempts += 1
            var frame = Corpus.hostileFrame(&rng, own: clients[i].uid, other: others.isEmpty ? nil : rng.pick(others))
            if rng.chance(1, in: 40) {
                // A header announcing one byte more than the limit: the server must close
                // the connection without buffering the body.
                let n = UInt32(Limits.maxFrameLength + 1)
                frame += [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF), 1, 0x7B]
            }
            clientWrite(i, frame)
        case 7:
            guard let i = pickLive(ClientKind.every) else { return }
            reset(i)
        case 8:
            guard let c = pickLink() else { return }
            links[c]!.heldUntil = max(links[c]!.heldUntil, now + rng.pick([20, 300, 2_000, 12_000]))
            stats.partitions += 1
            if Self.printTrace { print("t=\(now) network: \(c) partitioned until \(links[c]!.heldUntil)") }
        case 9:
            // A partition that ends in a reset: the connection is cut, not healed.
            guard let c = pickLink() else { return }
            // A reset already pending stays as early as it was (it may have lost bytes).
            let at = max(links[c]!.heldUntil, now + rng.pick([20, 300, 2_000]))
            links[c]!.heldUntil = at
            links[c]!.clientResetAt = min(links[c]!.clientResetAt ?? at, at)
            links[c]!.serverResetAt = min(links[c]!.serverResetAt ?? Int.max, at + rng.below(50))
            stats.partitions += 1
            stats.resets += 1
            if Self.printTrace { print("t=\(now) network: \(c) partitioned until \(at), then cut") }
        case 10:
            guard let c = pickLink() else { return }
            links[c]!.slowReader = links[c]!.slowReader == nil ? rng.pick([0, 1, 7, 64, 1_000]) : nil
            if Self.printTrace { print("t=\(now) network: \(c) reads at most \(links[c]!.slowReader ?? -1) bytes at a time") }
        case 11:
            guard let i = pickLive([.pychat, .pychatUI, .original]) else { return }
            let old = clients[i]
            reset(i)
            // The same user starts the program again, from the same machine: a ban on its
            // address must keep it out.
            connectClient(kind: old.kind, username: old.username, color: old.color, from: old.address)
        case 12:
            guard let c = pickLink() else { return }
            links[c]!.trickle.toggle()
        case 14:
            stopServer()
        default:
            // A pychat user goes into rooms and out of them now and then (issue #14).
            if rng.chance(1, in: 4), let i = pickLive([.pychat, .pychatUI]) {
                stats.roomCommands += 1
                return say(i, Corpus.roomCommand(&rng))
            }
            let line = Corpus.command(&rng, members: server.room!.members.map(\.name))
            stats.commands += 1
            if p.hasHost, rng.chance(1, in: 6) {
                // The host moderates too: a third of its commands.
                let members = server.room!.members.map(\.name)
                return hostSays(rng.chance(1, in: 3) ? Corpus.moderation(&rng, members: members) : line)
            }
            guard let i = pickLive([.pychat, .pychatUI, .original]) else { return }
            say(i, line)
        }
    }

    func pickLive(_ kinds: Set<ClientKind>) -> Int? {
        let l = live(kinds)
        return l.isEmpty ? nil : rng.pick(l)
    }

    func pickLink() -> ConnID? {
        let l = linkOrder.filter { links[$0]!.clientOpen && links[$0]!.serverOpen }
        return l.isEmpty ? nil : rng.pick(l)
    }

    func say(_ i: Int, _ said: String) {
        var text = said
        // Now and then a pychat user searches the room log for a word of what it would have said.
        if clients[i].kind == .pychat || clients[i].kind == .pychatUI, rng.chance(1, in: 20) {
            text = "/search " + (said.split(whereSeparator: \.isWhitespace).first.map(String.init) ?? "hello")
        } else if clients[i].kind == .pychat || clients[i].kind == .pychatUI, rng.chance(1, in: clients[i].follow == nil ? 8 : 3) {
            // Or goes into a room (most often #rust, where the others meet it), or out of one;
            // a reconnecting one more often, so that rooms are resumed across its rejoins.
            stats.roomCommands += 1
            text = Corpus.roomCommand(&rng)
        }
        switch clients[i].kind {
        case .pychat: pychatStep(i, .inputLine(text))
        case .pychatUI:
            pychatStep(i, .key(.paste(text)))
            pychatStep(i, .key(.enter))
        case .original:
            if let frame = clients[i].model!.chat(text) { clientWrite(i, frame) }
        case .silent: break
        }
    }

    /// A connection reset: whatever was in flight is lost; the client knows at once, the
    /// server a little later.
    func reset(_ i: Int) {
        let c = clients[i].conn
        guard var link = links[c], link.clientOpen else { return }
        stats.resets += 1
        link.clientOpen = false
        link.up.discard()
        link.down.discard()
        if link.serverOpen { link.serverResetAt = min(link.serverResetAt ?? Int.max, now + rng.below(50)) }
        links[c] = link
        clientDisconnected(i, reason: "connection reset")
    }

    // MARK: Liveness

    /// Faults stop, partitions heal, slow readers catch up; then time runs until nothing is in
    /// flight and no timer is pending. A system that never quiets fails here.
    func liveness() {
        for c in linkOrder {
            links[c]!.heldUntil = min(links[c]!.heldUntil, now)
            links[c]!.slowReader = nil
            links[c]!.trickle = false
        }
        var rounds = 0
        while failure == nil {
            // The server has something to do now, or at its next deadline; the network at the
            // next arrival on any link.
            var next: Int? = !serverUp ? serverDownUntil : os.hasReadiness() ? now : runtime.nextPendingDeadline().map { Int($0) }
            if let t = nextClientTimer() { next = min(next ?? t, t) }
            for c in linkOrder {
                let l = links[c]!
                var t = l.nextActivity(after: now, serverReads: os.serverReads(c))
                if l.clientOpen, let r = l.clientResetAt { t = min(t ?? r, r) }
                if let t { next = min(next ?? t, t) }
            }
            guard let t = next else { return }
            rounds += 1
            if rounds > 50_000 {
                fail(.liveness, "the system does not quiet down: still busy after \(rounds) rounds")
                return
            }
            advance(to: max(now, t))
            deliver()
        }
    }

    // MARK: Planted bugs

    private func plant(_ effects: inout [Effect], _ event: Event) {
        guard options.plantedBug != .none, !plantFired else { return }
        func chat(_ b: Bytes) -> (UID?, String)? {
            guard b.array.count > 5, b.array[4] == 1, case let .chat(u, t)? = try? MessageCodec.decode(b.array[5...]) else { return nil }
            return (u, t)
        }
        switch options.plantedBug {
        case .none: return
        case .dropRecipient:
            for (k, e) in effects.enumerated() {
                if case let .send(to, b) = e, to.count >= 2, chat(b) != nil {
                    effects[k] = .send(to: Array(to.dropLast()), bytes: b)
                    plantFired = true
                    return
                }
            }
        case .duplicateFrame:
            for (k, e) in effects.enumerated() {
                if case let .send(to, b) = e, chat(b) != nil {
                    effects[k] = .send(to: to, bytes: Bytes(b.array + b.array))
                    plantFired = true
                    return
                }
            }
        case .misattribute:
            for (k, e) in effects.enumerated() {
                if case let .send(to, b) = e, let (u, t) = chat(b),
                   let other = server.room!.members.first(where: { $0.uid != u }) {
                    effects[k] = .send(to: to, bytes: Bytes(FrameCodec.frame(.chat(uid: other.uid, text: t))))
                    plantFired = true
                    return
                }
            }
        case .swapFrames:
            // The first two chats in one step that share a recipient: write them the other way round.
            let chats = effects.indices.filter { if case let .send(_, b) = effects[$0] { chat(b) != nil } else { false } }
            guard chats.count >= 2 else { return }
            effects.swapAt(chats[0], chats[1])
            plantFired = true
        case .resumeLosesEntry, .roomResumeLosesEntry:
            for (k, e) in effects.enumerated() {
                guard case let .send(to, b) = e, b.array.count > 5, b.array[4] == ExtensionCodec.kind,
                      case var .resumed(part)? = decodeMemo.ext(b.array[5...]),
                      options.plantedBug == .resumeLosesEntry || part.room != RoomEntry.generalRoom,
                      let n = part.entries.firstIndex(where: { $0.kind == .chat }) else { continue }
                part.entries.remove(at: n)
                part.ownIDs.remove(at: n)
                effects[k] = .send(to: to, bytes: Bytes(Array(ExtensionCodec.frames(part).joined())))
            }
        case .unstoredChat:
            guard effects.contains(where: { if case let .send(_, b) = $0 { chat(b) != nil } else { false } }),
                  let k = effects.firstIndex(where: { if case .store = $0 { true } else { false } }) else { return }
            effects.remove(at: k)
            plantFired = true
        case .chatToWrongRoom:
            plantFired = plantWrongRoom(&effects)
        case .dropForgetsAMember:
            plantFired = plantForgottenDrop(&effects)
        }
    }

    // MARK: Reporting

    /// `PYCHAT_SIM_TRACE=1`: print every step as it happens (with `PYCHAT_SIM_SEED`).
    static let printTrace = Seeds.environment["PYCHAT_SIM_TRACE"] == "1"

    /// A step for the failure report's tail (made only when the tail is kept, or printed).
    func record(_ makeEntry: @autoclosure () -> TraceEntry) {
        guard options.keepsTail || Self.printTrace else { return }
        let entry = makeEntry()
        // A failed seed's second run prints nothing: its steps were printed the first time.
        if Self.printTrace && !options.keepsTail { print(entry.describe()) }
        guard options.keepsTail else { return }
        if tail.count < options.tailLength {
            tail.append(entry)
        } else if !tail.isEmpty {
            tail[tailNext] = entry
            tailNext = (tailNext + 1) % tail.count
        }
    }

    func fail(_ invariant: Invariant, _ message: String) {
        guard failure == nil else { return }
        failure = SimFailure(seed: seed, step: steps, now: now, invariant: invariant, message: message,
                             tail: (tail[tailNext...] + tail[..<tailNext]).map { $0.describe() })
    }
}
