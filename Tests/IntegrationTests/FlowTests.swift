import Foundation
import Glibc
import Testing

/// The runtime's flow control against the real binary: output that nobody reads. Every test
/// waits for an observable outcome (a relayed line, a logged count) with a deadline, never for
/// a fixed time, and none waits for a deadline of the runtime to pass: the stories that need one
/// (stalled readers, frames that never end) run on the injected clock, in `RuntimeFlowTests`.
@Suite struct FlowTests {
    static let big = String(repeating: "x", count: 4000)

    /// Runs `batch` (a write to a process's standard input) every `micros` until stopped, from
    /// a thread of its own (the pipe blocks while the server holds its writer back).
    final class Pacer: @unchecked Sendable {
        private let lock = NSLock()
        private var running = true

        init(every micros: UInt32 = 100_000, _ batch: @escaping @Sendable () -> Void) {
            Thread { [self] in
                while lock.withLock({ running }) {
                    batch()
                    usleep(micros)
                }
            }.start()
        }

        func stop() { lock.withLock { running = false } }
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
        let pacer = Pacer { alice.send("through the churn\n") }
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
