/// The whole session as one pure value: the server's room or the client's session, plus the
/// UI when there is a terminal. `reduce` is the only way it changes, and everything it wants
/// done comes back as effects, so a session is replayable from its events.
public struct ChatApp: Sendable {
    public let config: AppConfig
    /// The server's room (nil in a client); exactly one of `room` and `session` is set. Two
    /// optionals, not an enum with a payload: a step mutates the one in place (`room!.handle`),
    /// where a payload is copied out and put back, every field retained and released on every
    /// step (and a client's arrays copied on their first write, the enum still holding them).
    public internal(set) var room: Room?
    /// The client's session; nil in a server.
    public internal(set) var session: ClientSession?
    /// nil when headless.
    public internal(set) var ui: UIState?
    /// The wall clock as the interpreter last told it (Unix ms): the time a line arrived.
    public private(set) var wallMillis: Int64?
    /// Our own name as `Mention` looks for it, from the step that last showed a line.
    var mentionKey: Mention.Name?

    public init(config: AppConfig) {
        self.config = config
        switch config.role {
        case .server: room = Room(config: config)
        case .client: session = ClientSession(config: config)
        }
        ui = config.terminal.map { UIState(size: $0) }
    }

    public mutating func reduce(_ event: Event) -> [Effect] { step(event).effects }

    /// Whether there is a UI, by the optional's case: `ui != nil` picks the `!=` of two
    /// `UIState?` (UIState is Equatable), which copies the whole UI, every field retained and
    /// released, to compare it with nil.
    var hasUI: Bool { if case .some = ui { true } else { false } }

    /// One step: the effects, and the lines the local user was shown by it (the transcript).
    public mutating func step(_ event: Event) -> (effects: [Effect], lines: [DisplayLine]) {
        var out = StepOutput()
        switch event {
        case .key(let key):
            // The UI is changed in place: a copy of it would copy the input's Characters on the
            // key's first write to them, and retain every field of it, on every key.
            guard hasUI, !roomKey(key, &out) else { break }
            if key == .tab { ui!.completionNames = memberNames }
            let action = ui!.handle(key)
            switch action {
            case .submit(let text)?:
                if let command = LocalCommand.parse(text) {
                    perform(command)
                } else {
                    say(text, &out)
                    if out.inputRefused { ui?.giveBack(text) }
                }
                // Kept for Up and Ctrl-R in later runs too (the interpreter appends it to a file).
                out.effects.append(.remember(text))
            case .quit?: out.effects.append(.quit(code: session?.quitCode ?? ExitCode.ok, message: session?.removedText))
            case .olderWanted?:
                // A full display history has no room above it for older lines.
                if session != nil, !ui!.history.isFull, ui!.rooms.current == nil {
                    session!.requestOlder(&out)
                }
            case nil: break
            }
        case .resize(let cols, let rows):
            ui?.resize(TerminalSize(cols: cols, rows: rows))
        case .inputLine(let text):
            say(text, &out)
        case .recalled(let earlier):
            ui?.recall.load(earlier)
        case .terminalWidths(let table):
            ui?.format.widths = table
        case .time(let instant):
            if let wall = instant.wallMillis { wallMillis = wall }
            if let offset = instant.utcOffsetSeconds { ui?.format.utcOffsetSeconds = offset }
            fallthrough
        default:
            if room != nil { room!.handle(event, &out) } else { session!.handle(event, &out) }
        }
        return (present(out), out.lines)
    }

    private mutating func say(_ text: String, _ out: inout StepOutput) {
        if room != nil { room!.hostSay(text, &out) } else { session!.say(text, &out) }
    }

