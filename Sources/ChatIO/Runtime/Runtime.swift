import ChatState
import Glibc

/// The live session: one event loop that turns readiness, timers and signals into core events,
/// runs `ChatApp.step`, records the step and performs its effects. It holds no chat logic.
public final class Runtime {
    /// Timers of the loop: the core's own, and the runtime's close timers (flow control keeps
    /// its own deadlines, see `FlowControl`).
    enum LoopTimer: Hashable {
        case core(TimerID)
        case linger(UInt64)
        case resumeAccept
        /// A lone Escape key waiting to be told from the start of a sequence.
        case escape
        /// The terminal's answers to the width probe are due (see `WidthProbe`).
        case widthProbe
        /// A TLS client's handshake is done but the server has not shown it accepted us.
        case tlsVerdict(UInt64)
        /// A client's redial of its server must connect by then (see `Runtime+Reconnect`).
        case dial(UInt64)
        /// A redial's name lookup must be answered by then.
        case lookup
    }

    package internal(set) var app: ChatApp
    let options: RuntimeOptions
    /// Readiness, sockets, signals and chance (see `OperatingSystem`): epoll in production.
    let os: any OperatingSystem
    let signals: Signals?
    let recorder: Recorder?
    /// Where the user's sent messages are kept for Up and Ctrl-R in later runs; nil: nowhere.
    public var inputHistory: InputHistoryFile?
    let frontend: (any Frontend)?
    /// The terminal's input, when there is a front end.
    let terminalInput: TerminalInput?
    /// The server's room log, opened by the command line before listening (nil: ephemeral),
    /// and how long it keeps entries (see `Runtime+RoomLog`).
    public var roomLog: RoomLog? {
        get { roomLogKeeper?.log }
        set { roomLogKeeper = newValue.map { RoomLogKeeper(log: $0) } }
    }
    public var roomLogKeep = StoreOptions()
    var roomLogKeeper: RoomLogKeeper?
    /// The core's questions of this step, answered as events once the step is done.
    var pendingQueries: [HistoryQuery] = []
    var listener: ListeningSocket?
    /// A client's redial under way (see `Runtime+Reconnect`).
    var redial: Redial?
    var connections = ConnectionTable()
    var timers = Timers<LoopTimer>()
    var now: Int64
    /// The latest time the core was told of (`Event.time`).
    var toldTime: Int64 = -1

    /// Connections with output written since the last flush, flushed once per loop turn so
    /// the frames of many steps leave in one writev.
    var dirty: [Connection] = []

    /// Backpressure, stalled readers, unfinished frames.
    var flow: FlowControl
    var readingPaused: Bool { flow.readingPaused }
    /// Standard output, standard error, the recording and the terminal (see `Runtime+Output`),
    /// made when first used; and whether each is watched for writability.
    var outputs = [NonBlockingOutput?](repeating: nil, count: OutputStream.allCases.count)
    var watchedOutputs = [Bool](repeating: false, count: OutputStream.allCases.count)
    var recordingStopReported = false

    var standardInput = StandardInput()
    var needsRender = false
    var quit = QuitProtocol(flushMillis: RuntimeOptions.quitFlushMillis)

    let readBuffer: UnsafeMutableRawBufferPointer
    let iovecs: UnsafeMutableBufferPointer<iovec>
    /// The only source of time (see `RuntimeClock`).
    let clock: any RuntimeClock

    /// Told of every step of the core, after the core and before its effects are performed:
    /// the simulations check their invariants here (and may plant a bug in the effects).
    package var stepHook: ((Event, inout [Effect]) -> Void)?
    /// Answers the core's history questions when there is no room log: the simulations' store.
    package var answerHistory: ((HistoryQuery) -> HistoryAnswer)?

    public convenience init(config: AppConfig, options: RuntimeOptions, recorder: Recorder? = nil,
                            frontend: (any Frontend)? = nil, clock: any RuntimeClock = SystemClock()) throws(StartupError) {
        let os: EpollSystem
        do {
            os = try EpollSystem()
        } catch {
            throw StartupError(error.description)
        }
        try self.init(config: config, options: options, recorder: recorder, frontend: frontend, clock: clock, os: os)
    }

    package init(config: AppConfig, options: RuntimeOptions, recorder: Recorder? = nil,
                 frontend: (any Frontend)? = nil, clock: any RuntimeClock, os: any OperatingSystem) throws(StartupError) {
        app = ChatApp(config: config)
        self.os = os
        self.options = options
        self.recorder = recorder
        self.frontend = frontend
        terminalInput = frontend.map { TerminalInput(frontend: $0) }
        self.clock = clock
        now = clock.monotonicMillis()
        flow = FlowControl(maxOutputBytes: options.maxOutputBytes, stallMillis: Int64(options.stallTimeoutMillis),
                           frameMillis: Int64(options.frameTimeoutMillis), plantedBug: options.plantedBug)
        outputs[OutputStream.recording.rawValue] = recorder?.output
        outputs[OutputStream.terminal.rawValue] = frontend?.screenOutput
        do {
            signals = try os.openSignals()
            if let signals { try os.add(signals.fd, .signals, .readOnly) }
        } catch {
            throw StartupError(error.description)
        }
        readBuffer = .allocate(byteCount: RuntimeOptions.readChunkBytes, alignment: 16)
        iovecs = .allocate(capacity: RuntimeOptions.maxIovecs)
    }

