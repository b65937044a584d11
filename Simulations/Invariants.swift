import ChatState

enum Invariant: String, Sendable {
    /// (1) Every client's chat lines are a prefix of the server's sequence for it: nothing
    /// lost, duplicated or reordered; and the server relays every chat it reads, once, in order.
    case totalOrder = "total order"
    /// (2) Every chat line shows its sender's name; nobody speaks as someone else.
    case attribution
    /// (3) Frames reach exactly the joined members; tables converge once the system quiets.
    case membership
    /// (4) No original-like peer ever gets a frame it would reject.
    case originalAccepts = "original accepts"
    /// (5) The UI state stays sane.
    case uiSane = "UI sane"
    /// (6) Buffers and queues stay within their limits.
    case bounded
    /// (7) The same seed gives the same trace.
    case determinism
    /// (8) What the server sends is in its log first: each step's chats are stored by that step,
    /// in the order relayed, before any of its sends; sequence numbers run 1, 2, 3, ... unbroken.
    case durable = "durable log"
    /// (9) Commands (issue #14): after every step no two members' names collide (the same
    /// ignoring case, or confusable), also after renames; a private message reaches only its
    /// two ends, under its sender's uid.
    case uniqueNames = "unique names"
    case privacy
    /// (10) Moderation (issue #14): only the host and ops moderate; a muted member's chats,
    /// actions and private messages reach nobody.
    case opsOnly = "ops only"
    case muted
    /// (11) A banned address never joins before its ban ends (issue #14).
    case bannedStayOut = "banned stay out"
    /// (11) Rooms (issue #14): a room's chat reaches exactly the room's other members at that
    /// step, its actions and topics all of them, and no original client ever.
    case roomDelivery = "room delivery"
    /// The liveness phase ends: with faults stopped, the system quiets down.
    case liveness
    /// (9) The server's flow control, as production runs it: a reader the room waits for
    /// (reading paused, its queue above low water) and that takes no output is dropped once
    /// the stall timeout has passed, never before; a reader that drains is never dropped.
    case flowControl = "flow control"
    /// (10) Every timer of the core fires at its deadline: never before it, and no later than
    /// the runtime's next turn after it.
    case timers
    /// (11) A peer that sends part of a frame and stops is dropped once the frame deadline has
    /// passed since the frame's first byte (reading time), never before.
    case frameDeadline = "frame deadline"
}

struct SimFailure: Error, Sendable, CustomStringConvertible {
    var seed: UInt64
    var step: Int
    var now: Int
    var invariant: Invariant
    var message: String
    var tail: [String]

    var description: String {
        """
        simulation failed: seed \(seed) (0x\(String(seed, radix: 16))), step \(step), t = \(now) ms
        invariant: \(invariant.rawValue)
        \(message)
        reproduce: PYCHAT_SIM_SEED=\(seed) swift test --filter Simulations.SimulationTests/seeds
          (add PYCHAT_SIM_LOG=/tmp/pychat-sim.log to write the server's event log; replay it with Replay.run)
        last \(tail.count) steps:
        \(tail.map { "  " + $0 }.joined(separator: "\n"))
        """
    }
}

/// One step for a failure report. Kept as values and formatted only when a run fails.
struct TraceEntry {
    var now: Int
    var actor: Int
    var event: Event?
    var effects: [Effect]

    func describe() -> String {
        let who = actor == 0 ? "server" : "client \(actor)"
        let e = event.map(Self.describe) ?? "(writes)"
        let out = effects.compactMap { effect -> String? in
            switch effect {
            case let .send(to, b): return "send \(to) \(printable(b.array))"
            case let .close(c, r): return "close \(c) (\(r))"
            case let .setTimer(t, ms): return "setTimer \(t) \(ms) ms"
            case let .cancelTimer(t): return "cancelTimer \(t)"
            case let .pauseReading(c): return "pauseReading \(c)"
            case let .resumeReading(c): return "resumeReading \(c)"
            case let .log(s): return "log \(printable(Array(s.utf8), max: 100))"
            case let .quit(code, _): return "quit \(code)"
            case let .store(entries): return "store \(entries.map(\.seq))"
            case let .queryHistory(q): return "queryHistory \(q.id) \(q.range) \(q.limit)"
            case .connect: return "connect"
            case let .keepModeration(change): return "keepModeration \(change)"
            case .print, .remember, .alert: return nil
            }
        }
        return "t=\(now) \(who): \(e)" + (out.isEmpty ? "" : " -> " + out.joined(separator: "; "))
    }

