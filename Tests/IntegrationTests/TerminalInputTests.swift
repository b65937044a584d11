@testable import ChatIO
import ChatState
import Glibc
import Testing

/// The terminal's input part alone, over a real pty and a real epoll: what the user types
/// comes out as events, a lone Escape asks for the timer (and a sequence that completes it
/// cancels it), and a terminal that goes away ends the input.
@Suite(.timeLimit(.minutes(1))) struct TerminalInputTests {
    /// Types `bytes` on the keyboard side of the pty.
    private func type(_ pty: TerminalOutputTests.Pty, _ bytes: [UInt8]) {
        #expect(write(pty.master, bytes, bytes.count) == bytes.count)
    }

    @Test func typedKeysAreEventsAndALoneEscapeAsksForTheTimer() throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
        defer { buffer.deallocate() }
        let pty = try TerminalOutputTests.Pty(cols: 80, rows: 24)
        let frontend = try TerminalFrontend(input: pty.terminal, output: pty.terminal, colors: .trueColor)
        _ = fcntl(pty.terminal, F_SETFL, fcntl(pty.terminal, F_GETFL) | O_NONBLOCK)
        let os = try EpollSystem()
        let input = TerminalInput(frontend: frontend)
        input.watch(in: os)

        // Nothing typed yet: nothing to read, and the timer is left as it is.
        guard case .nothing = input.read(into: buffer, in: os, now: 1_000) else { Issue.record("a read with nothing typed"); return }

        type(pty, Array("hi\r".utf8))
        guard case let .events(keys, escapeDue) = input.read(into: buffer, in: os, now: 1_000) else { Issue.record("no keys"); return }
        #expect(keys == [.key(.text("hi")), .key(.enter)])
        #expect(escapeDue == nil)

        // A lone Escape may be the start of a sequence: it waits for the timer, due from now.
        type(pty, [0x1b])
        guard case let .events(none, due) = input.read(into: buffer, in: os, now: 2_000) else { Issue.record("no read"); return }
        #expect(none.isEmpty)
        #expect(due == 2_000 + Int64(TerminalFrontend.escapeTimeoutMillis))
        // The rest of the sequence comes: the Up arrow, and no Escape waits any more.
        type(pty, Array("[A".utf8))
        guard case let .events(up, noDue) = input.read(into: buffer, in: os, now: 2_010) else { Issue.record("no read"); return }
        #expect(up == [.key(.up)])
        #expect(noDue == nil)

        // A lone Escape that nothing follows is the Escape key once the timer fires.
        type(pty, [0x1b])
        guard case .events([], escapeDueAt: .some) = input.read(into: buffer, in: os, now: 3_000) else { Issue.record("no wait"); return }
        #expect(frontend.escapeTimeout() == [.key(.escape)])
        frontend.restore()
    }

    /// The command line reads the terminal's size before the runtime blocks SIGWINCH for its
    /// signalfd; a resize in between was a signal ignored (tmux's resize of a new window, just
    /// after starting the program in it). The runtime asks the size again once it watches.
    @Test func aResizeBeforeTheRuntimeWatchedForOneIsNotLost() throws {
        let pty = try TerminalOutputTests.Pty(cols: 120, rows: 40)
        let frontend = try TerminalFrontend(input: pty.terminal, output: pty.terminal, colors: .trueColor)
        let stale = TerminalSize(cols: 100, rows: 30)
        let config = AppConfig(role: .server, host: "127.0.0.1", port: 0, username: "host", color: "336699",
                               hostUID: UID(high: 1, low: 0x8000_0000_0000_0000), terminal: stale)
        let server = try InProcessRuntime(config: config, frontend: frontend)
        defer { _ = server.stop() }
        #expect(server.runtime.app.ui?.size == TerminalSize(cols: 120, rows: 40))
    }

    @Test func aTerminalThatGoesAwayEndsTheInput() throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
        defer { buffer.deallocate() }
        var pty: TerminalOutputTests.Pty? = try TerminalOutputTests.Pty(cols: 80, rows: 24)
        let terminal = dup(pty!.terminal)
        defer { close(terminal) }
        let frontend = try TerminalFrontend(input: terminal, output: terminal, colors: .trueColor)
        _ = fcntl(terminal, F_SETFL, fcntl(terminal, F_GETFL) | O_NONBLOCK)
        let os = try EpollSystem()
        let input = TerminalInput(frontend: frontend)
        input.watch(in: os)
        // The keyboard side closes (the terminal emulator quit, ssh dropped): reads fail.
        pty = nil
        guard case .ended = input.read(into: buffer, in: os, now: 1_000) else { Issue.record("the input did not end"); return }
    }
}
