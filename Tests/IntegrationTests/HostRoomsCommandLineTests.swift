import Foundation
import Glibc
import Testing

/// The host in rooms with the real binary in line mode (`TERM=dumb`: the host's lines come on
/// standard input, its transcript on standard output), over real sockets: the host joins
/// `#rust`, talks with a pychat client there, each transcript tagging `#rust`'s lines, and the
/// recorded session replays exactly (`pychat replay --verify`).
@Suite struct HostRoomsCommandLineTests {
    @Test func aLineModeHostTalksInARoomAndTheSessionReplays() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pychat-hostrooms-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("server.log").path
        let (host, port) = try await lineModeHost(["--ephemeral", "--record", log])
        defer { host.kill() }
        let bob = try client("bob", port: port, color: "0000ff")
        defer { bob.kill() }
        try await bob.waitFor("bob's join") { $0.stdout.contains("* bob joined the chat") }

        host.send("/join #rust\n")
        try await host.waitFor("the host in #rust") { $0.stdout.contains("* You joined #rust (1 member); talking in it now.") }
        bob.send("/join #rust\n")
        try await bob.waitFor("bob in #rust with the host") { $0.stdout.contains("* You joined #rust (2 members); talking in it now.") }
        try await host.waitFor("bob's join in #rust") { $0.stdout.contains("* [#rust] bob joined") }
        host.send("hi from the host\n/who\n")
        try await bob.waitFor("the host's chat") { $0.stdout.contains("host: [#rust] hi from the host") }
        try await host.waitFor("/who in #rust") { $0.stdout.contains("* 2 members here:") }
        bob.send("hi host\n")
        try await host.waitFor("bob's chat in #rust") { $0.stdout.contains("bob: [#rust] hi host") }
        host.send("/join #general\nhello all\n")
        try await bob.waitFor("the host in #general") { $0.stdout.contains("host: hello all") }
        bob.closeInput()
        #expect(try await bob.exitCode() == 0, "\(bob.stderr)")
        try await host.waitFor("bob's leave") { $0.stdout.contains("bob left the chat") }
        host.signal(SIGTERM)
        #expect(try await host.exitCode() == 0, "\(host.stderr)")

        let replay = try Proc.pychat("replay", ["replay", log, "--verify"])
        #expect(try await replay.exitCode() == 0, "\(replay.stderr)")
        #expect(replay.stdoutLines.contains { $0.hasSuffix("bob: [#rust] hi host") }, "\(replay.stdout)")
    }
}

/// `pychat --serve` in line mode (`TERM=dumb`) on a port of its choosing, as the host `host`:
/// its lines on standard input, its transcript on standard output; and the port.
func lineModeHost(_ extra: [String]) async throws -> (Proc, Int) {
    let host = try Proc("host", "/usr/bin/env", ["TERM=dumb", Binary.pychat, "--serve", "-H", "127.0.0.1", "-P", "0",
                                                 "-u", "host", "-c", "00aa00", "--rate", "0"] + extra)
    try await host.waitFor("listening") { $0.stdout.contains("* Server started on 127.0.0.1:") }
    let started = host.stdoutLines.first { $0.contains("Server started on 127.0.0.1:") }!
    return (host, try #require(Int(started.split(separator: ":").last!)))
}