    /// Lines for the local user go into the UI's history, or, without a UI, to standard
    /// output as a transcript (a headless client, or a host user in plain line mode). A
    /// server with no host user is a daemon: its log lines already say what happened.
    ///
    /// The step's room log entries go first, as one `store`: what the step sends is durable
    /// before it is sent (the interpreter commits before the turn's writes).
    private mutating func present(_ out: StepOutput) -> [Effect] {
        let effects = out.entries.isEmpty ? out.effects : [.store(out.entries)] + out.effects
        if hasUI {
            followRooms()
            if out.restartDisplay { ui!.clearHistory() }
            // Looked up once a step, and only for someone's chat: finding our name in a client's
            // table walks the table.
            let me = Self.holdChat(out.lines) || Self.holdChat(out.olderLines) ? mentionName() : nil
            // A step's older lines are one room's: a page of #general's, or the rest of a room's history.
            if let first = out.olderLines.first {
                ui!.prepend(out.olderLines.map { marked($0, me: me) }, toRoom: first.room ?? RoomName.general)
            }
            var alerts: [Effect] = []
            for line in out.lines {
                let line = marked(stamped(line), me: me)
                if line.mentionsMe, !line.fromLog, let alert = alert(for: line) { alerts.append(alert) }
                ui!.append(line, toRoom: room(of: line))
            }
            // Whatever arrives once the server is back (what it missed, then live) is new.
            if out.connectionLost { ui!.markEveryRoomsNextLine() }
            if let context = out.context { ui!.showContext(context) }
            return alerts.isEmpty ? effects : effects + alerts
        }
        // A daemon's steps (every relayed chat) build no transcript: looked at first.
        guard config.role == .client || config.hostUID != nil else { return effects }
        let lines = out.olderLines + out.lines + (out.context?.lines ?? [])
        guard !lines.isEmpty else { return effects }
        return lines.map { Effect.print($0.transcript) } + effects
    }
}

extension ChatApp {
    /// The top line of the screen: who we are, where, and how many are in the room.
    public var title: String {
        let users: (Int) -> String = { $0 == 1 ? "1 user" : "\($0) users" }
        if let room {
            let address = room.listeningOn ?? "\(config.host):\(config.port)"
            let count = room.hostRooms.current.flatMap { room.rooms[$0]?.count } ?? room.members.count
            return "\(room.host?.name ?? "pychat") · serving \(address)\(shownRoom.map { " · " + $0 } ?? "") · \(users(count))\(security)\(unread)"
        }
        let session = session!
        let place = "\(config.host):\(config.port)"
        switch session.phase {
        case .connecting where session.link.attempt > 0:
            return "reconnecting to \(place)…, attempt \(session.link.attempt)"
        case .connecting: return "connecting to \(place)…"
        case .joining: return "joining \(place)…"
        case .joined:
            let me = session.me.flatMap { uid in session.users.first { $0.key == uid }?.user.username }
            let count = shownRoom == nil || session.rooms.current == nil ? session.roomSize ?? session.users.count
                : session.rooms.members[session.rooms.current!]?.count ?? 0
            return "\(me ?? config.username) @ \(place)\(shownRoom.map { " · " + $0 } ?? "") · \(users(count))\(security)\(unread)"
        case .disconnected(let reason) where session.removedText != nil: return "\(place) · \(reason) · Ctrl-C quits"
        case .disconnected(let reason): return "disconnected from \(place): \(reason)"
        case .waiting: return "\(place) · \(session.waitingText ?? "")"
        }
    }

    /// Everyone in the room by name, as the latest table lists them (for Tab completion).
    var memberNames: [String] {
        if let room { return room.members.map(\.name) }
        return session!.users.map(\.user.username)
    }

    /// Whether what is said here is encrypted on the way: said in the title, always.
    var security: String { config.tls == true ? " · TLS" : " · not encrypted" }

    /// The whole screen for the current state; nil when headless.
    public var frame: Frame? { shownUI.map { ChatView.render($0, title: title, members: membersPane, status: roomStatus) } }

    /// The same screen, reusing the rows a renderer kept from its previous frame.
    public func frame(cache: inout WrapCache) -> Frame? {
        guard let ui = shownUI else { return nil }
        if cache.room != ui.rooms.current {
            cache = WrapCache()
            cache.room = ui.rooms.current
        }
        if session?.hasPendingLines == true {
            // The cache knows lines by their place in the history, and pending lines take the
            // places the lines sent after them will have: none of them may stay in it.
            cache = WrapCache()
            return ChatView.render(ui, title: title, members: membersPane, status: roomStatus)
        }
        return ChatView.render(ui, title: title, members: membersPane, status: roomStatus, cache: &cache)
    }

    /// The UI as drawn: a client's pending lines (typed while not joined) below the history.
    /// A copy only while there are some, so the usual frame costs nothing more.
    private var shownUI: UIState? {
        guard var shown = ui, let pending = session?.pendingLines, !pending.isEmpty else { return ui }
        for line in pending { shown.append(line) }
        return shown
    }
}