    static func describe(_ e: Event) -> String {
        switch e {
        case let .received(c, b): return "received \(c) \(printable(b.array))"
        case let .inputLine(s): return "inputLine \(printable(Array(s.utf8), max: 80))"
        case let .key(k): return "key \(String(describing: k).prefix(80))"
        default: return String(describing: e)
        }
    }
}

/// Bytes for a report: printable ASCII as is, the rest as \xNN, cut at `max`.
func printable(_ bytes: [UInt8], max: Int = 160) -> String {
    var s = "\(bytes.count)B \""
    for b in bytes.prefix(max) {
        if b >= 0x20 && b < 0x7F && b != 0x5C { s.unicodeScalars.append(Unicode.Scalar(b)) } else { s += "\\x" + String(b, radix: 16) }
    }
    return s + (bytes.count > max ? "\"…" : "\"")
}

func show(_ r: ChatRecord) -> String {
    "\(r.name)\(r.uid.map { "<\($0)>" } ?? ""): \(printable(Array(r.text.utf8), max: 60))"
}

/// The room's joined connections, as a list and as a set: the set is built again only when the
/// list changed (most steps leave it as it was, and then the lists share their storage).
struct JoinedSet {
    private(set) var list: [ConnID] = []
    private(set) var set: Set<ConnID> = []

    func updated(_ now: [ConnID]) -> JoinedSet {
        now == list ? self : JoinedSet(list: now, set: Set(now))
    }
}

/// A chat the server must act on, with its id when it came in a pychat client's `Chat` frame.
struct ExpectedChat {
    let expect: Expect
    let chatID: Int64?
}

/// What the server must do with one chat it reads (or the host types).
enum Expect: Equatable {
    case relay(String)
    /// Refused as too long: this notice goes to the sender only.
    case refuse(String)

    /// What the server must do with a typed line, and whether it is a command (its effects are
    /// answers to some members, not relays): a blank line neither, a line too long a refusal.
    static func of(_ raw: String) -> (expect: Expect?, command: Bool) {
        let text = TextRules.cleanText(raw)
        if TextRules.isBlank(text) { return (nil, false) }
        if let refusal = TextRules.refusal(text) { return (.refuse(refusal.notice), false) }
        // A `/` line is a command, carried out and never relayed; `//x` is the chat `/x`.
        guard case .chat(let chat) = CommandParser.read(text) else { return (nil, true) }
        return (.relay(chat), false)
    }
}

extension Simulator {
    // MARK: After every server step

