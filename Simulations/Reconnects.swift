import ChatIO
import ChatState

/// What the simulator follows of a pychat client that reconnects (issue #13): its core's timers
/// (it dials again on them), and the room log numbers of the lines it showed, so that across
/// every loss and rejoin, server restarts included, it is checked to show each entry of the
/// room once, in order, with none missing.
struct ReconnectFollow {
    /// The process runs (it has not quit), connected or not.
    var running = true
    /// The core's timers, by when they are due.
    var timers: [TimerID: Int] = [:]
    /// The newest entry its first join's history held: entries after it happened while it was
    /// a member, and must all be shown.
    var windowStart: Int64?
    /// The numbers of the room's chats it showed after `windowStart`, live or resumed, in order.
    var shown: [Int64] = []
    /// A resume said more was missed than it carries (the client says so and scrolling loads
    /// it): the rest of the run is not gap-free by design.
    var skipped = false
    /// Every uid it had: its own chats never come back to it.
    var uids: [UID] = []
    /// The newest chat id it sent: one sent again after a rejoin is on its screen already.
    var lastChatID: Int64 = 0
    /// The same, for each room besides `#general` it is in (`RoomReconnects.swift`).
    var rooms: [String: RoomFollow] = [:]
    /// How many of `shown` it had shown when it last dialled, and whether that connection's
    /// `Resume` was answered: an op may put it out before, and then what it missed meanwhile
    /// never comes (a removed client does not reconnect).
    var shownBeforeDial = 0
    var resumeAnswered = true
}

extension Simulator {
    /// Backoff short enough for a simulated minute, the jitter seeded by the run.
    func reconnectPolicy() -> ReconnectPolicy {
        let initial = Int64(rng.pick([20, 200, 1_000]))
        return ReconnectPolicy(initialMillis: initial, maxMillis: initial * 8, seed: rng.next(),
                               session: UID(randomBits: rng.next(), rng.next()))
    }

    /// A reconnecting client between connections, still running.
    func pickWaiting() -> Int? {
        let waiting = clients.indices.filter { !clients[$0].open && clients[$0].follow?.running == true }
        return waiting.isEmpty ? nil : rng.pick(waiting)
    }

    /// Attempts after which the liveness phase stops waiting for a client (a banned one is
    /// refused at every one; its user would give up).
    static let livenessAttempts = 5

    /// The clients' timers due by now, earliest first (ties by client, then by kind).
    func fireClientTimers() {
        while failure == nil {
            var due: (at: Int, i: Int, id: TimerID)?
            // Read in place: `clients[i].follow` on the array property copies the whole client,
            // core and all, and this runs every tick for every client.
            clients.withUnsafeBufferPointer { clients in
                for i in clients.indices {
                    guard clients[i].follow?.running == true, let timers = clients[i].follow?.timers else { continue }
                    for (id, at) in timers where at <= now {
                        if due == nil || (at, i, Self.rank(id)) < (due!.at, due!.i, Self.rank(due!.id)) { due = (at, i, id) }
                    }
                }
            }
            guard let (_, i, id) = due else { return }
            clients[i].follow!.timers[id] = nil
            pychatStep(i, .timer(id))
            dialQueued()
        }
    }

    /// A timer's place among one client's timers due at the same time (never hash order).
    private static func rank(_ id: TimerID) -> Int {
        switch id {
        case .reconnect: 0
        case .reconnectTick: 1
        default: 2
        }
    }

    /// When the next client timer the liveness phase waits for is due.
    func nextClientTimer() -> Int? {
        var next: Int?
        // Read in place: `for c in clients` copies every client, core and all, every round.
        clients.withUnsafeBufferPointer { clients in
            for i in clients.indices {
                guard clients[i].follow?.running == true, !clients[i].open,
                      (clients[i].app?.session?.link.attempt ?? 0) <= Self.livenessAttempts,
                      let at = clients[i].follow?.timers[.reconnect] else { continue }
                next = min(next ?? at, at)
            }
        }
        return next
    }

