@testable import ChatIO
import ChatState
import Glibc
import Testing

/// The terminal front-end over a real pty whose other side the test reads only when it says
/// so: the bytes that reach the terminal are exactly the enter sequence and each frame's diff
/// from the one before, and while the terminal does not read, no new diff is started on top of
/// a frame it has not taken whole.
@Suite(.timeLimit(.minutes(1))) struct TerminalOutputTests {
    /// A pty pair: the front-end gets the terminal side, the test reads the other.
    final class Pty {
        let master: Int32
        let terminal: Int32

        init(cols: Int, rows: Int) throws {
            // posix_openpt and friends are not in the Glibc module; these are their ioctls
            // (linux/tty.h: TIOCSPTLCK, TIOCGPTN).
            master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
            var unlock: Int32 = 0, number: UInt32 = 0
            try #require(master >= 0 && ioctl(master, 0x4004_5431, &unlock) == 0 && ioctl(master, 0x8004_5430, &number) == 0)
            var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(cols), ws_xpixel: 0, ws_ypixel: 0)
            try #require(ioctl(master, UInt(TIOCSWINSZ), &size) == 0)
            _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
            terminal = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY | O_CLOEXEC)
            try #require(terminal >= 0)
        }

        deinit {
            close(terminal)
            close(master)
        }

        /// Everything the terminal side has written so far.
        func read() -> [UInt8] { readAvailable(master) }
    }

    @Test func aFrameTheTerminalDidNotTakeWholeIsFinishedBeforeAnyNewDiff() throws {
        let pty = try Pty(cols: 80, rows: 24)
        let frontend = try TerminalFrontend(input: pty.terminal, output: pty.terminal, colors: .trueColor)
        var app = ChatApp(config: AppConfig(role: .client, host: "127.0.0.1", port: 8080, username: "alice",
                                            color: "ff8800", terminal: TerminalSize(cols: 80, rows: 24)))
        var cache = WrapCache()
        // Nobody answers the width probe here: no frame is drawn until its deadline.
        frontend.render(app)
        #expect(frontend.probeExpired() == [.terminalWidths(.standard)])
        var expected = TerminalFrontend.enter + WidthProbe.request
        var shown: Frame?
        var written = pty.read()
        /// Draws the app now, and what the terminal should get for it.
        func render() {
            frontend.render(app)
            let frame = app.frame(cache: &cache)!
            expected += FrameDiff.render(previous: shown, next: frame, colors: .trueColor)
            shown = frame
        }
        // Each step changes the size, so each frame is a full paint of a few KiB.
        var steps = 0
        func step() {
            steps += 1
            _ = app.step(.resize(cols: 80 + steps % 2, rows: 24))
        }

        // A terminal that reads: every frame arrives as its diff.
        for _ in 0..<5 {
            step()
            render()
            written += pty.read()
        }
        #expect(written == expected)
        #expect(!frontend.screen.hasPending)

        // It stops reading: frames are written until one is not taken whole (however much the
        // kernel's pty holds).
        while !frontend.screen.hasPending {
            try #require(steps < 100_000, "the pty took \(steps) frames without filling")
            step()
            render()
        }
        let waiting = frontend.screen.pendingBytes
        // Meanwhile the app goes on changing; nothing more is queued or diffed.
        for text in ["a", "b", "c"] {
            _ = app.step(.key(.text(text)))
            step()
            frontend.render(app)
        }
        #expect(frontend.screen.pendingBytes == waiting)

        // It reads again: the rest of that frame, then one diff from it to the app as it is now.
        while frontend.screen.hasPending {
            written += pty.read()
            frontend.screen.flush()
        }
        render()
        written += pty.read()
        #expect(written.count == expected.count)
        #expect(written == expected)

        frontend.restore()
        #expect(pty.read() == TerminalFrontend.leave)
    }

    /// The real runtime and front end on a pty whose terminal never answers the width probe:
    /// no frame is drawn before the deadline (a timer on the manual clock, not a sleep), the
    /// first one comes when it passes, and an answer arriving after it, mixed with typed keys,
    /// is never typed.
    @Test func aTerminalThatNeverAnswersGetsTheStandardTableAtTheDeadline() throws {
        let pty = try Pty(cols: 80, rows: 24)
        var mask = sigset_t()
        pthread_sigmask(SIG_SETMASK, nil, &mask)
        defer { pthread_sigmask(SIG_SETMASK, &mask, nil) }
        let clock = ManualClock()
        let frontend = try TerminalFrontend(input: pty.terminal, output: pty.terminal, colors: .trueColor)
        let config = AppConfig(role: .server, host: "127.0.0.1", port: 0, username: "host", color: "336699",
                               terminal: TerminalSize(cols: 80, rows: 24))
        let runtime = try Runtime(config: config, options: RuntimeOptions(), frontend: frontend, clock: clock)
        try runtime.start()
        for _ in 0..<5 { _ = runtime.turn(maxWaitMillis: 5) }
        let asked = pty.read()
        #expect(asked == TerminalFrontend.enter + WidthProbe.request)

        clock.advance(millis: Int64(WidthProbe.deadlineMillis))
        _ = runtime.turn(maxWaitMillis: 5)
        _ = runtime.turn(maxWaitMillis: 5)
        #expect(text(pty.read()).contains("Server started on 127.0.0.1:"))
        #expect(runtime.app.ui?.format.widths == .standard)

        // A late answer between typed keys: the keys are typed, the answer is not.
        _ = Array("\u{9}h\u{1b}[1;5Ri".utf8).withUnsafeBytes { write(pty.master, $0.baseAddress, $0.count) }
        // Turns until the keys are in (a loaded machine may hand the pty's bytes over late);
        // the clock does not move, so no deadline passes meanwhile.
        for _ in 0..<2_000 where runtime.app.ui?.input.text != "hi" { _ = runtime.turn(maxWaitMillis: 5) }
        #expect(runtime.app.ui?.input.text == "hi")
        runtime.beginQuit(code: 0, message: nil)
        while runtime.turn(maxWaitMillis: 5) { clock.advance(millis: RuntimeOptions.quitFlushMillis) }
        _ = runtime.finish()
    }

    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
