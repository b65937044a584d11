import Foundation
import Glibc
import Testing

/// `pychat bench` finds what a server loses or reorders, and finds nothing on a correct one.
@Suite struct BenchTests {
    static let quick = ["--idle-timeout", "0.5", "--join-quiet", "0.1", "--join-timeout", "10"]

    /// The number after a label in the bench's report ("lost                1").
    static func count(_ label: String, in text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix(label + " ") {
            return Int(line.dropFirst(label.count).split(separator: " ").first ?? "")
        }
        return nil
    }

    func bench(_ port: Int, clients: Int, messages: Int) throws -> Proc {
        try Proc.pychat("bench", ["bench", "-H", "127.0.0.1", "-P", String(port), "--clients", String(clients),
                                  "--messages", String(messages)] + Self.quick)
    }

    @Test func cleanRunAgainstThePychatServer() async throws {
        let server = try await Server.start()
        defer { server.proc.kill() }
        let b = try bench(server.port, clients: 5, messages: 20)
        defer { b.kill() }
        #expect(try await b.exitCode() == 0, "\(b.stdout)\n\(b.stderr)")
        let out = b.stdout
        #expect(Self.count("deliveries expected", in: out) == 5 * 4 * 20)
        #expect(Self.count("deliveries made", in: out) == 5 * 4 * 20)
        #expect(Self.count("lost", in: out) == 0)
        #expect(Self.count("out of order", in: out) == 0)
        #expect(Self.count("duplicates", in: out) == 0)
        #expect(out.contains("clients joined      5 of 5"))
        // Latencies in ms, as every other time in the report, and in their order.
        let latency = out.split(separator: "\n").first { $0.hasPrefix("latency ") }.map(String.init) ?? ""
        let words = latency.split(separator: " ")
        #expect(words.count == 10 && [words[1], words[4], words[7]] == ["p50", "p99", "max"]
            && [words[3], words[6], words[9]] == ["ms", "ms", "ms"], "\(latency)")
        let values = words.count == 10 ? [words[2], words[5], words[8]].compactMap { Double($0) } : []
        #expect(values.count == 3 && values[0] <= values[1] && values[1] <= values[2], "\(latency)")
    }

    /// With nothing listening, the bench says so in one line, as a client would, and reports
    /// no run (before, every client failed to join and the report blamed the joins).
    @Test func nothingListeningIsConnectionRefused() async throws {
        let closed = try BoundPort()
        let b = try bench(closed.port, clients: 3, messages: 5)
        defer { b.kill() }
        #expect(try await b.exitCode() == 1, "\(b.stdout)\n\(b.stderr)")
        #expect(b.stderr.contains("cannot connect to 127.0.0.1:\(closed.port): Connection refused"), "\(b.stderr)")
        #expect(b.stdout.isEmpty, "\(b.stdout)")
    }

    @Test func cleanRunAgainstItsOwnRelay() async throws {
        let relay = try Proc.pychat("relay", ["bench", "--relay", "-H", "127.0.0.1", "-P", "0"])
        defer { relay.kill() }
        try await relay.waitFor("listening line") { $0.stderr.contains("listening on ") }
        let line = relay.stderr.split(separator: "\n").first { $0.contains("listening on ") }!
        let port = Int(line.split(separator: ":").last!)!
        let b = try bench(port, clients: 4, messages: 50)
        defer { b.kill() }
        #expect(try await b.exitCode() == 0, "\(b.stdout)\n\(b.stderr)")
        #expect(Self.count("deliveries made", in: b.stdout) == 4 * 3 * 50)
        #expect(Self.count("lost", in: b.stdout) == 0)
    }

    /// Under TLS the bench's clients and its relay seal and open every frame, handshake
    /// answers included; a run through each loses nothing.
    @Test func cleanTLSRunsAgainstTheServerAndTheRelay() async throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let server = try await Server.start(["--ssl", "--certfile", fixture.serverFile, "--cafile", fixture.caFile])
        defer { server.proc.kill() }
        let relay = try Proc.pychat("relay", ["bench", "--relay", "-H", "127.0.0.1", "-P", "0", "--ssl",
                                              "--certfile", fixture.serverFile, "--cafile", fixture.caFile])
        defer { relay.kill() }
        try await relay.waitFor("listening line") { $0.stderr.contains("listening on ") }
        let line = relay.stderr.split(separator: "\n").first { $0.contains("listening on ") }!
        for port in [server.port, Int(line.split(separator: ":").last!)!] {
            let b = try Proc.pychat("bench", ["bench", "-H", "127.0.0.1", "-P", String(port), "--clients", "3",
                                              "--messages", "20", "--ssl", "--certfile", fixture.clientFile,
                                              "--cafile", fixture.caFile] + Self.quick)
            defer { b.kill() }
            #expect(try await b.exitCode() == 0, "\(b.stdout)\n\(b.stderr)")
            #expect(Self.count("deliveries made", in: b.stdout) == 3 * 2 * 20)
            #expect(Self.count("lost", in: b.stdout) == 0)
        }
    }

    @Test func aDroppedMessageIsReportedLost() async throws {
        let relay = try FaultyRelay(clients: 3, fault: .drop(nth: 5))
        let b = try bench(relay.port, clients: 3, messages: 10)
        defer { b.kill() }
        #expect(try await b.exitCode() == 1, "\(b.stdout)\n\(b.stderr)")
        let out = b.stdout
        #expect(Self.count("deliveries expected", in: out) == 60)
        #expect(Self.count("deliveries made", in: out) == 59)
        #expect(Self.count("lost", in: out) == 1)
        #expect(Self.count("out of order", in: out) == 0)
        #expect(Self.count("duplicates", in: out) == 0)
    }

    @Test func twoSwappedMessagesAreReportedOutOfOrder() async throws {
        let relay = try FaultyRelay(clients: 3, fault: .swap(nth: 5))
        let b = try bench(relay.port, clients: 3, messages: 10)
        defer { b.kill() }
        #expect(try await b.exitCode() == 1, "\(b.stdout)\n\(b.stderr)")
        let out = b.stdout
        #expect(Self.count("deliveries made", in: out) == 60)
        #expect(Self.count("lost", in: out) == 0)
        #expect(Self.count("out of order", in: out) == 1)
        #expect(Self.count("duplicates", in: out) == 0)
    }

    @Test func aRepeatedMessageIsReportedDuplicate() async throws {
        let relay = try FaultyRelay(clients: 3, fault: .repeatOnce(nth: 5))
        let b = try bench(relay.port, clients: 3, messages: 10)
        defer { b.kill() }
        #expect(try await b.exitCode() == 1, "\(b.stdout)\n\(b.stderr)")
        #expect(Self.count("lost", in: b.stdout) == 0)
        #expect(Self.count("duplicates", in: b.stdout) == 1)
    }
}

