import Foundation
import Glibc
import Testing

/// The runtime's flow control against the real binary: readers that stop reading, output that
/// nobody reads, frames that never end. Every test waits for an observable outcome (a logged
/// drop, a ServerInfo, a relayed line) with a deadline, never for a fixed time.
@Suite struct FlowTests {
    static let join = frame(#"{"username": "raw", "color": "000000", "type": "JoinRequest"}"#)
    static let big = String(repeating: "x", count: 4000)

    static func chat(_ text: String) -> [UInt8] {
        frame(#"{"uid": null, "text": "\#(text)", "type": "ChatMessage"}"#)
    }

    /// Runs `batch` (a write to a process's standard input) every `micros` until stopped, from
    /// a thread of its own (the pipe blocks while the server holds its writer back).
    final class Pacer: @unchecked Sendable {
        private let lock = NSLock()
        private var running = true
        private let done = DispatchSemaphore(value: 0)
        private var stopped = false

        init(every micros: UInt32 = 100_000, _ batch: @escaping @Sendable (Int) -> Void) {
            Thread { [self] in
                var tick = 0
                while lock.withLock({ running }) {
                    batch(tick)
                    tick += 1
                    usleep(micros)
                }
                done.signal()
            }.start()
        }

        /// With `waiting`, returns once the last batch is written (within 10 s), so nothing
        /// written after it interleaves with it.
        func stop(waiting: Bool = false) {
            let first = lock.withLock { () -> Bool in
                defer { running = false; stopped = true }
                return !stopped
            }
            if first && waiting { _ = done.wait(timeout: .now() + 10) }
        }
    }

    /// Issue #11, finding 1: two (and three) members join a little apart and never read while
    /// another floods 4000-character chats and two others chat beside them. Readers parked
    /// between the low-water mark and the limit used to hold the room forever; now all of them
    /// are dropped, a newcomer gets its ServerInfo, and the chatters lose nothing.
    @Test(arguments: [2, 3])
    func stalledReadersAreAllDroppedAndTheRoomGoesOn(stalled: Int) async throws {
        // The default limit (1 MiB, low water 512 KiB): wide enough that the kernel's own
        // buffering (which differs a little between sockets) cannot move a reader across a mark.
        let server = try await Server.start(["--stall-timeout", "1"])
        defer { server.proc.kill() }
        let alice = try client("alice", port: server.port)
        let bob = try client("bob", port: server.port)
        let flood = try client("flood", port: server.port)
        defer { alice.kill(); bob.kill(); flood.kill() }
        try await server.waitForJoins(3)

        // Each stalled reader joins some big chats after the one before, so the later ones sit
        // 256 KiB (two readers), or 128 and 256 KiB (three), below the first: between the marks
        // when the first goes over the limit.
        var readers: [RawSocket] = []
        var sent = 0
        let gaps = stalled == 2 ? [64, 0] : [32, 32, 0]
        for (i, gap) in gaps.enumerated() {
            let r = try RawSocket(port: server.port, receiveBuffer: 4096)
            r.send(Self.join)
            readers.append(r)
            try await server.waitForJoins(4 + i)
            for _ in 0..<gap { flood.send("\(Self.big)\n") }
            sent += gap
            let expected = sent
            try await bob.waitFor("\(expected) flood lines") { p in p.stdoutLines.filter { $0.hasPrefix("flood: ") }.count >= expected }
        }

        // 250 chats a second, one at a time: a burst read at once would push every stalled
        // reader over the limit together, and the ones between the marks are the point.
        let floodPacer = Pacer(every: 4000) { _ in flood.send("\(Self.big)\n") }
        let chatPacer = Pacer { tick in
            alice.send((0..<5).map { "a\(tick)-\($0)\n" }.joined())
            bob.send((0..<5).map { "b\(tick)-\($0)\n" }.joined())
        }
        defer { floodPacer.stop(); chatPacer.stop() }

        try await server.proc.waitFor("\(stalled) stalled readers dropped", timeout: 20) {
            $0.stderr.components(separatedBy: "stopped reading").count - 1 >= stalled
        }
        #expect(server.proc.stderr.contains("stopped reading: took no output for 1 s while the room waited for it"))
        let newcomer = try RawSocket(port: server.port)
        newcomer.send(Self.join)
        #expect(try await newcomer.waitFor("\"type\": \"ServerInfo\"", timeout: 10))

        chatPacer.stop(waiting: true)
        alice.send("after-drops\n")
        try await bob.waitFor("alice's line after the drops", timeout: 20) { $0.stdout.contains("alice: after-drops") }
        floodPacer.stop()
        // Alice's lines reached Bob whole and in order, across the pauses.
        let fromAlice = bob.stdoutLines.filter { $0.hasPrefix("alice: ") }.map { String($0.dropFirst(7)) }
        let ticks = fromAlice.count / 5
        #expect(fromAlice.count % 5 == 1 && fromAlice.last == "after-drops")
        #expect(Array(fromAlice.dropLast()) == (0..<ticks).flatMap { t in (0..<5).map { "a\(t)-\($0)" } })
        _ = readers
    }

    /// Finding 4: a server whose standard error is a pipe nobody reads, under connection
    /// churn that logs two lines per cycle, still admits joiners and relays chat; once the pipe
    /// is read again it says how many log lines it dropped.
    @Test func aServerWhoseLogIsNotReadStillServes() async throws {
        let port = try freePort()
        // A fixed port would keep a room log in the user's state folder: this test keeps none.
        let server = try Proc.pychat("server", ["--serve", "--headless", "-H", "127.0.0.1", "-P", String(port), "--ephemeral"],
                                     unread: .standardError)
        defer { server.kill() }
        try await waitUntilListening(port: port)

        // 5000 cycles log about 600 KB: far more than the pipe (64 KiB) and the buffer take.
        let churned = Counter()
        let churn = Thread {
            for _ in 0..<5000 {
                guard let s = try? RawSocket(port: port) else { return }
                _ = s
                churned.add()
            }
        }
        churn.start()
        try await waitFor("5000 connect/close cycles", timeout: 60) { churned.value >= 5000 }

        let alice = try client("alice", port: port)
        let bob = try client("bob", port: port)
        defer { alice.kill(); bob.kill() }
        // Alice says it until Bob (who may join after her) has heard it.
        let pacer = Pacer { _ in alice.send("through the churn\n") }
        defer { pacer.stop() }
        try await bob.waitFor("alice's line", timeout: 20) { $0.stdout.contains("alice: through the churn") }

        server.startReading()
        try await server.waitFor("the dropped lines' count", timeout: 20) {
            $0.stderr.contains("log lines dropped: standard error was not read")
        }
        // What was kept is whole lines: the first ones, then the count.
        let lines = server.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first?.contains("listening on 127.0.0.1:\(port)") == true)
        #expect(lines.allSatisfy { $0.range(of: #"^\d\d:\d\d:\d\d\.\d\d\d "#, options: .regularExpression) != nil })
    }

    /// Finding 4, the client's side: a headless client whose standard output nobody reads keeps
    /// reading the server, dropping what it cannot print, so the server never stalls it; once
    /// its output is read again it shows new lines and says how many it dropped.
    @Test func aHeadlessClientWhoseOutputIsNotReadStaysConnected() async throws {
        let server = try await Server.start(["--max-output", "65536", "--stall-timeout", "1"])
        defer { server.proc.kill() }
        let quiet = try Proc.pychat("quiet", ["--headless", "-H", "127.0.0.1", "-P", String(server.port), "-u", "quiet"],
                                    unread: .standardOutput)
        let bob = try client("bob", port: server.port)
        let flood = try client("flood", port: server.port)
        defer { quiet.kill(); bob.kill(); flood.kill() }
        try await server.waitForJoins(3)

        // 1200 chats of 4000 characters: 4.8 MB, far more than the client's pipe and socket take.
        Thread { flood.send(String(repeating: "\(Self.big)\n", count: 1200) + "end of the flood\n") }.start()
        try await bob.waitFor("the whole flood", timeout: 90) { $0.stdout.hasSuffix("flood: end of the flood\n") }

        quiet.startReading()
        flood.send("after the flood\n")
        try await quiet.waitFor("the line after the flood", timeout: 20) { $0.stdout.contains("flood: after the flood") }
        try await quiet.waitFor("the dropped lines' count", timeout: 20) {
            $0.stderr.contains("transcript lines dropped: standard output was not read")
        }
        #expect(!server.proc.stderr.contains("stopped reading"), "\(server.proc.stderr)")
    }

    /// The unfinished-frames finding: a frame must be complete within --frame-timeout of its
    /// first byte, joined or not. A peer dribbling one byte every 200 ms is closed with a logged
    /// reason; one that completes each frame in time, however slowly it sends, is not.
    @Test func aFrameThatNeverEndsIsClosed() async throws {
        let server = try await Server.start(["--frame-timeout", "3"])
        defer { server.proc.kill() }
        let bob = try client("bob", port: server.port)
        defer { bob.kill() }
        let joined = try RawSocket(port: server.port)
        joined.send(Self.join)
        let patient = try RawSocket(port: server.port)
        patient.send(Self.join)
        try await server.waitForJoins(3)
        let unjoined = try RawSocket(port: server.port)

        // Two dribble one byte every 200 ms. The patient one sends each frame in two parts,
        // the end of one with the start of the next, so it always holds an unfinished frame,
        // but never the same one for long (250 ms against the 3 s deadline). Both run on
        // threads of their own: the test's task may wait seconds for a turn on a loaded
        // machine, and their pace is the point.
        let dribble = Self.chat(String(repeating: "y", count: 200))
        let (joinedFD, unjoinedFD, patientFD) = (joined.fd, unjoined.fd, patient.fd)
        let stop = Counter()
        let dribbling = background {
            for byte in dribble.prefix(60) where stop.value == 0 {
                // Once closed by the server, a socket just misses the rest.
                try? sendAll(joinedFD, [byte])
                try? sendAll(unjoinedFD, [byte])
                usleep(200_000)
            }
        }
        let patientFrames = 12
        let patience = background {
            try? sendAll(patientFD, Array(Self.chat("patient 0").prefix(10)))
            for k in 0..<patientFrames {
                usleep(250_000)
                let next = k + 1 < patientFrames ? Array(Self.chat("patient \(k + 1)").prefix(10)) : []
                try? sendAll(patientFD, Array(Self.chat("patient \(k)").dropFirst(10)) + next)
            }
        }
        // The threads are done before the sockets close: their descriptors are not reused under them.
        defer {
            stop.add()
            dribbling.wait()
            patience.wait()
        }
        #expect(try await joined.waitForClose(timeout: 20), "\(server.proc.stderr)")
        #expect(try await unjoined.waitForClose(timeout: 20), "\(server.proc.stderr)")
        try await waitFor("the patient peer's frames", timeout: 20) { patience.wait(timeout: .now()) == .success }
        patience.signal()  // For the wait at the end.
        let log = server.proc.stderr
        #expect(log.contains("\"raw\": frame unfinished 3 s after its first byte"))
        #expect(log.contains("before joining: frame unfinished 3 s after its first byte"))
        // The patient member is still in the room: its frames all arrived.
        try await bob.waitFor("the patient member's lines") { p in p.stdoutLines.filter { $0.contains(": patient ") }.count >= patientFrames }
        #expect(bob.stdoutLines.filter { $0.hasPrefix("raw2: ") } == (0..<patientFrames).map { "raw2: patient \($0)" })
        #expect(!(try await patient.waitForClose(timeout: 0.1)))
        #expect(!server.proc.stderr.contains("\"raw2\": "), "\(server.proc.stderr)")
    }
}

/// Runs `body` on a thread of its own; the semaphore is signalled when it is done.
func background(_ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
    let done = DispatchSemaphore(value: 0)
    Thread {
        body()
        done.signal()
    }.start()
    return done
}

/// A thread-safe count for a worker thread to report progress.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func add() { lock.withLock { count += 1 } }
}

