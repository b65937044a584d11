/// The server's room: who is connected, who has joined, and every decision about what to
/// relay to whom. PyChat's session semantics with the original's quirks fixed (see
/// docs/PROTOCOL.md): nothing reaches a connection before it joins, a second JoinRequest is
/// ignored, names are cleaned and unique, colours cleaned, texts limited and cleaned.
///
/// User tables are sent lazily. The original sends every member the whole table on every
/// join and leave: O(n) bytes to each of n members, so a room of n costs O(n³) to fill. Here
/// a joiner gets the whole table, the others only the announcement; a member's table is
/// refreshed before it is sent a chat from someone it does not know yet (so an original
/// client never meets an unknown uid), and otherwise once joins and leaves pause
/// (`TimerID.tableRefresh`), so tables still converge.
///
/// Above `Limits.wholeTableMembers` even the joiner's table would make filling the room cost
/// O(n²) bytes, so a joiner gets a short table (the host, the recent speakers, itself), there
/// is no quiet refresh, and a member meets others' tables only when it is about to be sent
/// their chat. Joins and leaves that come within `Limits.announceMillis` of an announcement
/// are announced together, one line per run (`TimerID.announce`).
public struct Room: Sendable {
    public struct Member: Equatable, Sendable {
        public let uid: UID
        public let name: String
        public let color: RGB
        /// nil for the host user, who has no connection.
        public let conn: ConnID?
    }

    struct Connection: Sendable {
        let uid: UID
        let remote: String
        /// The peer's IP address, counted by `admission`; nil: not counted.
        let address: String?
        var decoder: FrameDecoder
        var member: Member?
        /// The member's name as `names` holds it, given back when it leaves.
        var nameClaim: UniqueNames.Claim?
        var violations = 0
        /// The room's table version when this member joined, and in its latest ServerInfo.
        var joinedVersion = 0
        /// -1 while the latest ServerInfo was a short table, listing just `shortTable`.
        var knownVersion = 0
        var shortTable: Set<UID>?
        /// `Room.awarenessEpoch` when every member last had this member in its table.
        var everyoneAwareAt = -1
        /// What the peer and we both speak, once it gave the pychat sign (at most one is
        /// heeded); nil for an original client, which is sent nothing but the original protocol.
        var common: Capabilities?
        var wantsRoomSize: Bool { common?.has(Capabilities.Feature.roomSize) == true }
        var wantsHistory: Bool { common?.has(Capabilities.Feature.history) == true }
        /// Resume needs the history it resumes: both negotiated. See `Room+Resume.swift`.
        var wantsResume: Bool { wantsHistory && common?.has(Capabilities.Feature.resume) == true }
        /// The session its `Resume` named (once per connection).
        var session: UID?
        /// The first entry after its join's history (a `History`, or the answer to its
        /// `Resume`): what it missed ends there, what it is sent live begins. 0: no history.
        var historyBefore: Int64 = 0
        /// The member's allowance of history requests and searches. See `Room+History.swift`.
        var queryBucket: TokenBucket?
        /// The member's chat allowance (nil: no chat rate). See `Room+Flood.swift`.
        var bucket: TokenBucket?
        /// Frames read but not acted on yet, because a chat among them found no token; the
        /// connection is not read while any are held.
        var held: ArraySlice<RawFrame> = []
        var paused = false
        /// Since when it is here, when it last spoke, its away mark (see `Room+Commands.swift`).
        var presence = Presence()
        var wantsCommands: Bool { common?.has(Capabilities.Feature.commands) == true }
        /// Its client certificate's fingerprint, under TLS (see `Room+Identity.swift`).
        var identity: String?
        /// Made an op by `/op` without a certificate: for this connection only.
        var opped = false
        /// The rooms besides `#general` it is in, in order of joining (see `Room+Rooms.swift`).
        var rooms: [String] = []
        var wantsRooms: Bool { wantsCommands && wantsHistory && common?.has(Capabilities.Feature.rooms) == true }
    }