    /// The clients whose core asked to dial: the server accepts at once, or is down.
    func dialQueued() {
        while failure == nil, !dials.isEmpty {
            let i = dials.removeFirst()
            guard clients[i].follow?.running == true, !clients[i].open else { continue }
            guard serverUp, let (conn, uid) = dialServer(from: clients[i].address) else {
                // Down: nothing listens. Refused by admission (too many connections from its
                // address): accepted by the kernel and closed at once, the same to the client.
                pychatStep(i, .dialFailed(reason: serverUp ? "closed by the server" : "connection refused"))
                continue
            }
            stats.rejoins += 1
            // The old connection may still be the server's for a while: what it sends there
            // no longer reaches this client.
            if clientByConn[clients[i].conn] == i { clientByConn[clients[i].conn] = nil }
            clients[i].conn = conn
            clients[i].uid = uid
            clients[i].open = true
            clients[i].follow!.uids.append(uid)
            clients[i].follow!.shownBeforeDial = clients[i].follow!.shown.count
            clients[i].follow!.resumeAnswered = false
            // What a connection relayed is checked per connection; across them, by log numbers.
            clients[i].expected = []
            clients[i].receivedCount = 0
            clients[i].seen = [:]
            clients[i].seenTable = nil
            clients[i].systemTexts = [:]
            clients[i].inMirror = OriginalFrameReader()
            clientByConn[conn] = i
            ownerByConn[conn] = i
            pychatStep(i, .connected(conn: conn, remote: "127.0.0.1:8080"))
        }
    }

    /// A client dials from `address` and the server's loop takes one turn: the connection and
    /// the uid the runtime gave it, or nil when the runtime refused it.
    func dialServer(from address: String) -> (ConnID, UID)? {
        os.backlog.append((remote: "\(address):\(rng.int(in: 1024...65535))", address: address))
        acceptedConn = nil
        _ = runtime.turn(maxWaitMillis: 0)
        stopIfCrashed()
        guard serverUp else { return nil }
        checkFlow()
        guard failure == nil, let conn = acceptedConn, let uid = uidByConn[conn] else {
            os.lastAccepted = nil
            return nil
        }
        return (conn, uid)
    }

    /// The chats a client's step sends that it shows as its own lines in that step, in order:
    /// plain ChatMessages, and a resuming client's `Chat`s but those it sends again after a
    /// rejoin (shown when first typed). Called before the step's sends are followed.
    func ownChats(_ i: Int, _ effects: [Effect]) -> [String] {
        var own: [String] = []
        for case let .send(_, b) in effects {
            // Only a payload whose bytes name a ChatMessage is decoded as one (most are commands).
            for p in OriginalFrameReader.frames(in: b.array).payloads {
                var chat: String?
                if p.first == ExtensionCodec.kind, mayBeMessage(p.dropFirst(), MessageNames.extensionChat),
                   case let .chat(id, t)? = decodeMemo.ext(p.dropFirst()) {
                    if let last = clients[i].follow?.lastChatID, id <= last { continue }
                    chat = t
                } else if mayBeMessage(p, MessageNames.chatMessage), case let .chat(_, t)? = try? decodeMemo.decode(p) {
                    chat = t
                }
                // The chat /x goes to a server that reads commands as //x.
                if let chat { own.append(chat.hasPrefix("//") ? String(chat.dropFirst()) : chat) }
            }
        }
        return own
    }

    /// The newest chat id a client's send carries (see `ownChats`).
    func followChatIDs(_ i: Int, _ bytes: Bytes) {
        guard clients[i].follow != nil else { return }
        for p in OriginalFrameReader.frames(in: bytes.array).payloads where p.first == ExtensionCodec.kind {
            if mayBeMessage(p.dropFirst(), MessageNames.extensionChat), case let .chat(id, _)? = decodeMemo.ext(p.dropFirst()) {
                clients[i].follow!.lastChatID = max(clients[i].follow!.lastChatID, id)
            }
        }
    }

    /// The chats a step acknowledged (an `Ack` to one connection, which the step's own check
    /// has already held to what it read): settled for that connection's client.
    func noteSettledChats(_ effects: [Effect]) {
        for case let .send(to, bytes) in effects where to.count == 1 {
            guard let i = ownerByConn[to[0]] else { continue }
            for p in OriginalFrameReader.frames(in: bytes.array).payloads
            where p.first == ExtensionCodec.kind && mayBeMessage(p.dropFirst(), MessageNames.ack) {
                if case let .ack(id, _)? = decodeMemo.ext(p.dropFirst()) { settledChatIDs[i, default: []].insert(id) }
            }
        }
    }

    /// The entries `#general`'s `Resumed` frames among `payloads` carry for the screen (all but
    /// our own); nil when there is none.
    func resumedSeqs(_ payloads: [ArraySlice<UInt8>]) -> Set<Int64>? {
        var seqs: Set<Int64>?
        for p in payloads where p.first == ExtensionCodec.kind {
            // `#general`'s: a room's answer numbers its entries on its own (`followRoomNumbers`).
            guard mayBeMessage(p.dropFirst(), MessageNames.resumed),
                  case let .resumed(part)? = decodeMemo.ext(p.dropFirst()), part.room == RoomEntry.generalRoom else { continue }
            // Our own chats in it are marked and not shown again (on the screen since typed): a
            // search's result in the same step may show one from the log, and it is no carried line.
            var carried = seqs ?? []
            for (e, own) in zip(part.entries, part.ownIDs) where own == nil { carried.insert(e.seq) }
            seqs = carried
        }
        return seqs
    }

