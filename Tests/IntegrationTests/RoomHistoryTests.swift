import ChatState
import Foundation
import Testing

/// The room's history through the real binary and real sockets: a pychat client joining late
/// is shown what was said before it came, above the marker; an original client gets exactly the
/// original protocol, unless the server was started with `--history-for-originals`.
@Suite struct RoomHistoryTests {
    /// What an original-like peer received until `text` arrived (nil: not within `timeout`).
    func received(_ peer: RawSocket, until text: String, timeout: Double = 20) async throws -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        var got: [UInt8] = []
        while Date() < deadline {
            got += peer.receiveAvailable()
            let s = String(decoding: got, as: UTF8.self)
            if s.contains(text) { return s }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    func joinRequest(_ name: String) -> [UInt8] { FrameCodec.frame(.joinRequest(username: name, color: "00ff00")) }

    /// A server where bob said something, seen by a watcher (so it was relayed, and stored).
    func roomWhereBobSpoke(_ extra: [String] = []) async throws -> (Server, Proc, Proc) {
        let server = try await Server.start(extra)
        let watcher = try client("watcher", port: server.port)
        try await server.waitForJoins(1)
        let bob = try client("bob", port: server.port)
        try await server.waitForJoins(2)
        bob.send("hello there\n")
        try await watcher.waitFor("bob's line") { $0.stdout.contains("bob: hello there") }
        return (server, watcher, bob)
    }

    @Test func aPychatClientJoiningLateIsShownTheHistoryAboveTheMarker() async throws {
        let (server, watcher, bob) = try await roomWhereBobSpoke()
        defer { [server.proc, watcher, bob].forEach { $0.kill() } }
        let carol = try client("carol", port: server.port)
        defer { carol.kill() }
        try await carol.waitFor("its join") { $0.stdout.contains("* carol joined the chat") }
        let lines = carol.stdoutLines
        let said = lines.firstIndex { $0.hasPrefix("bob: [") && $0.hasSuffix("] hello there") }
        let marker = lines.firstIndex(of: "* ── history above, live below ──")
        let joined = lines.firstIndex(of: "* carol joined the chat")
        #expect(said != nil && marker != nil && joined != nil, "\(lines)")
        if let said, let marker, let joined { #expect(said < marker && marker < joined, "\(lines)") }
        #expect(lines.contains { $0.hasPrefix("* [") && $0.hasSuffix("] bob joined the chat") }, "\(lines)")
    }

    @Test func anOriginalClientGetsNoHistoryByDefault() async throws {
        let (server, watcher, bob) = try await roomWhereBobSpoke()
        defer { [server.proc, watcher, bob].forEach { $0.kill() } }
        let carol = try RawSocket(port: server.port)
        carol.send(joinRequest("carol"))
        let got = try #require(try await received(carol, until: "carol joined the chat"))
        #expect(!got.contains("hello there") && !got.contains("\u{2}{"), "\(got)")
    }

    @Test func withTheFlagAnOriginalClientGetsTheLatestLinesAsSystemMessages() async throws {
        let (server, watcher, bob) = try await roomWhereBobSpoke(["--history-for-originals", "2"])
        defer { [server.proc, watcher, bob].forEach { $0.kill() } }
        let carol = try RawSocket(port: server.port)
        carol.send(joinRequest("carol"))
        let got = try #require(try await received(carol, until: "carol joined the chat"))
        // The latest two: bob's join and his line, each a SystemMessage "[HH:MM] ...", before
        // the announcement of carol's own join; no frame of another kind.
        let texts = got.components(separatedBy: "{\"text\": \"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(texts.count == 3, "\(got)")
        if texts.count == 3 {
            #expect(texts[0].hasPrefix("[") && texts[0].hasSuffix("] bob joined the chat"), "\(texts)")
            #expect(texts[1].hasPrefix("[") && texts[1].hasSuffix("] bob: hello there"), "\(texts)")
            #expect(texts[2] == "carol joined the chat")
            #expect(texts[1].dropFirst().prefix(5).allSatisfy { $0.isNumber || $0 == ":" }, "\(texts)")
        }
        #expect(!got.contains("\u{2}{"), "\(got)")
    }
}