    let config: AppConfig
    /// Users in wire order: the host first, then in order of joining.
    public internal(set) var members: [Member] = [] {
        // A plain didSet (no oldValue) keeps appends in place.
        didSet { wholeTableCache = nil }
    }
    /// The whole table's ServerInfo as written for `members`, until they change (see `wholeTable`).
    var wholeTableCache: MessageCodec.ServerInfoTemplate?
    /// Joined connections in order of joining: the recipients of every broadcast.
    public private(set) var joined: [ConnID] = []
    /// Where the server listens, as the interpreter reported it (the real port for port 0).
    public private(set) var listeningOn: String?
    var connections: [ConnID: Connection] = [:]
    /// Bumped by every join and leave.
    var tableVersion = 0
    /// Members whose table is older than `tableVersion`.
    var staleMembers = 0
    var refreshScheduled = false
    /// Bumped whenever a member may have stopped knowing of another: a join (the joiner's
    /// table is short or about to be), a leave, a short table (it replaces a longer one).
    /// While it stands still, a sender known to everyone once is known to everyone still,
    /// so a member's burst of chats checks the others' tables once, not once per chat.
    var awarenessEpoch = 0
    /// The latest chat's recipients, reused while the same member goes on talking and nobody
    /// joins or leaves: one array per burst, not one per chat (and equal sends merge fast).
    var lastRecipients: (sender: ConnID, tableVersion: Int, list: [ConnID], stamped: [ConnID])?
    /// Every member's name: the names a joiner may not take, nor one confusable with them.
    var names = UniqueNames()
    /// The host's name as `names` holds it.
    var hostClaim: UniqueNames.Claim?
    /// Every member by each key of its name (`TextRules.nameKeys`): `/msg NAME` finds one.
    var named: [String: Member] = [:]
    var hostPresence = Presence()
    var activity = Activity()
    /// Members whose chats, actions and private messages the host's screen does not show.
    var hostIgnores: Set<UID> = []
    /// The room's topic (`/topic`), told to each joiner; nil until someone sets one.
    var topic: String?
    /// The members pane's marks as last worked out (see `Room+Marks.swift`); nil: to work out.
    var marksCache: Marks?
    /// The host's `/search` results and `/context` question (see `Room+HostSearch.swift`).
    var hostSearch = HostSearch()
    /// The latest distinct speakers, the most recent last; at most `Limits.recentSpeakers`.
    var recentSpeakers: [Member] = []
    /// Joins (true) and leaves (false) waiting for the announcement timer, in order.
    var pendingAnnouncements: [(joined: Bool, name: String, entry: RoomEntry)] = []
    var announceScheduled = false
    /// Connections that asked for room sizes (joined or not).
    var roomSizeListeners = 0
    /// The interpreter's monotonic milliseconds, from the latest `time` event.
    var now: Int64 = 0
    /// The room's log: sequence numbers, wall time, the latest entries. See `RoomLog`.
    var log = RoomLog(room: RoomEntry.generalRoom)
    /// Joined members that negotiated `history`: each is sent a `Stamp` before each live line.
    var historyListeners = 0
    /// Questions asked of the store, by `HistoryQuery.id`, waiting for their answers.
    var pendingQueries: [Int64: PendingQuery] = [:]
    var nextQueryID: Int64 = 1
    /// The room log's identity, as the interpreter told it (`Event.logIdentity`); nil: never told.
    public internal(set) var logID: String?
    /// The last chat id of each recent pychat session, so a chat resent after a cut is relayed once.
    var chatSessions = ChatSessions(capacity: Limits.chatSessions)
    var admission: Admission
    /// Names held by certificates, ops, bans and mutes (see `Room+Moderation.swift`).
    var moderation = Moderation()
    /// The rooms besides `#general`, which is this room itself (see `Rooms`).
    var rooms = Rooms()
    /// The host user's rooms besides `#general`, and the one it talks in (`Room+HostRooms.swift`).
    var hostRooms = HostRooms()

    public init(config: AppConfig) {
        self.config = config
        admission = Admission(policy: config.admission)
        if let uid = config.hostUID {
            let claim = names.claim(TextRules.cleanName(config.username))
            let host = Member(uid: uid, name: claim.name, color: RGB.cleaned(config.color), conn: nil)
            members.append(host)
            hostClaim = claim
            noteName(claim, host)
        }
    }

    public var host: Member? { members.first { $0.conn == nil } }
    public var connectionCount: Int { connections.count }
    public func isConnected(_ conn: ConnID) -> Bool { connections[conn] != nil }
    public func violations(of conn: ConnID) -> Int? { connections[conn]?.violations }
    /// Frames a connection has completed and bytes it holds of an unfinished one.
    public func inputProgress(of conn: ConnID) -> (completedFrames: Int, bufferedBytes: Int)? {
        connections[conn].map { ($0.decoder.completedCount, $0.decoder.bufferedCount) }
    }