    /// The lines one step of a reconnecting client showed: the room's chats among them, live or
    /// carried by a `Resumed` on a rejoin (`resumed`: the entries it carried), each the next of
    /// the room's entries. Pages scrolled to, search results and contexts show older entries
    /// again, and are not followed.
    func followLogNumbers(_ i: Int, _ lines: [DisplayLine], resumed carried: Set<Int64>) {
        // The session's link and phase, read in place: `clients[i].app?.session` through the
        // array property copies the whole client, core and all, for every chunk read.
        let read = clients.withUnsafeBufferPointer { c -> (ClientLink, ClientSession.Phase)? in
            guard c[i].follow != nil, let link = c[i].app?.session?.link, let phase = c[i].app?.session?.phase else { return nil }
            return (link, phase)
        }
        guard let (link, phase) = read else { return }
        // Taken out while it is followed, and put back on every way out: a copy left in the
        // client would make each `shown.append` copy the whole list.
        var f = clients[i].follow.take()!
        defer { clients[i].follow = f }
        if f.uids.isEmpty { f.uids = [clients[i].uid] }
        if lines.contains(where: { $0.text.hasPrefix("── ") && $0.text.contains("earlier entries were missed") }) {
            f.skipped = true
        }
        if f.windowStart == nil {
            // The first join's history is what happened before it.
            if phase == .joined, !link.awaitingResume { f.windowStart = link.lastSeen ?? 0 }
            return
        }
        // Each carried entry is shown once, before anything else of the step from the log (a
        // search's results may show the same entries again).
        var resumed = link.losses > 0 ? carried : []
        for line in lines {
            // #general's numbers: another room numbers its entries on its own.
            guard case .chat = line.kind, line.room == nil, let seq = line.seq, seq > f.windowStart!, !line.pending,
                  !line.fromLog || resumed.remove(seq) != nil, !line.text.hasPrefix("[private") else { continue }
            if let last = f.shown.last, seq <= last {
                return fail(.totalOrder, "reconnecting client \(clients[i].actor) showed entry \(seq) after entry \(last): "
                            + "a duplicate or a reordering across a rejoin")
            }
            f.shown.append(seq)
        }
    }

    /// After the liveness phase: every reconnecting client showed every chat of the room after
    /// its first join, but its own, up to the end if it is a member again (else up to the last
    /// it showed, or, put out by an op before its last Resume was answered, the last it had
    /// shown before that rejoin): nothing lost across a loss, a rejoin or a restart of the server.
    func checkLogNumbers() {
        for c in clients {
            guard let f = c.follow, let start = f.windowStart, !f.skipped, c.app?.session?.link.losses ?? 0 > 0 else { continue }
            let joined = c.open && c.app?.session?.phase == .joined
            // Put out before its last rejoin's Resume was answered: owed up to what it had shown
            // before that dial (what it was shown live on that connection came after the gap).
            let shownOwed = joined || f.resumeAnswered ? f.shown[...] : f.shown.prefix(f.shownBeforeDial)
            let end = joined ? Int64.max : (shownOwed.last ?? start)
            let own = c.app?.config.reconnect.map { $0.session.description + "/" }
            let wanted = storedLog.filter { e in
                e.kind == .chat && e.room == RoomEntry.generalRoom && e.seq > start && e.seq <= end
                    && !(own.map { e.clientID?.hasPrefix($0) == true } ?? false) && !f.uids.contains { $0 == e.authorUID }
            }
            let shown = Set(f.shown)
            let missing = wanted.lazy.map(\.seq).filter { !shown.contains($0) }
            if let first = missing.first {
                let e = wanted.first { $0.seq == first }!
                return fail(.totalOrder, "reconnecting client \(c.actor) (\(c.kind), \(c.app?.session?.link.losses ?? 0) losses) "
                            + "never showed entry \(first) (\(e.author): \(printable(Array(e.text.utf8), max: 40))) of the "
                            + "\(wanted.count) after \(start)")
            }
            stats.clientsFollowedAcrossRejoins += 1
            stats.logNumbersChecked += wanted.count
        }
    }
}
