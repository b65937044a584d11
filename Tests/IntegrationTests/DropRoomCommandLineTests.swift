import Foundation
import Glibc
import Testing

/// `/drop` with the real binary over real sockets and a real SQLite file (issue #14): a line-mode
/// host (an op) drops `#spam` while bob, a pychat client, is in it; bob is back in `#general`
/// and talks there; an original-like client (ours and the reference peer) in `#general` sees
/// nothing of it and rejects nothing; after a `kill -9` and a restart on the same file `#spam`
/// is not back, and `/join #spam` makes an empty room.
@Suite struct DropRoomCommandLineTests {
    @Test(arguments: OriginalPeer.testable)
    func aDroppedRoomIsGoneForItsMemberAndAfterAKillAndARestart(peer: OriginalPeer) async throws {
        try peer.requireAvailable()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("pychat-drop-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let (host, port) = try await lineModeHost(["--data", data])
        defer { host.kill() }
        let bob = try client("bob", port: port, color: "0000ff")
        defer { bob.kill() }
        try await bob.waitFor("bob's join") { $0.stdout.contains("* bob joined the chat") }
        bob.send("/join #spam\nbuy cheap pills\n")
        try await bob.waitFor("bob in #spam") { $0.stdout.contains("* You joined #spam (1 member); talking in it now.") }
        let alice = try Proc.peer(peer, "alice", ["client", "--host", "127.0.0.1", "--port", String(port), "-u", "alice",
                                                  "-c", "ff8800", "--wait-users", "3", "--send", "hello general",
                                                  "--expect-messages", "1", "--linger", "1", "--timeout", "30"])
        defer { alice.kill() }
        try await bob.waitFor("alice's chat") { $0.stdout.contains("alice: hello general") }

        host.send("/drop #spam selling pills\n")
        try await bob.waitFor("the drop") { $0.stdout.contains("* #spam was dropped by host: selling pills; talking in #general now.") }
        try await host.waitFor("the op told") { $0.stdout.contains("* #spam was dropped by host: selling pills") }
        // bob talks in #general again: the host and alice read it as the original's chat.
        bob.send("back in general\n")
        try await host.waitFor("bob in #general") { $0.stdout.contains("bob: back in general") }
        host.send("/rooms\n")
        try await host.waitFor("one room") { $0.stdout.contains("* 1 room:") }
        #expect(try await alice.exitCode(timeout: 40) == 0, "\(alice.stdout) \(alice.stderr)")
        let texts = originalTexts(alice)
        #expect(texts.contains("back in general"), "\(texts)")
        #expect(!texts.contains { $0.contains("spam") || $0.contains("pills") }, "alice saw #spam: \(texts)")

        // kill -9 and a restart on the same file: #spam does not come back.
        host.signal(SIGKILL)
        _ = try await host.exitCode()
        let (second, secondPort) = try await lineModeHost(["--data", data])
        defer { second.kill() }
        second.send("/rooms\n")
        try await second.waitFor("the rooms after the restart") { $0.stdout.contains("* 1 room:") }
        #expect(!second.stdout.contains("#spam"), "\(second.stdout)")
        let carol = try client("carol", port: secondPort, color: "cc00cc")
        defer { carol.kill() }
        try await carol.waitFor("carol's join") { $0.stdout.contains("* carol joined the chat") }
        carol.send("/join #spam\nfresh start\n")
        try await carol.waitFor("a new #spam") { $0.stdout.contains("* You joined #spam (1 member); talking in it now.") }
        carol.send("/search pills\n")
        // The old #spam's chat is in the file still, but not the new room's: nothing found.
        try await carol.waitFor("the search's answer") { $0.stdout.contains("Search for \"pills\": 0 results.") }
        #expect(!carol.stdout.contains("buy cheap pills"), "\(carol.stdout)")
        carol.closeInput()
        #expect(try await carol.exitCode() == 0, "\(carol.stderr)")
    }
}