    /// `room` (read in place) is the room after the step; `joined` its joined connections before and after.
    func checkServerStep(_ event: Event, _ effects: [Effect], joined: (before: JoinedSet, after: JoinedSet),
                         membersBefore: [Room.Member]) {
        // Most steps (the time, a timer, a close) read no chat and do nothing: only the names
        // can need a look. The chats a sender is owed are settled on its own steps.
        if effects.isEmpty, !Self.mayReadChats(event) { return checkNamesUnique() }
        let joinedAfter = joined.after.list
        let before = joined.before.set, after = joined.after.set
        var sender: ConnID?
        var senderUID: UID?
        var mayRelay = false
        var expected: [ExpectedChat] = []
        var oversized = false
        // A command's answers go to some members only (its sender, a private message's ends).
        var commandStep = false
        switch event {
        case let .received(c, bytes):
            sender = c
            senderUID = uidByConn[c]
            mayRelay = true
            // Taken out while it is fed and put back after: a copy left in the dictionary made
            // each chunk that adds to an unfinished frame copy all of the frame held so far.
            if var mirror = serverMirror.removeValue(forKey: c) {
                // The frames this chunk completes, framed independently of the room's decoder.
                var joined = before.contains(c)
                let completed = mirror.feed(bytes.array)
                let completedNow = completed.count
                for p in completed {
                    // A pychat client's commands come in kind-2 frames (which only it may send);
                    // so do a resuming client's chats, with their ids (issue #13).
                    if p.first == ExtensionCodec.kind {
                        // Only a body that may be a `Chat` is decoded: any other is a command.
                        if joined, mayBeMessage(p.dropFirst(), MessageNames.extensionChat),
                           case let .chat(id, text)? = decodeMemo.ext(p.dropFirst()) {
                            let (e, command) = expectation(text)
                            if let e { expected.append(ExpectedChat(expect: e, chatID: id)) }
                            if command { commandStep = true }
                        } else {
                            commandStep = true
                        }
                    }
                    guard p.first == FrameCodec.jsonKind else { continue }
                    switch try? decodeMemo.decode(p) {
                    case .joinRequest?: joined = true
                    case let .chat(_, text)? where joined:
                        let (e, command) = expectation(text)
                        if let e { expected.append(ExpectedChat(expect: e, chatID: nil)) }
                        if command { commandStep = true }
                    default: break
                    }
                }
                oversized = (mirror.announced ?? 0) > maxFrameLength
                serverMirror[c] = mirror
                checkBuffered(mirror, "\(c): the server")
                noteServerRead(c, completed: completedNow, buffered: mirror.bufferedCount)
            }
        case let .timer(.floodRelease(c)):
            // Chats read earlier and held for the sender's rate are acted on now.
            sender = c
            senderUID = uidByConn[c]
            mayRelay = true
            oversized = (serverMirror[c]?.announced ?? 0) > maxFrameLength
            commandStep = true
        case let .inputLine(text):
            senderUID = hostUID
            mayRelay = true
            // A line starting with "/" is a command on the host's screen, never a chat.
            let (e, command) = expectation(text)
            // In a room besides #general its chat is that room's (`checkRoomDelivery`), no relay.
            if room.host != nil, room.hostTalksIn == nil, case .relay? = e { expected = [ExpectedChat(expect: e!, chatID: nil)] }
            commandStep = command
        default:
            break
        }

        // Chats held for the sender's rate come first, and those still held after the step
        // are owed, not expected: the room acts on a prefix of what it read.
        if let c = sender {
            if let owed = owedChats[c] { expected = owed + expected }
            var reader = OriginalFrameReader()
            var stillHeld = 0
            for frame in room.heldFrames(of: c) {
                if frame.kind == ExtensionCodec.kind, mayBeMessage(frame.body[...], MessageNames.extensionChat),
                   case let .chat(_, text)? = decodeMemo.ext(frame.body) {
                    if expectation(text).expect != nil { stillHeld += 1 }
                }
                guard frame.kind == FrameCodec.jsonKind else { continue }
                let p = FrameCodec.frame(kind: FrameCodec.jsonKind, parts: frame.body)
                for payload in reader.feed(p) {
                    guard case let .chat(_, text)? = try? decodeMemo.decode(payload) else { continue }
                    if expectation(text).expect != nil { stillHeld += 1 }
                }
            }
            if stillHeld > 0 || owedChats[c] != nil {
                owedChats[c] = stillHeld > 0 && room.isConnected(c) ? Array(expected.suffix(stillHeld)) : nil
            }
            expected.removeLast(min(stillHeld, expected.count))
            // A pychat client that sent its chats again on a new connection of its session,
            // while the old one still lived (a ghost the server had not yet seen go), has each
            // relayed once, from whichever connection the room acts on first: the other copy
            // only gets an Ack (`Room.chat`).
            if let i = ownerByConn[c], let settled = settledChatIDs[i] {
                expected.removeAll { $0.chatID.map(settled.contains) == true }
            }
        }
        // Told why and closed, never joined: a connection over its address's limits as it is
        // accepted, a banned joiner at its JoinRequest.
        var turnedAway = sender.flatMap { s in effects.contains(.close(conn: s, reason: "banned")) ? s : nil }
        if turnedAway != nil { stats.bannedTurnedAway += 1 }
        if case let .accepted(a, _, _, _) = event, effects.contains(where: { if case .close(a, _) = $0 { true } else { false } }) {
            turnedAway = a
        }
        let wallNow = clock.wallMillis()
        for c in joinedAfter where joined.after.list != joined.before.list && !before.contains(c) {
            if let until = moderation.banInForce(on: c, wallNow: wallNow) {
                return fail(.bannedStayOut, "\(c) joined from a banned address "
                            + (until.map { "\(($0 - wallNow) / 1000) s before its ban ends" } ?? "banned until /unban"))
            }
        }
        let senderMuted = sender.map(moderation.isMuted) ?? false
        if let sender, !moderation.ops.contains(sender), ModerationModel.moderates(effects) {
            return fail(.opsOnly, "\(sender), no op, moderates: \(effects.filter { if case .log = $0 { true } else { false } })")
        }
        // A chat with nobody to relay it to produces no send effect at all; a muted member's, none either.
        let nobodyElse = !joinedAfter.contains { $0 != sender }
        if senderMuted || nobodyElse {
            expected.removeAll { if case .relay = $0.expect { true } else { false } }
        }
        var actual: [Expect] = []
        var closedSender: String?
        // Names as the step's tables tell them, in order: a chat goes out under the name its
        // sender had then, even when it is renamed later in the same step.
        // (The names before the step, and those the step's tables changed.)
        var renamedNow: [UID: String] = [:]
        func nameNow(_ uid: UID) -> String? { renamedNow[uid] ?? membersBefore.first { $0.uid == uid }?.name }
        // The newest entry stamped so far in this step: the one the next announcement shows.
        // Only a held announcement asks, so the stamps are decoded only then.
        var stamps: [ArraySlice<UInt8>] = []
        func stamped() -> Int64 {
            stamps.reduce(0) { newest, p in
                guard case let .stamp(seq, _)? = decodeMemo.ext(p.dropFirst()) else { return newest }
                return max(newest, seq)
            }
        }
        for effect in effects {
            switch effect {
            case let .send(to, bytes):
                guard !hasDuplicate(to) else {
                    return fail(.totalOrder, "a send effect names a recipient twice: \(to)")
                }
                if let d = to.first(where: { !before.contains($0) && !after.contains($0) }), to != [turnedAway] {
                    return fail(.membership, "the server sends to \(d), which has not joined")
                }
                let (payloads, rest) = OriginalFrameReader.frames(in: bytes.array)
                guard rest == 0 else {
                    return fail(.bounded, "a send effect ends in a partial frame: \(printable(bytes.array))")
                }
                // Whatever its --max-frame, the server sends nothing a pychat peer would refuse.
                if let p = payloads.first(where: { $0.count > Limits.maxFrameLength }) {
                    return fail(.bounded, "the server sends a frame of \(p.count) bytes, over \(Limits.maxFrameLength): "
                                + printable(Array(p)))
                }
                for p in payloads where p.first == ExtensionCodec.kind {
                    if mayBeMessage(p, MessageNames.stamp) { stamps.append(p) }
                    guard mayBeMessage(p, senderMuted ? MessageNames.actionOrPrivate : MessageNames.privateMessage) else { continue }
                    let ext = decodeMemo.ext(p.dropFirst())
                    if senderMuted, case .action? = ext { return fail(.muted, "a muted member's action goes to \(to)") }
                    guard case .privateMessage(let pm)? = ext else { continue }
                    if senderMuted { return fail(.muted, "a muted member's private message goes to \(to)") }
                    guard pm.uid == senderUID else {
                        return fail(.privacy, "a private message read from \(senderUID?.description ?? "nobody") goes out as \(pm.uid)'s")
                    }
                    let target = (room.members + membersBefore).first { $0.name == pm.to }
                    guard to.count == 1, pm.echo ? to[0] == sender : to[0] == target?.conn else {
                        return fail(.privacy, "a private message to \(pm.to) (echo: \(pm.echo)) goes to \(to)")
                    }
                    if !pm.echo { stats.privateMessages += 1 }
                }
                for p in payloads where p.first == FrameCodec.jsonKind {
                    let message: OriginalMessage
                    do {
                        message = try decodeMemo.decode(p)
                    } catch {
                        return fail(.originalAccepts, "the server sends a frame the original rejects (\(error)): \(printable(Array(p)))")
                    }
                    switch message {
                    case let .chat(uid, text):
                        guard mayRelay else {
                            return fail(.totalOrder, "a chat relayed by a step that reads no chat: \(printable(Array(p)))")
                        }
                        if senderMuted { return fail(.muted, "a muted member's chat goes to \(to.sorted())") }
                        guard let uid, uid == senderUID else {
                            return fail(.attribution, "a chat read from \(sender.map(\.description) ?? "the host") is relayed with uid "
                                        + "\(uid?.description ?? "null"), not \(senderUID?.description ?? "null")")
                        }
                        // Exactly the joined connections other than the sender (`to` names none twice).
                        let others = after.count - (sender.map(after.contains) == true ? 1 : 0)
                        guard to.count == others, to.allSatisfy({ $0 != sender && after.contains($0) }) else {
                            return fail(.totalOrder, "a chat goes to \(to.sorted()) but the joined connections other than "
                                        + "the sender are \(after.subtracting(sender.map { [$0] } ?? []).sorted())")
                        }
                        actual.append(.relay(text))
                        stats.chatsRelayed += 1
                        // A sender closed in this same step is no longer a member afterwards.
                        let name = nameNow(uid) ?? room.members.first { $0.uid == uid }?.name ?? "?"
                        for d in joinedAfter where d != sender {
                            if let k = clientByConn[d] { clients[k].expected.append(ChatRecord(uid: uid, name: name, text: text)) }
                        }
                    case let .system(text):
                        if text.hasPrefix("[private") {
                            // "[private] alice: ..." to its recipient, "[private to bob] ..." to its sender.
                            let from = senderUID.flatMap(nameNow) ?? "?"
                            guard to.count == 1, text.hasPrefix("[private to ") == (to[0] == sender),
                                  text.hasPrefix("[private to ") || text.hasPrefix("[private] \(from): ") else {
                                return fail(.privacy, "a private line from \(from) goes to \(to): \(printable(Array(text.utf8), max: 60))")
                            }
                            if !text.hasPrefix("[private to ") { stats.privateMessages += 1 }
                        } else if let sender, to == [sender], text.hasPrefix("Message not sent") {
                            actual.append(.refuse(text))
                            stats.refusedTooLong += 1
                        } else if senderMuted, let sender, to == [sender], text.hasPrefix("You are muted") {
                            // A muted member is told, alone, that its chat reached no one.
                        } else if commandStep, to.allSatisfy({ after.contains($0) || before.contains($0) }) {
                            // A command's answer, to its sender or to some members (a kick's line
                            // reaches the member kicked too).
                        } else if to == [turnedAway], text.hasPrefix("Connection refused: ") {
                            // A banned joiner is told why.
                        } else if to.count == 1, !before.contains(to[0]), after.contains(to[0]), text.hasPrefix("The topic: ") {
                            // The topic, told to a joiner.
                        } else if case let told = Set(to),
                                  // Held announcements go out before a chat, while its sender is a
                                  // member; a sender closed later in the same step is gone after it.
                                  case let members = sender.map({ before.contains($0) && told.contains($0) ? after.union([$0]) : after }) ?? after,
                                  told != members,
                                  // A held announcement skips those whose history on joining holds it.
                                  !(told.isSubset(of: members) && members.subtracting(told).allSatisfy {
                                      room.joinHistoryEnd(of: $0) > stamped() }) {
                            return fail(.membership, "an announcement goes to \(to.sorted()) but the joined connections "
                                        + "are \(joinedAfter.sorted()): \(printable(Array(text.utf8), max: 60))")
                        }
                    case let .serverInfo(users, uid):
                        guard to.count == 1, let receiver = uidByConn[to[0]], uid == receiver else {
                            return fail(.membership, "a ServerInfo for \(uid?.description ?? "null") goes to \(to)")
                        }
                        for entry in users ?? [] { if let u = entry.user { renamedNow[entry.key] = u.username } }
                        guard let users, Set(users.map(\.key)).count == users.count,
                              users.allSatisfy({ $0.user?.uid == $0.key }), users.contains(where: { $0.key == receiver }) else {
                            return fail(.membership, "a ServerInfo's table is malformed: \(printable(Array(p)))")
                        }
                    case .joinRequest, .user:
                        return fail(.originalAccepts, "the server sends a client-only message: \(printable(Array(p)))")
                    }
                }
            case let .close(c, reason):
                if c == sender { closedSender = reason }
            case let .log(line) where line.hasPrefix("rename "):
                stats.renames += 1
            default:
                break
            }
        }
        // A bad header closes the connection once the chats held before it are acted on.
        if oversized, closedSender == nil, room.heldFrames(of: sender!).isEmpty {
            return fail(.bounded, "\(sender!) announced a frame over the limit of \(maxFrameLength) bytes "
                        + "and the server keeps the connection open")
        }
        // Closed by the server in this step: the frames after the closing one are not acted on,
        // so what was done is a prefix of what was read. Not when the close is for a frame
        // over the limit: every frame before that header arrived whole and must count, or
        // the room's behaviour would depend on how TCP cut the stream.
        let prefixOK = closedSender != nil && !(oversized && !closedSender!.contains("protocol error"))
        let expects = expected.map(\.expect)
        if actual != expects && !(prefixOK && actual.count <= expects.count && Array(expects.prefix(actual.count)) == actual) {
            fail(.totalOrder, "the server read \(expects.count) chat(s) to act on from \(sender.map(\.description) ?? "the host") "
                 + "and did \(actual.count): expected \(expects.map(describe)), did \(actual.map(describe))"
                 + (closedSender.map { " (closed: \($0))" } ?? ""))
        }
        checkStored(effects, relayed: actual, nobodyElse: nobodyElse)
        checkNamesUnique()
        if ModerationModel.moderates(effects) { stats.moderations += 1 }
        moderation.follow(event, effects, members: membersBefore + room.members)
    }

