/// A client's session with a server: the connection phase, the user table from the latest
/// ServerInfo, and what to show and send. Tolerates the original server's quirks: a chat from
/// a uid not in the table is shown as `unknown`, never dropped.
public struct ClientSession: Sendable {
    public enum Phase: Equatable, Sendable {
        case connecting
        /// Connected, JoinRequest sent, no ServerInfo yet: we do not know who we are.
        case joining
        case joined
        /// Lost the server; attempt `attempt` dials it at `dueMillis` (see `ClientSession+Reconnect`).
        case waiting(attempt: Int, dueMillis: Int64)
        /// Lost the server for good: the session ends.
        case disconnected(reason: String)
    }

    public static let unknownSender = "unknown"

    let config: AppConfig
    public internal(set) var phase: Phase = .connecting
    public internal(set) var conn: ConnID?
    /// The user table of the latest ServerInfo, in wire order.
    public internal(set) var users: [UserEntry] = []
    var byUID: [UID: WireUser] = [:]
    /// Our own uid, from the latest ServerInfo that named one.
    public internal(set) var me: UID?
    /// What the server and we both speak, once it answered our pychat sign; nil for an original
    /// server, to which we send nothing but the original protocol.
    public internal(set) var common: Capabilities?
    /// The room's size as a pychat server last told it (we negotiated it); nil from an original
    /// server, whose tables are whole, so counting `users` is right there.
    public internal(set) var roomSize: Int?
    /// The room log as far as we were sent it (feature `history`; see ClientSession+History).
    public internal(set) var history = ClientHistory()
    /// Who is an op and who is away, as a pychat server last said (`Marks`), for the members pane.
    public internal(set) var marks = (ops: Set<UID>(), away: Set<UID>())
    /// The rooms besides `#general` we are in, and the one we talk in (`ClientSession+Rooms`).
    public internal(set) var rooms = ClientRooms()
    /// Members whose chats, actions and private messages are not shown (`/ignore`).
    public internal(set) var ignored: Set<UID> = []
    /// Texts typed while not joined (before the first ServerInfo, or while the server is gone),
    /// shown as pending and sent once we are joined.
    public internal(set) var queued: [String] = []
    /// Reconnecting, chat ids and resuming (see `ClientSession+Reconnect.swift`).
    public internal(set) var link: ClientLink
    /// The interpreter's monotonic milliseconds, from the latest `time` event.
    var now: Int64 = 0
    /// The wall clock and the zone's offset, from the latest `time` event that told them.
    var wallNow: Int64?
    var utcOffsetSeconds = 0
    /// The last line, once an op put us out (see `ClientSession+Removed.swift`).
    public internal(set) var removedText: String?
    var decoder: FrameDecoder
    /// Our JoinRequest frame: the configuration's, the same on every connection.
    let joinRequest: [UInt8]
    var inputClosed = false
    /// Some bytes came from the server: the first ones tell a TLS server from a PyChat one.
    var heardFromServer = false

    public init(config: AppConfig) {
        self.config = config
        // The name as any room would clean it, so that the frame is never over the limit. Made
        // once: every connection sends it, and cleaning a long configured name is not free.
        joinRequest = FrameCodec.frame(.joinRequest(username: TextRules.cleanName(config.username), color: config.color))
        decoder = FrameDecoder(limit: config.maxFrameLength, oversized: .skip)
        link = ClientLink(policy: config.reconnect)
    }

