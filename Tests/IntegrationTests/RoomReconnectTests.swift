import Foundation
import Glibc
import Testing

/// A room besides `#general` resumed after a reconnect (issue #14), with the real binary, real
/// sockets and a real SQLite file: alice, in `#rust` through a relay that cuts her off, misses
/// more lines than the server holds of the room in memory (100), and once back shows every one
/// of them once and in order, whether the server kept running or was killed and restarted on
/// its log in between. Each wait is for what can be observed, within a bounded deadline.
@Suite struct RoomReconnectTests {
    static let fast = ClientReconnectTests.fast

    /// bob's chats in #rust as a headless transcript shows them (`bob: [#rust] [12:00] text`,
    /// the time only on lines from the log), in order.
    static func rustChats(from name: String, in lines: [String]) -> [String] {
        let prefix = "\(name): [#rust] "
        return lines.compactMap { line in
            guard line.hasPrefix(prefix) else { return nil }
            var text = line.dropFirst(prefix.count)
            if text.hasPrefix("["), let close = text.firstIndex(of: "]") { text = text[text.index(close, offsetBy: 2)...] }
            return String(text)
        }
    }

    /// `name` joins `#rust` and waits until it is in it.
    static func joinRust(_ p: Proc, _ members: Int) async throws {
        try await p.waitFor("its join") { $0.stdout.contains(" joined the chat") }
        p.send("/join #rust\n")
        try await p.waitFor("in #rust") { $0.stdout.contains("* You joined #rust (\(members) member") }
    }

    @Test(arguments: [false, true])
    func aClientCutOffFromARoomShowsEveryLineSaidThereOnceAndInOrder(restartBetween: Bool) async throws {
        let room = try await RestartableServer("room-resume")
        let proxy = try CutProxy(to: room.port)
        let bob = try client("bob", port: room.port, color: "0000ff", Self.fast)
        defer { bob.kill() }
        try await Self.joinRust(bob, 1)
        let alice = try client("alice", port: proxy.port, color: "ff8800", Self.fast)
        defer { alice.kill() }
        try await Self.joinRust(alice, 2)
        bob.send("before\n")
        try await alice.waitFor("bob's first line") { $0.stdout.contains("bob: [#rust] before") }

        // The network drops alice, and keeps dropping her, while #rust goes on.
        proxy.refuse(true)
        proxy.cut()
        try await room.proc.waitFor("alice's leave") { $0.stderr.contains("part #rust") && $0.stderr.contains("\"alice\"") }
        bob.send((1...80).map { "missed \($0)\n" }.joined())
        // bob's lines reach the log in the order sent; a /rooms after them is answered once they are in.
        bob.send("/rooms\n")
        try await bob.waitFor("the rooms") { $0.stdout.contains("*   #rust") || $0.stdout.contains("* [#rust]   #rust") }
        if restartBetween {
            try await room.kill9()
            try await room.start()
            try await bob.waitFor("bob back in #rust") { $0.stdout.contains("* [#rust] Back in #rust") }
        }
        bob.send((81...160).map { "missed \($0)\n" }.joined())
        bob.send("/topic after the lines\n")
        try await bob.waitFor("the topic set") { $0.stdout.contains("bob set the topic: after the lines") }

        proxy.refuse(false)
        try await alice.waitFor("alice back in #rust", timeout: 30) { $0.stdout.contains("* [#rust] Back in #rust") }
        bob.send("live again\n")
        try await alice.waitFor("bob's live line") { $0.stdout.contains("bob: [#rust] live again") }

        let expected = ["before"] + (1...160).map { "missed \($0)" } + ["live again"]
        #expect(Self.rustChats(from: "bob", in: alice.stdoutLines) == expected, "\(alice.stdoutLines.suffix(20))")
        #expect(!alice.stdout.contains("were missed while disconnected"))
        // More than memory holds of #rust: the server asked its log for them.
        #expect(room.proc.stderr.contains("rejoins #rust having missed"), "\(room.proc.stderr.suffix(2000))")
    }
}
