import Foundation
import Testing

/// The real binary in tmux, kicked (issue #14): the chat screen stays with who did it and why,
/// nothing dials again, and Ctrl-C ends the session with exit code 4.
@Suite(.serialized) struct TerminalRemovalTests {
    @Test func aKickedClientKeepsItsScreenDoesNotReconnectAndExits4() async throws {
        let ui = TerminalUITests()
        let tmux = try Tmux()
        let dir = NSTemporaryDirectory() + "pychat-kick-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let server = try await ModerationCommandLineTests.hostedServer(["--ephemeral"])
        defer { server.proc.kill() }
        let alice = try tmux.window("alice", ui.command("-H 127.0.0.1 -P \(server.port) -u alice --reconnect-initial-ms 1", status: "\(dir)/alice"))
        _ = try await tmux.waitFor(alice, text: "alice joined the chat")
        server.proc.send("/kick alice spam\n")
        var screen = try await tmux.waitFor(alice, text: "kicked by host: spam ")
        #expect(screen[0].contains("kicked by host: spam · Ctrl-C quits"), "\(screen[0])")
        #expect(screen.contains { $0.contains("host kicked alice: spam") }, "\(screen)")
        // It dials nothing: the reconnect line would show with the close, and with a first
        // backoff of 1 ms a dial would have rejoined by the time Ctrl-C ends it.
        try await server.proc.waitFor("the leave") { $0.stderr.contains("\"alice\": kicked by host") }
        screen = try tmux.screen(alice)
        #expect(!screen.contains { $0.contains("reconnecting") }, "\(screen)")
        try tmux.keys(alice, "C-c")
        let status = try await ui.waitForFile("\(dir)/alice", containing: "exit=")
        #expect(status.hasPrefix("exit=4"), "\(status)")
        #expect(server.count(" as \"") == 1, "\(server.proc.stderr)")
    }
}