    /// What the server must do with a chat text, and whether it is a command: worked out once
    /// per distinct text of a run (the workload's texts repeat, and cleaning one costs more
    /// than looking it up).
    func expectation(_ text: String) -> (expect: Expect?, command: Bool) {
        let key = TextKey(text: text)
        if let known = expectations[key] { return known }
        let answer = Expect.of(text)
        expectations[key] = answer
        return answer
    }

    /// Whether the room may act on chats in this step: those it reads, those it held for the
    /// sender's rate, the host's lines.
    static func mayReadChats(_ event: Event) -> Bool {
        switch event {
        case .received, .timer(.floodRelease), .inputLine: return true
        default: return false
        }
    }

    /// Invariant (9): no two members' names share a key (`TextRules.nameKeys`). Checked when
    /// the step changed the list of names (a step that leaves it as it was cannot break what
    /// held after the last), with each name's keys computed once per run.
    func checkNamesUnique() {
        let members = room.members
        // The same list as last time (most steps: then it shares its storage) holds the same
        // names. Told by its storage, which the list kept here keeps alive: comparing members
        // whole cost more than comparing their names, the next look.
        guard !Self.sameStorage(members, membersChecked) else { return }
        membersChecked = members
        guard !members.elementsEqual(namesChecked, by: { $0.name == $1 }) else { return }
        namesChecked = members.map(\.name)
        var holder: [String: String] = [:]
        for m in members {
            let keys: Set<String>
            if let known = nameKeysByBytes[TextKey(text: m.name)] {
                keys = known
            } else if let known = nameKeys[m.name] {
                keys = known
                nameKeysByBytes[TextKey(text: m.name)] = keys
            } else {
                keys = Set(TextRules.nameKeys(m.name))
                nameKeys[m.name] = keys
                nameKeysByBytes[TextKey(text: m.name)] = keys
            }
            for key in keys {
                if let other = holder[key] { return fail(.uniqueNames, "members \(quoted(other)) and \(quoted(m.name)) collide") }
                holder[key] = m.name
            }
        }
    }

