@testable import ChatIO
import ChatState
import Foundation
import Glibc

/// A real `Runtime` in the test's own process, on a `ManualClock`, driven turn by turn by the
/// test over real sockets on 127.0.0.1. Time moves only when the test says so, so a deadline
/// is tested by moving the clock past it, never by sleeping.
final class InProcessRuntime {
    let clock: ManualClock
    let runtime: Runtime
    /// The core's log lines so far, in order: what the runtime writes to standard error, after
    /// its time stamp. (A test that sets its own `stepHook` gives this up.)
    var logged: [String] { log.lines }
    private let log = LogLines()
    /// The signal mask the runtime's signalfd changed, put back at the end.
    private var savedMask = sigset_t()

    init(config: AppConfig, options: RuntimeOptions = RuntimeOptions(), clock: ManualClock = ManualClock(),
         roomLog: RoomLog? = nil, frontend: (any Frontend)? = nil) throws {
        self.clock = clock
        pthread_sigmask(SIG_SETMASK, nil, &savedMask)
        runtime = try Runtime(config: config, options: options, frontend: frontend, clock: clock)
        runtime.roomLog = roomLog
        runtime.stepHook = { [log] _, effects in log.record(effects) }
        try runtime.start()
    }

    /// A server on an ephemeral port of 127.0.0.1 (`chatRate` 0: no flood control).
    static func server(options: RuntimeOptions = RuntimeOptions(), chatRate: Int = AppConfig.defaultChatRate,
                       clock: ManualClock = ManualClock(), roomLog: RoomLog? = nil) throws -> InProcessRuntime {
        try InProcessRuntime(config: AppConfig(role: .server, host: "127.0.0.1", port: 0, username: "host", color: "336699",
                                               chatRate: chatRate),
                             options: options, clock: clock, roomLog: roomLog)
    }

    var port: Int { runtime.listener!.port }

    /// Runs turns, each waiting at most 20 ms of real time for readiness, until `done` says
    /// so (true) or `maxTurns` have run (false). The clock does not move meanwhile.
    func turn(until done: () -> Bool, maxTurns: Int = 250) -> Bool {
        for _ in 0..<maxTurns {
            if done() { return true }
            guard runtime.turn(maxWaitMillis: 20) else { return done() }
        }
        return done()
    }

    /// A member on a socket of its own (`receiveBuffer`: its receive window, for one that will
    /// not read), once the room counts it; nil if it never joins.
    func join(_ name: String, receiveBuffer: Int32? = nil) throws -> WirePeer? {
        let joinedBefore = runtime.app.room?.joined.count ?? 0
        let peer = WirePeer(try RawSocket(port: port, receiveBuffer: receiveBuffer))
        peer.socket.send(FrameCodec.frame(.joinRequest(username: name, color: "000000")))
        return turn(until: { runtime.app.room?.joined.count == joinedBefore + 1 }) ? peer : nil
    }

    /// The server's side of a test's socket (nil once the server has let it go).
    func connection(of socket: RawSocket) -> Connection? {
        runtime.connections.all.first { $0.remote.hasSuffix(":\(socket.localPort)") }
    }

    /// Gives the server's side of `socket` a small send buffer, so that a few turns of output
    /// fill the kernel's buffers (autotuned, they would hold megabytes) and queue in the runtime.
    func shrinkSendBuffer(of socket: RawSocket) -> Bool {
        guard let c = connection(of: socket) else { return false }
        var small: Int32 = 4096
        return setsockopt(c.fd, SOL_SOCKET, SO_SNDBUF, &small, socklen_t(MemoryLayout<Int32>.size)) == 0
    }

    /// Whether the server has read everything `socket` sent (or is letting it go). The bytes
    /// must first have been acknowledged: on a loaded machine the kernel may queue them for a
    /// later softirq, so an empty receive queue alone can mean "not arrived yet".
    func hasRead(from socket: RawSocket) -> Bool {
        guard let c = connection(of: socket), !c.closing else { return true }
        var unread: Int32 = 0
        _ = ioctl(c.fd, UInt(FIONREAD), &unread)
        return socket.unacknowledgedBytes == 0 && unread == 0
    }

    /// Whether the server has closed, or begun closing, its side of `socket`: the server's own
    /// word, which the peer hears only once the kernel has carried the close across.
    func hasLetGo(of socket: RawSocket) -> Bool {
        connection(of: socket)?.closing ?? true
    }

    /// Quits as on SIGTERM (moving the clock past the flush wait) and returns the exit code.
    func stop() -> Int32 {
        runtime.beginQuit(code: ExitCode.ok, message: nil)
        while runtime.turn(maxWaitMillis: 20) { clock.advance(millis: RuntimeOptions.quitFlushMillis) }
        let code = runtime.finish()
        pthread_sigmask(SIG_SETMASK, &savedMask, nil)
        return code
    }
}

/// The `.log` effects of the core's steps, in order.
private final class LogLines {
    private(set) var lines: [String] = []

    func record(_ effects: [Effect]) {
        for case let .log(line) in effects { lines.append(line) }
    }
}

/// A peer on a raw socket as a test of the runtime sees it: the messages it heard, decoded,
/// and whether the server has closed it. It hears only when told to `listen`.
final class WirePeer {
    let socket: RawSocket
    private(set) var heard: [Message] = []
    private(set) var closed = false
    private var decoder = FrameDecoder()

    init(_ socket: RawSocket) { self.socket = socket }

    /// Takes what has arrived, without waiting.
    func listen() {
        let (bytes, end) = socket.takeArrived()
        for frame in decoder.feed(bytes) {
            if let message = try? MessageCodec.decode(frame.body) { heard.append(message) }
        }
        closed = closed || end
    }

    /// The texts of the chat lines heard, in order, that start with `prefix`.
    func chats(startingWith prefix: String = "") -> [String] {
        heard.compactMap { message in
            guard case let .chat(_, text) = message, text.hasPrefix(prefix) else { return nil }
            return text
        }
    }

    /// Sends one chat line.
    func say(_ text: String) { socket.send(FrameCodec.frame(.chat(uid: nil, text: text))) }
}

extension RawSocket {
    /// What arrived since the last call without waiting, and whether the peer has closed.
    func takeArrived() -> (bytes: [UInt8], closed: Bool) {
        var got: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n > 0 { got += buffer.prefix(n); continue }
            return (got, n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
        }
    }
}

/// Runs `body` on a thread of its own. A runtime driven turn by turn blocks in epoll for
/// seconds in all; on one of the few threads the async tests share it would starve them.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