    deinit {
        if let l = listener { os.close(l.handle) }
        readBuffer.deallocate()
        iovecs.deallocate()
    }

    /// Runs the session to its end and returns the exit code. Startup failures (cannot listen,
    /// cannot connect) are thrown before anything is recorded past the header.
    public func run() throws(StartupError) -> Int32 {
        try start()
        while turn() {}
        return finish()
    }

    /// One turn of the loop: draws, waits for readiness (at most `maxWaitMillis` when given,
    /// for a test driving the loop itself), handles it, fires due timers and flushes. False
    /// once the session is over (then `finish`).
    package func turn(maxWaitMillis: Int32? = nil) -> Bool {
        // Draw what the last turn (or the start) changed before waiting for more.
        if needsRender, let frontend {
            needsRender = false
            render(frontend)
        }
        if quit.isOver(openConnections: connections.count, now: now) { return false }
        var timeout = waitTimeout()
        if let cap = maxWaitMillis, timeout < 0 || timeout > cap { timeout = cap }
        // The clock moved while the loop slept: timers the events arm (a newcomer's join
        // deadline, a stall check) count from their arrival, not from before the wait.
        var woke = false
        // The room log's upkeep runs in a turn with nothing to do, or once it is due.
        defer { if !woke || (roomLogKeeper.map { $0.deadline <= now } ?? false) { maintainRoomLog() } }
        os.wait(timeoutMillis: timeout) {
            if !woke && options.plantedBug != .deadlineFromBeforeWait {
                woke = true
                now = clock.monotonicMillis()
                tellTime()
            }
            handle($0)
        }
        now = clock.monotonicMillis()
        tellTime()
        if standardInput.mode == .alwaysReady, !readingPaused { readStandardInput() }
        fireTimers()
        flushDirty()
        flushOutputs()
        // What the turn stored and sent nobody (a lone leave, the host's line in a room of its
        // own) is committed now too: between two turns, nothing is left for a kill to take.
        commitRoomLog()
        return true
    }

    /// Writes the recording's header, then listens or connects.
    package func start() throws(StartupError) {
        recorder?.writeHeader(app.config, now: now)
        tellTime()
        if let inputHistory { dispatch(.recalled(inputHistory.load())) }
        let config = app.config
        terminalInput?.watch(in: os)
        // The size the command line read may be stale: a resize between that and the signalfd
        // (which blocks SIGWINCH from then on) was a signal ignored, never to come again.
        if let size = frontend?.currentSize(), let ui = app.ui, size != ui.size {
            dispatch(.resize(cols: size.cols, rows: size.rows))
        }
        if let wait = frontend?.probeDeadlineMillis { timers.set(.widthProbe, at: now + Int64(wait)) }
        switch config.role {
        case .server:
            let l: ListeningSocket
            do {
                l = try os.listen(host: config.host, port: config.port)
                try os.add(l.handle, .listener, .readOnly)
            } catch let e as ListenError {
                throw StartupError(e.description)
            } catch {
                throw StartupError("\(error)")
            }
            listener = l
            restoreRoom()
            dispatch(.logIdentity(roomLogIdentity))
            dispatch(.listening(host: config.host, port: l.port))
            // The host user's lines in line mode (TERM=dumb); they were never read before.
            if options.readsStandardInput { openStandardInput() }
        case .client:
            let d: (handle: Int32, remote: String)
            do {
                d = try os.connect(host: config.host, port: config.port)
            } catch {
                throw StartupError(error.description)
            }
            if options.readsStandardInput { openStandardInput() }
            if let context = options.tls {
                // The core hears of the connection only once the handshake is done.
                let layer: TLSTransport
                do {
                    layer = TLSTransport(engine: try TLSEngine(context: context, serverName: config.host))
                    try layer.start()
                } catch let e as TLSError {
                    os.close(d.handle)
                    throw StartupError("cannot start TLS: \(e.description)")
                } catch {
                    os.close(d.handle)
                    throw StartupError("cannot connect to \(config.host):\(config.port): \(error)")
                }
                let c = register(fd: d.handle, remote: d.remote, transport: .layered(layer))
                c.gate = .pending
                markDirty(c)
            } else {
                let c = register(fd: d.handle, remote: d.remote)
                dispatch(.connected(conn: c.id, remote: d.remote))
            }
        }
        flushDirty()
    }