    public mutating func handle(_ event: Event, _ out: inout StepOutput) {
        switch event {
        case let .listening(host, port):
            listeningOn = "\(host):\(port)"
            out.show(.notice("Server started on \(host):\(port)"))
            out.log("listening on \(host):\(port)")
        case let .time(instant):
            now = instant.monotonicMillis
            if let wall = instant.wallMillis { log.wallNow = wall }
        case let .restored(room, nextSeq, latest, topic):
            guard room == log.room else { return restoreRoom(room, nextSeq: nextSeq, latest: latest, topic: topic, &out) }
            log.restore(nextSeq: nextSeq, latest: latest)
            chatSessions.restore(from: latest)
            if let topic { self.topic = topic.text.isEmpty ? nil : topic.text }
        case let .logIdentity(id):
            logID = id
        case let .historyAnswered(answer):
            answered(answer, &out)
        case let .identified(conn, fingerprint):
            identified(conn, fingerprint: fingerprint, &out)
        case let .restoredModeration(records):
            moderation.restore(records)
            rooms.restoreDrops(records.drops)
        case let .roomLogRecording(recording, detail):
            // The host sees it on screen, where a log line would be hidden behind the chat.
            out.show(.notice(recording ? "Recording the room log again: \(detail)"
                                       : "Not recording the room log: \(detail); the room goes on"))
        case let .accepted(conn, uid, remote, address):
            accept(conn, uid: uid, remote: remote, address: address, &out)
        case let .received(conn, bytes):
            receive(conn, bytes.array, &out)
        case let .disconnected(conn, reason):
            drop(conn, reason: reason, &out)
        case let .timer(.joinDeadline(conn)):
            guard let c = connections[conn], c.member == nil else { return }
            close(conn, reason: "did not join within \(Limits.joinDeadlineMillis / 1000) s", &out)
        case .timer(.tableRefresh):
            refreshScheduled = false
            if joined.count <= Limits.wholeTableMembers { refreshTables(joined, &out) }
        case .timer(.announce):
            announcePending(&out)
        case .timer(.floodRelease(let conn)):
            releaseHeld(conn, &out)
        case .connected, .dialFailed, .key, .resize, .inputLine, .inputClosed, .timer(.reconnect), .timer(.reconnectTick), .recalled, .terminalWidths:
            return
        }
    }

    /// A message typed by the host user: shown locally and sent to every member (in a room
    /// besides `#general`: to that room's, `Room+HostRooms.swift`).
    public mutating func hostSay(_ raw: String, _ out: inout StepOutput) {
        guard let host else { return }
        let line = TextRules.cleanText(raw)
        if TextRules.isBlank(line) { return }
        if let refusal = TextRules.refusal(line) {
            out.show(.notice(refusal.notice))
            out.inputRefused = true
            return
        }
        activity.note(host.uid, at: now)
        guard let text = chatText(line, from: host, in: hostRooms.current, &out) else { return }
        if let room = hostRooms.current { return hostSay(text, inRoom: room, by: host, &out) }
        out.show(.chat(host.name, host.color, text))
        // As for a member's chat: held announcements first, so stamps reach everyone in order.
        if !pendingAnnouncements.isEmpty { announcePending(&out) }
        let entry = record(.chat, by: host, text: text, &out)
        stamp(entry, to: stampRecipients(joined), &out)
        out.send(FrameCodec.frame(.chat(uid: host.uid, text: text)), to: joined)
    }

    // MARK: Connections

    private mutating func accept(_ conn: ConnID, uid: UID, remote: String, address: String?, _ out: inout StepOutput) {
        guard connections[conn] == nil else { return }
        if connections.count >= config.maxConnections {
            refuse(conn, remote: remote, "the server is full (\(config.maxConnections) connections)", &out)
            return
        }
        // A banned address is turned away at its JoinRequest (`turnedAwayIfBanned`), when a
        // pychat client can be told so in a way that stops it from dialling again.
        if let address, case .refuse(let why) = admission.admit(address, at: now) {
            refuse(conn, remote: remote, why, &out)
            return
        }
        connections[conn] = Connection(uid: uid, remote: remote, address: address,
                                       decoder: FrameDecoder(limit: config.maxFrameLength))
        out.show(.notice("Established connection: remote_address \(remote)").quieted)
        out.log("connect \(conn) from \(remote)")
        out.effects.append(.setTimer(.joinDeadline(conn), millis: Limits.joinDeadlineMillis))
    }