    public mutating func handle(_ event: Event, _ out: inout StepOutput) {
        switch event {
        case let .time(instant):
            now = instant.monotonicMillis
            wallNow = instant.wallMillis ?? wallNow
            utcOffsetSeconds = instant.utcOffsetSeconds ?? utcOffsetSeconds
        case let .connected(conn, _):
            guard phase == .connecting else { return }
            self.conn = conn
            phase = .joining
            decoder = FrameDecoder(limit: config.maxFrameLength, oversized: .skip)
            out.show(.notice("Connected to server \(config.host):\(config.port)"))
            // A new connection is in #general only: the server forgot our other rooms with the
            // old one, which we ask for again once resumed (`rejoinRooms`).
            // The sign first, so a pychat server knows what we speak before we join. An original
            // server takes it in silence (see PeerSign) and never answers it.
            out.send(PeerSign.frame(offered), to: [conn])
            out.send(joinRequest, to: [conn])
        case let .received(conn, bytes):
            guard conn == self.conn, phase == .joining || phase == .joined else { return }
            receive(bytes.array, &out)
        case let .disconnected(conn, reason):
            guard conn == self.conn || self.conn == nil else { return }
            lost(reason: explained(reason), &out)
        case let .dialFailed(reason):
            dialFailed(reason: reason, &out)
        case .timer(.reconnect):
            redial(&out)
        case .timer(.reconnectTick):
            tick(&out)
        case .inputClosed:
            inputClosed = true
            quitIfDone(&out)
        case .listening, .accepted, .restored, .logIdentity, .historyAnswered, .roomLogRecording, .identified, .restoredModeration, .timer,
             .key, .resize, .inputLine, .recalled, .terminalWidths:
            return
        }
    }

    /// A message typed by our user: shown and sent at once when joined, queued before.
    public mutating func say(_ raw: String, _ out: inout StepOutput) {
        let line = TextRules.cleanText(raw)
        if TextRules.isBlank(line) { return }
        if let refusal = TextRules.refusal(line) {
            out.show(.notice(refusal.notice))
            out.inputRefused = true
            return
        }
        guard let text = chatText(line, &out) else { return }
        switch phase {
        case .connecting, .joining, .waiting: queued.append(text)
        // While the answer to our Resume is on its way, what we missed comes before what we say.
        case .joined where link.awaitingResume: queued.append(text)
        case .joined: send(text, &out)
        case .disconnected: out.show(.notice("Not sent: not connected to the server."))
        }
    }

    /// Shows our chat and sends it: with an id of its own when the server speaks `resume`
    /// (kept until the server acknowledges it), else as the original's ChatMessage.
    mutating func send(_ text: String, show: Bool = true, _ out: inout StepOutput) {
        guard let conn, let me else { return }
        if heldForRoom(text) { return }
        if let room = rooms.current { return sayInRoom(text, room, show: show, &out) }
        if show { out.show(ownLine(text)) }
        // A server that reads commands reads a chat's leading / as one: the chat `/x` (typed as
        // `//x`) goes to it as `//x`; an original server relays what it is sent.
        let wire = negotiatedCommands && text.hasPrefix("/") ? "/" + text : text
        if resumes {
            let id = link.nextChatID
            link.nextChatID += 1
            link.unacked.append(ClientLink.Sent(id: id, text: wire))
            out.send(ExtensionCodec.frame(.chat(id: id, text: wire)), to: [conn])
        } else {
            out.send(FrameCodec.frame(.chat(uid: me, text: wire)), to: [conn])
        }
    }

    /// Our own chat line, as we show it.
    func ownLine(_ text: String) -> DisplayLine {
        let self_ = me.flatMap { byUID[$0] }
        return .chat(self_?.username ?? config.username, RGB.cleaned(self_?.color ?? config.color), text)
    }

    mutating func end(reason: String, _ out: inout StepOutput) {
        if case .disconnected = phase { return }
        phase = .disconnected(reason: reason)
        out.show(.notice("Disconnected from server: \(reason)"))
        out.log("disconnected: \(reason)")
        if let conn { out.effects.append(.close(conn: conn, reason: reason)) }
        out.effects.append(.quit(code: ExitCode.serverGone, message: "Disconnected from server: \(reason)"))
    }