    func waitTimeout() -> Int32 {
        if standardInput.mode == .alwaysReady, !readingPaused, !quit.isQuitting { return 0 }
        var deadline = nextDeadline()
        if quit.isQuitting { deadline = min(deadline ?? quit.deadline, quit.deadline) }
        guard let deadline else { return -1 }
        return Int32(clamping: max(0, deadline - clock.monotonicMillis()))
    }

    private func handle(_ r: Readiness) {
        switch r.token {
        case .listener: acceptConnections()
        case .signals: handleSignals()
        case .stdin: readStandardInput()
        case .frontend: readFrontend()
        case .lookup: lookupAnswered()
        case .output(let index): flushOutput(index)
        case .connection(let id):
            guard let c = connections[raw: id] else { return }
            if c.dialing { return dialProgressed(c) }
            // The readiness may predate a pause in this batch; a closing connection is read even
            // if its sender was paused (else a level-triggered loop spins on it until linger).
            if (r.readable && wantsInput(c)) || r.failed { read(c) }
            if r.writable, connections.contains(c) { flush(c) }
        }
    }

    private func fireTimers() {
        // One at a time: a step may re-arm or cancel a timer due at the same time.
        let mark = timers.armingMark
        while let key = timers.popNextDue(now: now, armedBefore: mark) {
            switch key {
            case .core(let id):
                dispatch(.timer(id))
            case .linger(let id):
                if let c = connections[raw: id], c.closing { discard(c) }
            case .resumeAccept:
                if let l = listener { os.modify(l.handle, .listener, .readOnly) }
            case .escape:
                for event in frontend?.escapeTimeout() ?? [] { dispatch(event) }
            case .widthProbe:
                for event in frontend?.probeExpired() ?? [] { dispatch(event) }
            case .tlsVerdict(let id):
                if let c = connections[raw: id], !c.closing, c.gate.verdictTimedOut() { announce(c) }
            case .dial(let id):
                if let c = connections[raw: id] { dialProgressed(c, timedOut: true) }
            case .lookup:
                lookupTimedOut()
            }
        }
        for (slot, verdict) in flow.due(now: now) {
            guard let c = connections.connection(inSlot: slot) else { continue }
            switch verdict {
            case .stalled: lose(c, reason: options.stallReason)
            case .unfinishedFrame: lose(c, reason: options.frameTimeoutReason)
            }
        }
    }

    private func handleSignals() {
        for s in signals?.drain() ?? [] {
            switch s {
            case .interrupt, .terminate, .hangup:
                let name = s == .interrupt ? "SIGINT" : s == .terminate ? "SIGTERM" : "SIGHUP"
                if frontend == nil { log("\(name): shutting down") }
                beginQuit(code: ExitCode.ok, message: nil)
            case .windowChanged:
                if let size = frontend?.currentSize() { dispatch(.resize(cols: size.cols, rows: size.rows)) }
            }
        }
    }

    /// The core counts time (chat rates, connection throttles) only from these events: one
    /// whenever a loop turn's clock differs from the last one told, before the turn's events.
    private func tellTime() {
        guard now != toldTime else { return }
        toldTime = now
        let wall = clock.wallMillis()
        dispatch(.time(Instant(monotonicMillis: now, wallMillis: wall, utcOffsetSeconds: LocalZone.offsetSeconds(atWallMillis: wall))))
    }

    /// One step of the core: recorded, then its effects performed in order.
    func dispatch(_ event: Event) {
        guard !quit.isQuitting else { return }
        var (effects, _) = app.step(event)
        stepHook?(event, &effects)
        recorder?.record(event, effects, now: now)
        perform(effects)
        needsRender = true
        answerQueries()
    }

    /// Stops the session: no more steps; every connection gets its queued output (within a
    /// bounded wait) and a close.
    func beginQuit(code: Int32, message: String?) {
        guard quit.begin(code: code, message: message, now: now) else { return }
        if let l = listener {
            os.remove(l.handle)
            os.close(l.handle)
            listener = nil
        }
        closeStandardInput()
        for c in connections.all { beginClose(c, linger: false) }
    }

    func finish() -> Int32 {
        commitRoomLog()
        abandonLookup()
        for c in connections.all { discard(c) }
        closeStandardInput()
        frontend?.restore()
        let (code, message) = quit.request ?? (ExitCode.ok, nil)
        drainOutputs(message: message)
        return code
    }

    /// A log line on standard error, stamped with the local time of day.
    func log(_ line: String) {
        output(.standardError).append(clock.timeOfDay() + " " + line)
    }
}

/// Why the session could not start; the command line prints it and exits with `code`.
public struct StartupError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public let code: Int32

    public init(_ description: String, code: Int32 = ExitCode.failure) {
        self.description = description
        self.code = code
    }
}