    /// Whether two arrays are one storage (so equal without a look at their elements).
    static func sameStorage<T>(_ a: [T], _ b: [T]) -> Bool {
        a.count == b.count && a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }
    }

    /// Invariant (8), for one server step.
    private func checkStored(_ effects: [Effect], relayed actual: [Expect], nobodyElse: Bool) {
        guard effects.contains(where: { if case .store = $0 { true } else { false } }) else { return }
        let stored = effects.flatMap { effect -> [RoomEntry] in if case .store(let e) = effect { e } else { [] } }
        guard !stored.isEmpty else { return }
        // The other rooms' chats are checked by `checkRoomDelivery`; these are #general's.
        let storedChats = stored.filter { $0.kind == .chat && $0.room == RoomEntry.generalRoom }.map(\.text)
        let relayed = actual.compactMap { e -> String? in if case .relay(let t) = e { t } else { nil } }
        // A chat with nobody to relay it to is stored all the same.
        if storedChats != relayed && !(relayed.isEmpty && nobodyElse) {
            return fail(.durable, "the step relays \(relayed.count) chat(s) and stores \(storedChats.count): "
                        + "\(relayed.map { printable(Array($0.utf8), max: 30) }) against \(storedChats.map { printable(Array($0.utf8), max: 30) })")
        }
        if let firstSend = effects.firstIndex(where: { if case .send = $0 { true } else { false } }),
           let lastStore = effects.lastIndex(where: { if case .store = $0 { true } else { false } }), lastStore > firstSend {
            return fail(.durable, "a store effect comes after a send of the same step")
        }
        // Checked before the step's entries join the simulated store; each room numbers its own.
        var counts = storedPerRoom
        for e in stored {
            counts[e.room, default: 0] += 1
            if e.seq != Int64(counts[e.room]!) {
                return fail(.durable, "entry \(counts[e.room]!) of #\(e.room)'s log has sequence number \(e.seq)")
            }
        }
    }

    private func describe(_ e: Expect) -> String {
        switch e {
        case .relay(let t): return "relay " + printable(Array(t.utf8), max: 40)
        case .refuse(let n): return "refuse (\(n))"
        }
    }

    /// Whether a list of recipients names one twice (a pairwise look for the few a room has).
    func hasDuplicate(_ to: [ConnID]) -> Bool {
        if to.count > 32 { return Set(to).count != to.count }
        for i in to.indices { for j in to.indices where j > i && to[i] == to[j] { return true } }
        return false
    }

    // MARK: Clients

    /// pychat's own client must only send what an original server accepts.
    func checkClientFrames(_ i: Int, _ bytes: [UInt8]) {
        let (payloads, rest) = OriginalFrameReader.frames(in: bytes)
        if rest != 0 { return fail(.bounded, "client \(clients[i].actor) sends a partial frame") }
        for p in payloads where p.first == FrameCodec.jsonKind {
            do {
                _ = try decodeMemo.decode(p)
            } catch {
                return fail(.originalAccepts, "client \(clients[i].actor) sends a frame an original server rejects (\(error))")
            }
        }
    }

    func checkUI(_ i: Int, _ ui: UIState, render: Bool) {
        let who = "client \(clients[i].actor)"
        guard ui.input.cursor >= 0, ui.input.cursor <= ui.input.characters.count else {
            return fail(.uiSane, "\(who): input cursor \(ui.input.cursor) outside 0...\(ui.input.characters.count)")
        }
        guard ui.scrollOffset >= 0, ui.scrollOffset <= max(0, ui.history.count - 1) else {
            return fail(.uiSane, "\(who): scroll offset \(ui.scrollOffset) outside 0...\(max(0, ui.history.count - 1))")
        }
        guard ui.unseen >= 0, ui.unseen <= ui.scrollOffset else {
            return fail(.uiSane, "\(who): \(ui.unseen) unseen lines with scroll offset \(ui.scrollOffset)")
        }
        guard ui.history.count <= ui.history.capacity else {
            return fail(.bounded, "\(who): \(ui.history.count) history lines over the capacity \(ui.history.capacity)")
        }
        if render, let problem = Self.renderedFrameProblem(ui) { fail(.uiSane, "\(who): \(problem)") }
    }

    /// The rendered frame: exactly `rows` lines of `cols` cells, the cursor (when shown) inside
    /// the input pane, no control character or escape in any cell, wide characters whole.
    /// Returns a problem description, or nil.
    static func renderedFrameProblem(_ ui: UIState) -> String? {
        let f = ChatView.render(ui)
        let cols = ui.size.cols, rows = ui.size.rows
        guard f.cols == cols, f.rows == rows, f.cells.count == cols * rows else {
            return "frame is \(f.cols)x\(f.rows) with \(f.cells.count) cells for a \(cols)x\(rows) terminal"
        }
        if let c = f.cursor {
            let inputTop = rows - UIState.inputPaneRows + 1, inputBottom = rows - 2
            guard (inputTop...inputBottom).contains(c.row), (1...(cols - 2)).contains(c.col) else {
                return "cursor at \(c.row),\(c.col) is outside the input pane of a \(cols)x\(rows) screen"
            }
        }
        for r in 0..<rows {
            for col in 0..<cols {
                let cell = f[r, col]
                let utf8 = cell.grapheme.utf8
                let plainASCII = utf8.count == 1 && utf8.first! >= 0x20 && utf8.first! < 0x7F
                if !plainASCII, cell.grapheme.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
                    return "cell \(r),\(col) holds a control character"
                }
                if cell.width == 2, col + 1 >= cols || !f[r, col + 1].isContinuation {
                    return "wide cell \(r),\(col) is split"
                }
                if cell.isContinuation, col == 0 || f[r, col - 1].width != 2 {
                    return "continuation cell \(r),\(col) has no wide cell before it"
                }
            }
        }
        return nil
    }

    // MARK: Resources, where a mirror is fed

    /// Neither end holds more of an incomplete frame than the largest frame and its header:
    /// checked right after each mirror takes bytes, the only moment its count can grow.
    func checkBuffered(_ mirror: OriginalFrameReader, _ who: @autoclosure () -> String) {
        let frameMax = maxFrameLength + FrameCodec.headerLength
        if mirror.bufferedCount > frameMax {
            fail(.bounded, "\(who()) holds \(mirror.bufferedCount) bytes of an incomplete frame, over \(frameMax)")
        }
    }

    // MARK: After the liveness phase

    func checkConvergence() {
        let room = server.room!
        let table = room.members.map {
            UserEntry(key: $0.uid, user: WireUser(uid: $0.uid, username: $0.name, color: $0.color.description))
        }
        let members = Set(room.members.map(\.uid))
        let open = linkOrder.filter { links[$0]!.serverOpen }
        guard room.connectionCount == open.count else {
            return fail(.membership, "the room has \(room.connectionCount) connections, the network \(open.count)")
        }
        for c in clients where c.open {
            // Written only for a failure (describing the kind goes through reflection).
            func who() -> String { "client \(c.actor) (\(c.conn), \(c.kind))" }
            guard c.kind != .silent else { return fail(.liveness, "\(who()) never joined and is still connected") }
            guard room.joined.contains(c.conn) else { return fail(.membership, "\(who()) is connected but not a member") }
            let mine: [UserEntry]
            let me: UID?
            let seen: [UID: String]
            let texts: [String: Int]
            if let s = c.app?.session {
                mine = s.users
                me = s.me
                seen = c.seen
                texts = c.systemTexts
            } else {
                let m = c.model!
                mine = m.users.compactMap { e in e.user.map { UserEntry(key: e.key, user: WireUser(uid: $0.uid, username: $0.username, color: $0.color)) } }
                me = m.me?.uid
                seen = m.seen
                texts = m.systemTexts
            }
            guard mine == table else {
                return fail(.membership, "\(who()) lists \(mine.map { "\($0.user.username)<\($0.key)>" }) but the server has "
                            + "\(table.map { "\($0.user.username)<\($0.key)>" })")
            }
            guard me == c.uid else { return fail(.membership, "\(who()) thinks it is \(me?.description ?? "nobody"), not \(c.uid)") }
            guard c.receivedCount == c.expected.count else {
                return fail(.totalOrder, "\(who()) showed \(c.receivedCount) of the \(c.expected.count) chats relayed to it; "
                            + "the first missing: \(show(c.expected[c.receivedCount]))")
            }
            var gone: [String: Int] = [:]
            for (uid, name) in seen where !members.contains(uid) { gone[name, default: 0] += 1 }
            let leaves = leaveLists(texts)
            for (name, n) in gone.sorted(by: { $0.key < $1.key }) {
                let told = leavesAnnounced(name, in: leaves)
                if told < n { return fail(.membership, "\(who()) saw \(n) user(s) named \(name) leave but was told of \(told)") }
            }
            stats.clientsConverged += 1
        }
    }
}

/// How many of the "left the chat" lines in `texts` name `name`, alone ("alice left the chat")
/// or in a batch ("bob, alice and carol left the chat"). A name that itself holds ", " or
/// " and " may be over-counted, which only makes the check more lenient.
func leavesAnnounced(_ name: String, in lists: [(list: String, count: Int)]) -> Int {
    let items = [", \(name),", ", \(name) and ", " and \(name),"]
    var told = 0
    for (list, n) in lists where items.contains(where: { list.contains($0) }) { told += n }
    return told
}

/// The "left the chat" lines among `texts`, each as its list of names between commas (", bob,
/// alice and carol,"), with how often it was shown: made once per client, not once per name.
func leaveLists(_ texts: [String: Int]) -> [(list: String, count: Int)] {
    let suffix = " left the chat"
    return texts.compactMap { text, n in text.hasSuffix(suffix) ? (", " + String(text.dropLast(suffix.count)) + ",", n) : nil }
}
