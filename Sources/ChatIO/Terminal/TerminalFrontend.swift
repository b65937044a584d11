import ChatState
import Glibc

/// The terminal UI's input and output: raw mode, the alternate screen, mouse wheel and
/// bracketed paste on; keys decoded from the bytes typed; each new frame written as the diff
/// against the last one. Everything it sets up, `restore` undoes, and a fatal signal undoes
/// it too (see `TerminalRescue`).
///
/// The terminal is written without waiting for it (a stopped tmux client or a paused ssh
/// stops reading): a frame it does not take whole waits in `screen`, the loop goes on, and no
/// new diff starts until that frame is written, so every diff starts from what the terminal
/// really shows.
public final class TerminalFrontend: Frontend {
    /// How long a lone Escape waits for the rest of a sequence before it counts as a key.
    public static let escapeTimeoutMillis = 25

    let input: Int32
    let output: Int32
    let colors: ColorMode
    private var decoder = KeyDecoder()
    /// The terminal's output, non-blocking; the runtime flushes it when the terminal is writable.
    let screen: NonBlockingOutput
    /// The last frame the terminal took whole: the next diff starts from it.
    private var shown: Frame?
    /// A frame whose bytes are still in `screen`: shown once they are written.
    private var writing: Frame?
    /// The history rows drawn last, wrapped: the next frame copies them instead of shaping text.
    private var wrapCache = WrapCache()
    private var saved: termios?
    /// The start-up question of how the terminal draws what terminals disagree on: no frame is
    /// drawn until it is answered or its deadline passes (the first frame then clears the
    /// samples it drew), and its answers never reach the core as keys.
    private var probe = WidthProbe()
    /// Mode 2027 was set by us, so leaving unsets it.
    private var setClustering = false

    public static func colorMode(environment: [String: String]) -> ColorMode {
        if environment["NO_COLOR"].map({ !$0.isEmpty }) ?? false { return .none }
        let colorterm = environment["COLORTERM"]?.lowercased() ?? ""
        return colorterm == "truecolor" || colorterm == "24bit" ? .trueColor : .palette256
    }

    /// Takes over the terminal on `input`/`output`; throws when they are not a terminal.
    public init(input: Int32 = 0, output: Int32 = 1, colors: ColorMode) throws(StartupError) {
        guard isatty(input) == 1, isatty(output) == 1 else {
            throw StartupError("the terminal UI needs a terminal; use --headless to chat through standard input and output")
        }
        self.input = input
        self.output = output
        self.colors = colors
        screen = NonBlockingOutput(inherited: output, name: "the terminal", capacity: 0, whenFull: .unbounded)
        var original = termios()
        guard tcgetattr(input, &original) == 0 else {
            throw StartupError("cannot read the terminal's settings: \(String(cString: strerror(errno)))")
        }
        saved = original
        var raw = original
        // Raw input: bytes as typed, no echo, no line editing, no signals from Ctrl-C/Ctrl-Z
        // (the UI gives them meaning), no CR->NL translation, no flow control.
        raw.c_iflag &= ~tcflag_t(BRKINT | ICRNL | INPCK | ISTRIP | IXON)
        raw.c_oflag &= ~tcflag_t(OPOST)
        raw.c_cflag |= tcflag_t(CS8)
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | IEXTEN | ISIG)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(input, TCSAFLUSH, &raw) == 0 else {
            throw StartupError("cannot put the terminal in raw mode: \(String(cString: strerror(errno)))")
        }
        TerminalRescue.arm(fd: input, settings: original, output: output)
        screen.write(Self.enter)
        screen.write(WidthProbe.request)
    }

    /// Alternate screen, hidden cursor, mouse buttons (wheel) in SGR form, bracketed paste, focus
    /// reports (a mention rings only while the terminal is elsewhere).
    static let enter = Array("\u{1b}[?1049h\u{1b}[?25l\u{1b}[?1000h\u{1b}[?1006h\u{1b}[?2004h\u{1b}[?1004h".utf8)
    /// The exact reverse, ending with the cursor shown on the normal screen.
    static let leave = Array("\u{1b}[?1004l\u{1b}[?2004l\u{1b}[?1006l\u{1b}[?1000l\u{1b}[0m\u{1b}[?25h\u{1b}[?1049l".utf8)

    /// BEL, then OSC 777 (`notify;TITLE;BODY`, as rxvt, foot, Ghostty and VTE terminals show
    /// it; others ignore an OSC they do not know). The texts come cleaned of every control
    /// character and `;` by the core, so they cannot end the string early.
    public func alert(title: String, body: String) {
        screen.write(Array("\u{07}\u{1b}]777;notify;\(title);\(body)\u{1b}\\".utf8))
    }

    public var inputDescriptor: Int32? { input }

    public var screenOutput: NonBlockingOutput? { screen }

    public func events(from bytes: UnsafeRawBufferPointer) -> [Event] {
        var events: [Event] = []
        for key in decoder.feed(bytes) {
            guard case .report(let report) = key else {
                events.append(.key(key))
                continue
            }
            // Late answers (after the deadline) and unasked ones are dropped.
            guard !probe.isDone else { continue }
            probe.take(report)
            if let result = probe.result { events.append(widthsMeasured(result)) }
        }
        return events
    }

    public var probeDeadlineMillis: Int? { probe.isDone ? nil : WidthProbe.deadlineMillis }

    public func probeExpired() -> [Event] {
        guard !probe.isDone else { return [] }
        probe.expire()
        return probe.result.map { [widthsMeasured($0)] } ?? []
    }

    private func widthsMeasured(_ result: WidthProbe.Result) -> Event {
        if result.setsClustering {
            screen.write(WidthProbe.enableClustering)
            setClustering = true
        }
        return .terminalWidths(result.widths)
    }

    public var escapePending: Bool { decoder.isWaitingAfterEscape }

    public func escapeTimeout() -> [Event] {
        decoder.escapeTimeout().map { .key($0) }
    }

    public func currentSize() -> TerminalSize? { Self.size(of: output) }

    public static func size(of fd: Int32) -> TerminalSize? {
        var ws = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 else { return nil }
        return TerminalSize(cols: Int(ws.ws_col), rows: Int(ws.ws_row))
    }

    /// Writes the diff from what the terminal shows to the app's frame now, unless the last
    /// frame is still being written: then nothing (the runtime renders again once it is).
    public func render(_ app: ChatApp) {
        guard probe.isDone, !screen.hasPending, screen.stopReason == nil else { return }
        if let done = writing {
            shown = done
            writing = nil
        }
        guard let frame = app.frame(cache: &wrapCache) else { return }
        let bytes = FrameDiff.render(previous: shown, next: frame, colors: colors)
        screen.write(bytes)
        if screen.hasPending { writing = frame } else { shown = frame }
    }

    public func restore() {
        guard var original = saved else { return }
        saved = nil
        if setClustering { screen.write(WidthProbe.disableClustering) }
        screen.write(Self.leave)
        // A terminal that still does not read gets a bounded wait, and its settings back at
        // once instead of after its output (TCSAFLUSH would wait for that output).
        screen.drain(until: Sys.monotonicMillis() + RuntimeOptions.quitFlushMillis)
        _ = tcsetattr(input, screen.hasPending ? TCSANOW : TCSAFLUSH, &original)
        TerminalRescue.disarm()
    }
}