    /// Turns a new connection away, telling it why first: a SystemMessage is original protocol,
    /// so an original client shows the reason instead of a bare "closed by peer".
    private mutating func refuse(_ conn: ConnID, remote: String, _ why: String, _ out: inout StepOutput) {
        out.log("reject \(conn) from \(remote): \(why)")
        out.send(FrameCodec.frame(.system(text: "Connection refused: \(why)")), to: [conn])
        out.effects.append(.close(conn: conn, reason: why))
    }

    /// Closes a connection on our side: the peer is gone from the room at once, so the
    /// interpreter's later report of the closed socket finds nothing to do.
    mutating func close(_ conn: ConnID, reason: String, _ out: inout StepOutput) {
        out.effects.append(.close(conn: conn, reason: reason))
        drop(conn, reason: reason, &out)
    }

    private mutating func drop(_ conn: ConnID, reason: String, _ out: inout StepOutput) {
        guard let c = connections.removeValue(forKey: conn) else { return }
        if c.wantsRoomSize { roomSizeListeners -= 1 }
        if c.wantsHistory, c.member != nil { historyListeners -= 1 }
        forgetQueries(of: conn)
        if let address = c.address { admission.closed(address, wasJoined: c.member != nil, at: now) }
        if c.paused { out.effects.append(.cancelTimer(.floodRelease(conn))) }
        out.show(.notice("Connection ended: remote_address \(c.remote)").quieted)
        guard let member = c.member else {
            out.effects.append(.cancelTimer(.joinDeadline(conn)))
            out.log("disconnect \(conn) before joining: \(reason)")
            return
        }
        out.log("leave \(conn) \(quoted(member.name)): \(reason)")
        if c.knownVersion < tableVersion { staleMembers -= 1 }
        joined.removeAll { $0 == conn }
        members.removeAll { $0.uid == member.uid }
        leftMarks(member.uid)
        if let claim = c.nameClaim {
            names.release(claim)
            forgetName(claim)
        }
        recentSpeakers.removeAll { $0.uid == member.uid }
        activity.forget(member.uid)
        tableChanged()
        scheduleRefresh(&out)
        queueAnnouncement(joined: false, member.name, record(.leave, by: member, &out), &out)
        if !c.rooms.isEmpty { leaveRooms(c.rooms, member, &out) }
    }

    // MARK: Frames and messages

    private mutating func receive(_ conn: ConnID, _ bytes: [UInt8], _ out: inout StepOutput) {
        // Fed in place: a copy of the connection would share the decoder's buffer, and the
        // feed would copy that buffer on its first write, on every read.
        guard case let (frames, paused)? = withConnection(conn, { c -> ([RawFrame], Bool) in
            let frames = c.decoder.feed(bytes)
            // The interpreter does not read a paused connection; should bytes come anyway, they
            // wait behind the held frames, in order.
            if c.paused { c.held.append(contentsOf: frames) }
            return (frames, c.paused)
        }), !paused else { return }
        process(frames[...], from: conn, &out)
    }

    /// `body` on connection `conn` in place, found once (nil: no such connection): neither a
    /// copy of all its fields to read one nor a copy written back.
    mutating func withConnection<R>(_ conn: ConnID, _ body: (inout Connection) -> R) -> R? {
        guard let i = connections.index(forKey: conn) else { return nil }
        return body(&connections.values[i]) // purity: the one connection at its key's index, no walk in hash order
    }

    /// Acts on a connection's frames in order, until one is a chat its sender has no token for:
    /// that one and the rest are held (see `Room+Flood.swift`). A decoding failure closes the
    /// connection once every frame before it was acted on.
    mutating func process(_ frames: ArraySlice<RawFrame>, from conn: ConnID, _ out: inout StepOutput) {
        var i = frames.startIndex
        while i < frames.endIndex {
            // A closed connection's remaining frames are not ours to act on.
            guard connections[conn] != nil else { return }
            if let wait = act(on: frames[i], from: conn, &out) {
                hold(frames[i...], from: conn, wait: wait, &out)
                return
            }
            i += 1
        }
        guard case let (paused, failure)? = withConnection(conn, { ($0.paused, $0.decoder.failure) }) else { return }
        if paused { resume(conn, &out) }
        if let failure {
            close(conn, reason: failure.description, &out)
        }
    }