/// A tiny relay that does one thing wrong to the chat frames going from the first client that
/// joined to the second: it drops one, swaps two neighbours, or sends one twice.
final class FaultyRelay: @unchecked Sendable {
    enum Fault {
        case drop(nth: Int)
        case swap(nth: Int)
        case repeatOnce(nth: Int)
    }

    let port: Int

    init(clients: Int, fault: Fault) throws {
        let (fd, port) = try loopbackSocket(backlog: 16)
        self.port = port
        Thread { Self.serve(fd, clients: clients, fault: fault) }.start()
    }

    private static func serve(_ listenFD: Int32, clients: Int, fault: Fault) {
        var fds: [Int32] = []
        while fds.count < clients {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 { return }
            fds.append(fd)
        }
        close(listenFD)
        defer { fds.forEach { close($0) } }
        var buffers = [[UInt8]](repeating: [], count: clients)
        var joinOrder: [Int] = []
        var toSecond = 0
        var held: [UInt8]?
        func send(_ bytes: [UInt8], to i: Int) {
            _ = bytes.withUnsafeBytes { Glibc.send(fds[i], $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        var polls = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        var open = clients
        while open > 0 {
            guard poll(&polls, nfds_t(polls.count), 10_000) > 0 else { return }
            for i in 0..<clients where polls[i].revents != 0 {
                var chunk = [UInt8](repeating: 0, count: 65536)
                let n = chunk.withUnsafeMutableBytes { read(fds[i], $0.baseAddress, $0.count) }
                if n <= 0 {
                    polls[i].fd = -1
                    open -= 1
                    continue
                }
                buffers[i] += chunk[0..<n]
                while buffers[i].count >= 4 {
                    let b = buffers[i]
                    let length = Int(b[0]) << 24 | Int(b[1]) << 16 | Int(b[2]) << 8 | Int(b[3])
                    guard b.count >= 4 + length else { break }
                    let f = Array(b[0..<(4 + length)])
                    buffers[i].removeFirst(4 + length)
                    let body = String(decoding: f[5...], as: UTF8.self)
                    if body.hasSuffix("\"JoinRequest\"}") {
                        joinOrder.append(i)
                        let uid = String(format: "00000000-0000-4000-8000-%012x", i)
                        send(frame(#"{"users": {}, "uid": "\#(uid)", "type": "ServerInfo"}"#), to: i)
                        continue
                    }
                    for j in joinOrder where j != i {
                        guard joinOrder.count >= 2, i == joinOrder[0], j == joinOrder[1] else {
                            send(f, to: j)
                            continue
                        }
                        toSecond += 1
                        switch fault {
                        case .drop(let nth) where toSecond == nth:
                            break
                        case .swap(let nth) where toSecond == nth:
                            held = f
                        case .swap(let nth) where toSecond == nth + 1:
                            send(f, to: j)
                            send(held!, to: j)
                        case .repeatOnce(let nth) where toSecond == nth:
                            send(f, to: j)
                            send(f, to: j)
                        default:
                            send(f, to: j)
                        }
                    }
                }
            }
        }
    }
}
