import Foundation
import Testing

/// Issue #11, finding 3, with the real binary: no frame a pychat server sends is one a pychat
/// client refuses, and a client outlives one oversized frame from a server.
@Suite struct FrameLimitTests {
    static let thumbs = String(repeating: "👍🏽", count: 3000)

    static func join(_ name: String) -> [UInt8] {
        frame(#"{"username": ""# + name + #"", "color": "000000", "type": "JoinRequest"}"#)
    }

    /// A chat of 3 000 thumbs with a skin tone: 24 KB as raw UTF-8, 72 KB once escaped as the
    /// original writes it. The server refuses it with a notice; the pychat client in the room
    /// never sees it and keeps chatting. The client's own user is refused before sending.
    @Test func aChatThatWouldNotFitIsRefusedAndClientsSurvive() async throws {
        let server = try await Server.start()
        defer { server.proc.kill() }
        let bob = try client("bob", port: server.port)
        let alice = try client("alice", port: server.port)
        defer { bob.kill(); alice.kill() }
        let raw = try RawSocket(port: server.port)
        raw.send(Self.join("raw"))
        try await server.waitForJoins(3)

        raw.sendAll(frame(#"{"uid": null, "text": ""# + Self.thumbs + #"", "type": "ChatMessage"}"#))
        let notice = "Message not sent: it takes 72000 bytes to send, the limit is 65000."
        try await server.proc.waitFor("the refusal") { $0.stderr.contains("refused 72000-byte message from #") }
        alice.send(Self.thumbs + "\nafter\n")
        try await alice.waitFor("its own refusal") { $0.stdout.contains("* " + notice) }
        raw.send(frame(#"{"uid": null, "text": "still here", "type": "ChatMessage"}"#))
        // Their order is the network's: alice's and raw's sockets race to the server.
        try await bob.waitFor("the chats after") { received($0, excluding: "bob").count >= 2 }
        #expect(Set(received(bob, excluding: "bob")) == ["alice: after", "raw: still here"])
        #expect(!bob.stdout.contains("👍"))
        #expect(raw.readAvailable().contains(Array(#"{"text": "\#(notice)", "type": "SystemMessage"}"#.utf8)))

        bob.closeInput()
        alice.closeInput()
        #expect(try await bob.exitCode() == 0)
        #expect(try await alice.exitCode() == 0)
    }

    /// 500 members named memberNNNN: their whole table is 67 KB. A pychat client that joined
    /// early is sent a short table holding the new speaker, not the whole one, and shows the chat.
    @Test func aRoomOf500KeepsItsPychatClients() async throws {
        let server = try await Server.start()
        defer { server.proc.kill() }
        let bob = try client("bob", port: server.port)
        defer { bob.kill() }
        try await server.waitForJoins(1)
        let members = try (0..<500).map { n -> RawSocket in
            let s = try RawSocket(port: server.port)
            s.send(Self.join("member\(1000 + n)"))
            return s
        }
        try await server.waitForJoins(501)
        // Read what they were sent, so that no member stalls.
        for m in members { _ = m.readAvailable() }
        members.last!.send(frame(#"{"uid": null, "text": "hello from the last", "type": "ChatMessage"}"#))
        try await bob.waitFor("the last member's chat") { $0.stdout.contains("member1499: hello from the last") }
        #expect(!bob.stdout.contains("over the limit"))
        bob.closeInput()
        #expect(try await bob.exitCode() == 0)
    }

    /// A server (this test) that sends one frame over the limit between two good ones: the
    /// client says what it skipped, shows what came after, and stays.
    @Test func aClientSkipsAnOversizedFrameFromItsServer() async throws {
        let listener = try Listener()
        let alice = try client("alice", port: listener.port)
        defer { alice.kill() }
        let conn = try await listener.accept()
        let uid = "00000000-0000-4000-8000-000000000001"
        conn.sendAll(frame(#"{"users": {"\#(uid)": {"uid": "\#(uid)", "username": "alice", "color": "000000"}}, "uid": "\#(uid)", "type": "ServerInfo"}"#))
        let escaped = String(repeating: #"\ud83d\udc4d\ud83c\udffd"#, count: 3000)
        conn.sendAll(frame(#"{"uid": "\#(uid)", "text": ""# + escaped + #"", "type": "ChatMessage"}"#))
        conn.sendAll(frame(#"{"text": "after the big one", "type": "SystemMessage"}"#))
        try await alice.waitFor("the frame after") { $0.stdout.contains("* after the big one") }
        #expect(alice.stdout.contains("* Skipped a frame of 72083 bytes from the server, over the limit of 65536."))
        alice.send("still talking\n")
        try await conn.waitFor(Array("still talking".utf8))
        alice.closeInput()
        #expect(try await alice.exitCode() == 0)
    }
}

/// Reading and writing a test's own socket, whichever side opened it.
protocol TestSocket { var fd: Int32 { get } }

extension TestSocket {
    /// Whatever has arrived, without waiting.
    func readAvailable() -> [UInt8] {
        var got: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n <= 0 { return got }
            got += buffer[..<n]
        }
    }

    /// Reads until `needle` has arrived.
    func waitFor(_ needle: [UInt8], timeout: Double = 10) async throws {
        var got: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while got.firstRange(of: needle) == nil {
            guard Date() < deadline else { throw Timeout(description: "no \(String(decoding: needle, as: UTF8.self))") }
            got += readAvailable()
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// All of `bytes`, however many calls it takes.
    func sendAll(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }
}

extension RawSocket: TestSocket {}

/// A listening socket on a free port of 127.0.0.1, standing in for a server.
final class Listener {
    let fd: Int32
    let port: Int

    init() throws {
        (fd, port) = try loopbackSocket(backlog: 4)
    }

    deinit { close(fd) }

    /// The next connection, as a RawSocket-like peer.
    func accept(timeout: Double = 10) async throws -> AcceptedSocket {
        let deadline = Date().addingTimeInterval(timeout)
        // Looks once more after the deadline: a test process whose tasks were starved past it
        // (the simulations hold both cores) must still see a connection that is waiting.
        while true {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, 0) > 0 { return AcceptedSocket(fd: Glibc.accept(fd, nil, nil)) }
            if Date() >= deadline { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw Timeout(description: "no connection within \(timeout) s")
    }
}

final class AcceptedSocket: TestSocket {
    let fd: Int32
    init(fd: Int32) { self.fd = fd }
    deinit { close(fd) }
}