/// Polls `condition` until it holds or `timeout` passes.
func waitFor(_ what: String, timeout: Double, _ condition: () -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while !condition() {
        if Date() > deadline { throw Timeout(description: "no \(what) within \(timeout) s") }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// A port of 127.0.0.1 that nothing listens on now (for a server whose log we cannot read).
func freePort() throws -> Int {
    try BoundPort().port
}

/// A port of 127.0.0.1 bound but not listening while this lives, so a connect to it is refused
/// (and no other process can take the port meanwhile).
final class BoundPort {
    let fd: Int32
    let port: Int

    init() throws {
        (fd, port) = try loopbackSocket(backlog: nil)
    }

    deinit { close(fd) }
}

/// A TCP socket bound to a free port of 127.0.0.1, listening if a backlog is given.
func loopbackSocket(backlog: Int32?) throws -> (fd: Int32, port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && (backlog.map { listen(fd, $0) == 0 } ?? true)
                && getsockname(fd, $0, &length) == 0
        }
    }
    guard ok else {
        let code = errno
        close(fd)
        throw Timeout(description: "cannot bind\(backlog == nil ? "" : " and listen on") 127.0.0.1: errno \(code)")
    }
    return (fd, Int(UInt16(bigEndian: addr.sin_port)))
}

/// Waits until something accepts connections on the port.
func waitUntilListening(port: Int) async throws {
    try await waitFor("a server on port \(port)", timeout: 20) { (try? RawSocket(port: port)) != nil }
}
