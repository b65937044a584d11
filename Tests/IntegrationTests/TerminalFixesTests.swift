import Foundation
import Testing

/// The fixes a new user asked for (issue #15), on the real binary's screen in tmux: connection
/// lines dimmed on the host's screen, the title says the session is not encrypted, a paste
/// ending in a newline sends no empty line, a refused message stays in the input, and Home
/// stops with the oldest line at the top.
@Suite(.serialized) struct TerminalFixesTests {
    @Test func theFixesOnScreen() async throws {
        let tmux = try Tmux()
        let host = try tmux.window("host", "\(Binary.pychat) -s -H 127.0.0.1 -P 0 -u host --rate 0")
        let started = try await tmux.waitFor(host, text: "Server started on 127.0.0.1:")
        let port = try #require(tmux.listeningPort(in: started))
        let alice = try tmux.window("alice", "\(Binary.pychat) -H 127.0.0.1 -P \(port) -u alice")
        let joined = try await tmux.waitFor(alice, text: "alice joined the chat")
        #expect(joined[0].contains("alice @ 127.0.0.1:\(port) · 1 user · not encrypted") || joined[0].contains("2 users · not encrypted"),
                "\(joined[0])")
        let bob = try client("bob", port: port)
        defer { bob.kill() }
        _ = try await tmux.waitFor(alice, text: "bob joined the chat")

        // The host's screen: the connection line is dim (SGR 2), the join line is not.
        let styled = try tmux.tmux("capture-pane", "-p", "-e", "-t", host).split(separator: "\n").map(String.init)
        let connection = try #require(styled.first { $0.contains("Established connection") })
        let join = try #require(styled.first { $0.contains("alice joined the chat") })
        #expect(Self.isDim(connection), "\(connection.debugDescription)")
        #expect(!Self.isDim(join), "\(join.debugDescription)")

        // A bracketed paste that ends with a newline: Return sends it without an empty last line.
        try tmux.keys(alice, "Tab")
        try tmux.tmux("set-buffer", "-b", "p", "pasted line\n")
        try tmux.tmux("paste-buffer", "-p", "-b", "p", "-t", alice)
        try tmux.keys(alice, "Enter")
        try await bob.waitFor("the pasted line") { $0.stdout.contains("alice: pasted line\n") }
        bob.send("after the paste\n")
        try await bob.waitFor("the next line") { $0.stdout.contains("bob: after the paste") || $0.stdout.contains("after the paste") }
        #expect(!bob.stdout.contains("alice: pasted line\n  \n"), "\(bob.stdout)")

        // Too long: refused with a notice, and still in the input to be trimmed.
        try tmux.tmux("set-buffer", "-b", "long", String(repeating: "x", count: 4_097))
        try tmux.tmux("paste-buffer", "-p", "-b", "long", "-t", alice)
        try tmux.keys(alice, "Enter")
        let refused = try await tmux.waitFor(alice, text: "Message not sent: it has 4097 characters")
        #expect(refused.dropFirst(25).contains { $0.contains("xxxxxxxxxxxxxxxxxxxx") }, "\(refused.joined(separator: "\n"))")
        try tmux.keys(alice, "C-u")

        // Enough lines to scroll; Home in the history stops with the oldest line at the top.
        for n in 1...40 { bob.send("line \(n)\n") }
        _ = try await tmux.waitFor(alice, text: "bob:  line 40")
        try tmux.keys(alice, "Tab")  // an empty input: Tab moves focus to the history
        try tmux.keys(alice, "Home")
        let top = try await tmux.waitFor(alice, text: "more below — End to jump")
        #expect(top[1].contains("Connected to server 127.0.0.1:\(port)"), "\(top.joined(separator: "\n"))")
        // No blank rows: every row of the pane down to the marker holds a line.
        let marker = try #require(top.firstIndex { $0.contains("more below") })
        #expect(top[1..<marker].allSatisfy { !$0.dropFirst().dropLast(22).trimmingCharacters(in: .whitespaces).isEmpty },
                "\(top.joined(separator: "\n"))")
    }

    /// Whether a `capture-pane -e` row turns on dim (SGR 2) before its text.
    static func isDim(_ row: String) -> Bool {
        var rest = row[...]
        while let start = rest.range(of: "\u{1b}[") {
            let params = rest[start.upperBound...].prefix { $0 != "m" }
            if params.split(separator: ";").contains("2"), !params.hasPrefix("38;2"), !params.hasPrefix("48;2") { return true }
            if params.split(separator: ";").first == "2" { return true }
            rest = rest[start.upperBound...]
        }
        return false
    }
}