    private mutating func receive(_ bytes: [UInt8], _ out: inout StepOutput) {
        if let mixUp = tlsMixUp(firstBytes: bytes) { return end(reason: mixUp, &out) }
        for frame in decoder.feed(bytes) {
            guard phase == .joining || phase == .joined else { return }
            if let length = frame.skippedLength {
                // A protocol violation by the server, but one frame: losing the session to it
                // would let one long chat in the room (or a server bug) end every client.
                let what = "a frame of \(length) bytes from the server, over the limit of \(decoder.limit)"
                out.show(.notice("Skipped \(what)."))
                out.log("skipped \(what)")
                continue
            }
            do {
                switch frame.kind {
                case FrameCodec.jsonKind:
                    let shown = out.lines.count
                    handle(try MessageCodec.decode(frame.body), &out)
                    shownLive(from: shown, &out)
                case ExtensionCodec.kind:
                    let message = try ExtensionCodec.decode(frame.body)
                    let shown = out.lines.count
                    handle(message, &out)
                    if message.isStampedLine { shownLive(from: shown, &out) }
                default: out.log("ignored \(frame.strayKindDescription) from the server")
                }
            } catch {
                out.log("ignored a frame from the server: \(error.description)")
            }
        }
        if let failure = decoder.failure, phase == .joining || phase == .joined {
            lost(reason: "the server \(failure.description)", &out)
        }
    }

    private mutating func handle(_ message: Message, _ out: inout StepOutput) {
        switch message {
        case let .serverInfo(users, uid):
            self.users = users
            byUID = Dictionary(users.map { ($0.key, $0.user) }, uniquingKeysWith: { _, last in last })
            if !rooms.members.isEmpty { renameRoomMembers() }
            if let uid, byUID[uid] != nil { me = uid }
            if phase == .joining, me != nil {
                phase = .joined
                link.attempt = 0
                // A pychat server welcomes us before our first table: without that, the server
                // is an original one, and we speak only its protocol for as long as we stay.
                if common == nil { out.log("the server is an original PyChat server: the original protocol only") }
                if !link.awaitingResume { sendQueued(&out) }
                quitIfDone(&out)
            }
        case let .chat(uid, text):
            if let uid, ignored.contains(uid) { return }
            let sender = uid.flatMap { byUID[$0] }
            out.show(serverTimed(.chat(sender?.username ?? Self.unknownSender,
                                       RGB.cleaned(sender?.color ?? ""), TextRules.cleanText(text))))
        case let .system(text):
            out.show(serverTimed(.system(TextRules.cleanText(text))))
        case .joinRequest, .user:
            out.log("ignored a \(message.typeName) from the server")
        }
    }

    /// A pychat server's messages: the answer to our sign first, then what we negotiated.
    private mutating func handle(_ message: ExtensionMessage, _ out: inout StepOutput) {
        if negotiatedCommands, received(commands: message, &out) { return }
        if negotiatedRooms, received(rooms: message, &out) { return }
        switch (message, common) {
        case let (.welcome(theirs), nil):
            // The server names what both speak; we hold it to what we offered all the same.
            let both = offered.common(with: theirs)
            common = both
            out.log("the server speaks pychat: protocol \(both.version), features: \(both.featureList)")
            askToResume(&out)
        case let (.roomSize(users), common?) where common.has(Capabilities.Feature.roomSize):
            roomSize = users
        case let (.stamp(seq, wallMillis), _) where negotiatedHistory:
            history.lastStamp = (seq, wallMillis)
            // Seen once the line it stamps is shown: a cut between the two must not count it.
            link.stamped = seq
        case let (.history(_, entries, more), _) where negotiatedHistory:
            received(history: entries, more: more, &out)
        case let (.searchResults(_, words, entries), _) where negotiatedHistory:
            received(results: entries, for: words, &out)
        case let (.context(_, seq, entries, done), _) where negotiatedContext:
            received(context: seq, entries, done: done, &out)
        case let (.resumed(part), _) where resumes && link.awaitingResume:
            resumed(part, &out)
        case let (.ack(id, seq), _) where resumes:
            acknowledged(id: id, seq: seq, &out)
        default:
            out.log("ignored a \(message.typeName) from the server")
        }
    }

    /// Headless: once standard input has ended and everything typed has been handed over,
    /// the session is done (the interpreter flushes the socket before exiting).
    mutating func quitIfDone(_ out: inout StepOutput) {
        // With `resume`, handed over means acknowledged: a chat the server may not have is ours still.
        guard inputClosed, phase == .joined, queued.isEmpty, link.unacked.isEmpty, !link.awaitingResume else { return }
        out.effects.append(.quit(code: ExitCode.ok, message: nil))
    }
}