    /// Acts on one frame. A chat whose sender is out of tokens is left alone: the return is
    /// then the milliseconds until the next token.
    private mutating func act(on frame: RawFrame, from conn: ConnID, _ out: inout StepOutput) -> Int64? {
        if frame.kind == ExtensionCodec.kind {
            return handleExtension(frame.body, from: conn, &out)
        }
        guard frame.kind == FrameCodec.jsonKind else {
            violation(conn, "\(frame.strayKindDescription), which no PyChat peer sends", &out)
            return nil
        }
        let member = withConnection(conn, { $0.member }) ?? nil
        var charged = false
        // The common case, a plain ASCII chat from a member, skips the JSON parser and the
        // Unicode rules: its text is relayed as the same bytes (see MessageCodec.plainChatText).
        if let member, let text = MessageCodec.plainChatText(frame.body) {
            if let wait = takeChatToken(conn) { return wait }
            if relayPlain(frame.body[text], from: member, &out) { return nil }
            charged = true
        }
        do {
            let message = try MessageCodec.decode(frame.body)
            if case .chat = message, member != nil, !charged, let wait = takeChatToken(conn) { return wait }
            handle(message, from: conn, &out)
        } catch {
            violation(conn, error.description, &out)
        }
        return nil
    }

    private mutating func handle(_ message: Message, from conn: ConnID, _ out: inout StepOutput) {
        guard let member = withConnection(conn, { $0.member }) else { return }
        switch (message, member) {
        case let (.joinRequest(username, color), nil):
            join(conn, username: username, color: color, &out)
        case let (.chat(_, text), member?):
            relay(text, from: member, &out)
        case let (.system(text), _):
            handleSystemMessage(text, from: conn, &out)
        case (.joinRequest, _?):
            violation(conn, "second JoinRequest ignored", &out)
        case (_, nil):
            violation(conn, "\(message.typeName) before JoinRequest ignored", &out)
        case (_, _?):
            violation(conn, "\(message.typeName) is not for the server; ignored", &out)
        }
    }

    mutating func violation(_ conn: ConnID, _ reason: String, _ out: inout StepOutput) {
        guard var c = connections[conn] else { return }
        c.violations += 1
        connections[conn] = c
        out.log("protocol error from \(conn): \(reason)")
        if c.violations >= Limits.maxProtocolViolations {
            close(conn, reason: "\(c.violations) protocol errors, the last: \(reason)", &out)
        }
    }

    private mutating func join(_ conn: ConnID, username: String, color: String, _ out: inout StepOutput) {
        guard !turnedAwayIfBanned(conn, &out), var c = connections[conn] else { return }
        let asked = TextRules.cleanName(username)
        let claim = claimName(asked, for: c.identity)
        let name = claim.name
        let member = Member(uid: c.uid, name: name, color: RGB.cleaned(color), conn: conn)
        c.member = member
        c.nameClaim = claim
        c.presence = Presence(since: now)
        connections[conn] = c
        noteName(claim, member)
        members.append(member)
        joined.append(conn)
        out.effects.append(.cancelTimer(.joinDeadline(conn)))
        out.log("join \(conn) as \(quoted(name)) color \(member.color)")
        welcome(conn, &out)
        tableChanged()
        connections[conn]!.joinedVersion = tableVersion
        if let address = c.address { admission.joined(address) }
        if config.chatRate > 0 {
            connections[conn]!.bucket = TokenBucket(burst: max(1, config.chatBurst), rate: config.chatRate,
                                                    periodMillis: 1000, now: now)
        }
        if joined.count <= Limits.wholeTableMembers {
            refreshTables([conn], &out)
        } else {
            sendShortTable(to: conn, &out)
        }
        joinedWithHistory(conn, &out)
        joinedWithTopic(conn, &out)
        joinedWithMarks(conn, &out)
        joinedWithIdentity(conn, asked: asked, &out)
        scheduleRefresh(&out)
        let held = announceScheduled
        queueAnnouncement(joined: true, name, record(.join, by: member, &out), &out)
        // An announcement sent now carries the room size to everyone who asked; a held one
        // does so later, but the joiner should not wait for it.
        if held, connections[conn]?.wantsRoomSize == true { sendRoomSize(to: [conn], &out) }
    }

