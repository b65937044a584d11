import Foundation
import Testing

/// A mute is kept in the room log's file (schema version 3) like a ban: the real binary, a real
/// SQLite file, a restart of the server between the mute and the muted member's next chat.
@Suite struct MuteRestartTests {
    @Test func aMuteSurvivesARestartOfTheServer() async throws {
        let data = TempFolder("mute-restart")
        let flags = ["--data", data.path]
        let first = try await ModerationCommandLineTests.hostedServer(flags)
        defer { first.proc.kill() }
        let alice = try client("alice", port: first.port)
        defer { alice.kill() }
        try await first.waitForJoins(1)
        first.proc.send("/mute alice 1h\n")
        try await alice.waitFor("the mute") { $0.stdout.contains("* host muted alice for 1h") }
        first.proc.send("/quit\n")
        #expect(try await first.proc.exitCode() == 0)
        alice.kill()

        let second = try await ModerationCommandLineTests.hostedServer(flags)
        defer { second.proc.kill() }
        let again = try client("alice", port: second.port)
        defer { again.kill() }
        try await second.waitForJoins(1)
        again.send("still here?\n")
        try await again.waitFor("the refusal") {
            $0.stdout.contains("* You are muted for ") && $0.stdout.contains(" more: what you say reaches no one.")
        }
        // The host was sent nothing of it (its transcript would show `alice: still here?`).
        again.send("/who\n")
        try await again.waitFor("who") { $0.stdout.contains("members here:") }
        #expect(!second.proc.stdout.contains("still here?"), "\(second.proc.stdout)")
    }
}
