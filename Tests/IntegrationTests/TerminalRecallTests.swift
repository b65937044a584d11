import Foundation
import Testing

/// The real binary in tmux: what was sent comes back with Up after a restart of the client (the
/// state folder keeps it), and Tab completes a member's name.
@Suite(.serialized) struct TerminalRecallTests {
    @Test func inputHistoryAcrossARestartAndNameCompletion() async throws {
        let tmux = try Tmux()
        let state = NSTemporaryDirectory() + "pychat-recall-\(getpid())-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: state) }
        let server = try await Server.start()
        defer { server.proc.kill() }
        let command = "env XDG_STATE_HOME=\(state) \(Binary.pychat) -H 127.0.0.1 -P \(server.port) -u alice"

        let first = try tmux.window("alice", command)
        _ = try await tmux.waitFor(first, text: "alice joined the chat")
        try tmux.keys(first, "Tab")
        try tmux.type(first, "remember me")
        try tmux.keys(first, "Enter")
        _ = try await tmux.waitFor(first, text: "alice:  remember me")
        try tmux.keys(first, "C-c")
        try await server.proc.waitFor("alice leaving") { $0.stderr.contains("leave #") }

        let again = try tmux.window("alice-again", command)
        _ = try await tmux.waitFor(again, text: "alice joined the chat")
        try tmux.keys(again, "Tab")
        try tmux.keys(again, "Up")
        // The input pane (below the history's bottom border) holds the message from the last run.
        _ = try await tmux.waitFor(again, "the recalled message in the input") { screen in
            screen.dropFirst(25).contains { $0.hasPrefix("│remember me") }
        }

        let bob = try client("bob", port: server.port)
        defer { bob.kill() }
        _ = try await tmux.waitFor(again, text: "bob joined the chat")
        try tmux.keys(again, "C-u")
        try tmux.type(again, "hi b")
        try tmux.keys(again, "Tab")
        _ = try await tmux.waitFor(again, "the completed name") { $0.dropFirst(25).contains { $0.hasPrefix("│hi bob ") } }
        try tmux.type(again, "there")
        try tmux.keys(again, "Enter")
        try await bob.waitFor("the completed message") { $0.stdout.contains("alice: hi bob there") }
    }
}