    /// A member's chat, from a ChatMessage or a resuming client's `Chat` (`clientID`: its id):
    /// cleaned, checked and delivered. nil: blank, refused or a command, nothing logged.
    @discardableResult
    mutating func relay(_ raw: String, from member: Member, clientID: String? = nil, _ out: inout StepOutput) -> RoomEntry? {
        guard let conn = member.conn else { return nil }
        let line = TextRules.cleanText(raw)
        if TextRules.isBlank(line) { return nil }
        if let refusal = TextRules.refusal(line) {
            out.log("refused \(refusal.size) message from \(conn)")
            out.send(FrameCodec.frame(.system(text: refusal.notice)), to: [conn])
            return nil
        }
        // An original client's `/` lines are commands, as ssh-chat reads them: never relayed.
        guard let text = chatText(line, from: member, &out) else { return nil }
        return deliver(text, FrameCodec.frame(.chat(uid: member.uid, text: text)), from: conn, member, clientID: clientID, &out)
    }

    /// Shows a checked chat locally and sends its frame to every other member; `clientID` is
    /// the sender's own id for it (`Room+Resume.swift`). Returns its room log entry (nil: the
    /// sender is muted).
    @discardableResult
    private mutating func deliver(_ text: String, _ frame: [UInt8], from conn: ConnID, _ member: Member,
                          clientID: String? = nil, _ out: inout StepOutput) -> RoomEntry? {
        // A muted member's chat reaches nobody (and the member is told: `Room+Moderation`).
        if silenced(member, &out) { return nil }
        if hostIgnores.isEmpty || !hostIgnores.contains(member.uid) { out.show(.chat(member.name, member.color, text)) }
        activity.note(member.uid, at: now)
        // Held announcements go first, so nobody reads a newcomer before reading that they came.
        if !pendingAnnouncements.isEmpty { announcePending(&out) }
        noteSpeaker(member)
        let entry = record(.chat, by: member, text: text, clientID: clientID, &out)
        let (recipients, stamped) = recipients(except: conn)
        if staleMembers > 0, let sender = connections[conn], sender.everyoneAwareAt != awarenessEpoch {
            // Whoever has not heard of the sender yet learns of it first.
            let unaware = recipients.filter {
                let c = connections[$0]!
                if let short = c.shortTable { return !short.contains(member.uid) }
                return c.knownVersion < sender.joinedVersion
            }
            if joined.count <= Limits.lazyWholeTableMembers && wholeTableFits() {
                refreshTables(unaware, &out)
            } else {
                // Each short table holds the recent speakers, this sender the latest of them.
                sendShortTables(to: unaware, &out)
            }
            connections[conn]?.everyoneAwareAt = awarenessEpoch
        }
        stamp(entry, to: stamped, &out)
        out.send(frame, to: recipients)
        return entry
    }

    /// Everyone but the sender, and those of them to stamp (see `Room+History.swift`).
    private mutating func recipients(except sender: ConnID) -> (list: [ConnID], stamped: [ConnID]) {
        if let last = lastRecipients, last.sender == sender, last.tableVersion == tableVersion {
            return (last.list, last.stamped)
        }
        let list = joined.filter { $0 != sender }
        let stamped = stampRecipients(list)
        lastRecipients = (sender, tableVersion, list, stamped)
        return (list, stamped)
    }

    /// `relay` for a text of printable ASCII without quote or backslash (so cleaning leaves it
    /// as it is, its length in characters is its length in bytes, and JSON writes it verbatim):
    /// the same effects and lines, without decoding or re-encoding it. False when the text is too
    /// long, which the general path handles.
    private mutating func relayPlain(_ text: ArraySlice<UInt8>, from member: Member, _ out: inout StepOutput) -> Bool {
        guard let conn = member.conn else { return false }
        // A `/` line is a command: the general path reads it.
        if text.count > Limits.maxTextLength || text.first == UInt8(ascii: "/") { return false }
        if !text.contains(where: { $0 != 0x20 }) { return true }
        deliver(String(decoding: text, as: UTF8.self), MessageCodec.chatFrame(uid: member.uid, plainText: text),
                from: conn, member, &out)
        return true
    }
}
