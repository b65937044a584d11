import Foundation
import Testing
@testable import ChatState

/// Scripted sessions: the committed fixture logs were written from these (set
/// PYCHAT_WRITE_FIXTURES=1 to write them again after a deliberate change of behaviour).
enum Sessions {
    static func record(_ config: AppConfig, _ events: [Event]) -> String {
        var app = ChatApp(config: config)
        var lines = [EventLog.line(EventLog.Header(config: config))]
        for (n, event) in events.enumerated() {
            let effects = app.reduce(event)
            lines.append(EventLog.line(EventLog.Step(step: n + 1, time: Int64(n * 10), event: event, effects: effects)))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func join(_ name: String, _ color: String) -> Bytes { Fix.frame(.joinRequest(username: name, color: color)) }
    static func say(_ text: String) -> Bytes { Fix.frame(.chat(uid: nil, text: text)) }

    /// A server with a host user: three clients join, chat and leave; joins and leaves that
    /// come before the announcement timer fires are announced together.
    static var server: String {
        let config = AppConfig(role: .server, host: "127.0.0.1", port: 8080, username: "host", color: "00aa00",
                               hostUID: Fix.hostUID, terminal: TerminalSize(cols: 80, rows: 24))
        let hello = FrameCodec.frame(.chat(uid: nil, text: "hello, I am bob 😀"))
        return record(config, [
            .listening(host: "127.0.0.1", port: 8080),
            .accepted(conn: Fix.c1, uid: Fix.uid1, remote: "127.0.0.1:40001"),
            .received(conn: Fix.c1, bytes: join("alice", "ff8800")),
            .accepted(conn: Fix.c2, uid: Fix.uid2, remote: "127.0.0.1:40002"),
            .received(conn: Fix.c2, bytes: Bytes(Array(join("bob", "#0000FF").array.prefix(7)))),
            .received(conn: Fix.c2, bytes: Bytes(Array(join("bob", "#0000FF").array.dropFirst(7)) + hello.prefix(10))),
            .received(conn: Fix.c2, bytes: Bytes(Array(hello.dropFirst(10)))),
            .accepted(conn: Fix.c3, uid: Fix.uid3, remote: "[::1]:40003"),
            .received(conn: Fix.c3, bytes: join("alice", "zz")),
            .timer(.announce),
            .key(.tab), .key(.text("welcome all")), .key(.enter),
            .received(conn: Fix.c1, bytes: say("first\nsecond line\u{1b}[31m")),
            .received(conn: Fix.c3, bytes: say(String(repeating: "x", count: 5000))),
            .disconnected(conn: Fix.c2, reason: "closed by peer"),
            .received(conn: Fix.c3, bytes: [0xFF, 0xFF, 0xFF, 0xFF]),
            .timer(.announce),
            .received(conn: Fix.c1, bytes: say("bye")),
            .disconnected(conn: Fix.c1, reason: "connection reset"),
            .timer(.announce),
        ])
    }

    /// A headless client: connects, queues a line, joins, chats, is left alone, then stdin ends.
    static var client: String {
        let config = AppConfig(role: .client, host: "127.0.0.1", port: 8080, username: "carol", color: "123456")
        let server = ConnID(1)
        return record(config, [
            .connected(conn: server, remote: "127.0.0.1:8080"),
            .inputLine("typed early"),
            .received(conn: server, bytes: Fix.serverInfo([(Fix.hostUID, "host", "00aa00"), (Fix.uid3, "carol", "123456")], for: Fix.uid3)),
            .received(conn: server, bytes: Fix.frame(.system(text: "carol joined the chat"))),
            .received(conn: server, bytes: Fix.frame(.chat(uid: Fix.hostUID, text: "hi carol"))),
            .inputLine("hi host"),
            .received(conn: server, bytes: Fix.frame(.chat(uid: Fix.uid1, text: "from nowhere"))),
            .inputClosed,
        ])
    }
}

@Suite struct EventLogTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func fixture(_ name: String) throws -> String {
        let url = Self.fixtures.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["PYCHAT_WRITE_FIXTURES"] == "1" {
            let text = name.hasPrefix("server") ? Sessions.server : Sessions.client
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    @Test func serverFixtureReplaysEveryRecordedEffect() throws {
        let r = Replay.run(try fixture("server-three-clients.pychatlog"))
        #expect(r.isFaithful, "\(String(describing: r.divergence)) \(String(describing: r.damage))")
        #expect(r.stepsReplayed == 21)
        let room = try #require(r.app?.room)
        #expect(room.members.map(\.name) == ["host"])
        #expect(room.connectionCount == 0)
        // The host's screen has one line per join and leave; only the network is batched.
        #expect(r.transcript.map { "[\($0.step)] \($0.line.transcript)" } == [
            "[1] * Server started on 127.0.0.1:8080",
            "[2] * Established connection: remote_address 127.0.0.1:40001",
            "[3] * alice joined the chat",
            "[4] * Established connection: remote_address 127.0.0.1:40002",
            "[6] * bob joined the chat",
            "[7] bob: hello, I am bob 😀",
            "[8] * Established connection: remote_address [::1]:40003",
            "[9] * alice2 joined the chat",
            "[13] host: welcome all",
            "[14] alice: first\n  second line[31m",
            "[16] * Connection ended: remote_address 127.0.0.1:40002",
            "[16] * bob left the chat",
            "[17] * Connection ended: remote_address [::1]:40003",
            "[17] * alice2 left the chat",
            "[19] alice: bye",
            "[20] * Connection ended: remote_address 127.0.0.1:40001",
            "[20] * alice left the chat",
        ])
    }

    @Test func clientFixtureReplays() throws {
        let r = Replay.run(try fixture("client-headless.pychatlog"))
        #expect(r.isFaithful)
        #expect(r.transcript.map(\.line.transcript) == [
            "* Connected to server 127.0.0.1:8080", "carol: typed early", "* carol joined the chat",
            "host: hi carol", "carol: hi host", "unknown: from nowhere",
        ])
        #expect(r.app?.session?.phase == .joined)
    }

    @Test func aChangedEffectIsReportedWithItsStep() throws {
        var lines = try fixture("server-three-clients.pychatlog").split(separator: "\n").map(String.init)
        // Step 3 is alice's join; pretend it once announced her under another name.
        lines[3] = lines[3].replacingOccurrences(of: "join #1 as \\\"alice\\\"", with: "join #1 as \\\"eve\\\"")
        let r = Replay.run(lines.joined(separator: "\n"))
        let d = try #require(r.divergence)
        #expect(d.step == 3)
        #expect(d.expected.contains(.log("join #1 as \"eve\" color ff8800")))
        #expect(d.actual.contains(.log("join #1 as \"alice\" color ff8800")))
        #expect(r.stepsReplayed == 3)
    }

    @Test func aTruncatedLogReplaysUpToTheDamage() throws {
        let text = try fixture("server-three-clients.pychatlog")
        let cut = String(text.prefix(text.count * 2 / 3))
        let r = Replay.run(cut)
        let damage = try #require(r.damage)
        #expect(r.divergence == nil)
        #expect(damage.line == r.stepsReplayed + 2)
        #expect(damage.reason.hasPrefix("corrupted") || damage.reason.hasPrefix("incomplete"))
        #expect(r.stepsReplayed > 5)
    }

    @Test func corruptionAndMissingHeader() throws {
        #expect(Replay.run("").damage == EventLog.Damage(line: 1, reason: "empty log: no header"))
        #expect(Replay.run("{\"format\": \"other\", \"version\": 1, \"config\": {}}\n").damage?.line == 1)
        var lines = try fixture("client-headless.pychatlog").split(separator: "\n").map(String.init)
        lines[2] = "garbage"
        let r = Replay.run(lines.joined(separator: "\n"))
        #expect(r.damage?.line == 3)
        #expect(r.stepsReplayed == 1)
        lines[2] = lines[3]
        #expect(Replay.run(lines.joined(separator: "\n")).damage == EventLog.Damage(line: 3, reason: "step 3 where step 2 was expected"))
    }

    @Test func everyEventAndEffectSurvivesTheLog() throws {
        let events: [Event] = [
            .listening(host: "::", port: 0), .accepted(conn: Fix.c1, uid: Fix.uid1, remote: "x"),
            .connected(conn: Fix.c2, remote: "y"), .received(conn: Fix.c1, bytes: [0, 255, 10]),
            .disconnected(conn: Fix.c1, reason: "r"), .timer(.joinDeadline(Fix.c3)), .timer(.tableRefresh),
            .key(.ctrl("w")), .key(.text("é😀")), .key(.paste("a\nb")), .key(.pageDown), .resize(cols: 1, rows: 2),
            .inputLine("\u{0}\u{1b}"), .inputClosed,
        ]
        let effects: [Effect] = [
            .send(to: [Fix.c1, Fix.c2], bytes: [1, 2]), .close(conn: Fix.c1, reason: "why"),
            .setTimer(.tableRefresh, millis: 25), .cancelTimer(.joinDeadline(Fix.c1)), .print("p"), .log("l"),
            .quit(code: 3, message: nil), .quit(code: 0, message: "m"),
        ]
        for (n, e) in events.enumerated() {
            let step = EventLog.Step(step: n + 1, event: e, effects: effects)
            #expect(try EventLog.step(Substring(EventLog.line(step)), lineNumber: 2) == step)
        }
    }
}

@Suite struct ReplayScreenTests {
    @Test func theScreenAtAnyStep() throws {
        let text = try EventLogTests().fixture("server-three-clients.pychatlog")
        let atSix = try #require(Replay.run(text, through: 6).app?.frame)
        // The history is 60 columns wide: the members pane takes the last 20.
        let pad = { (s: String) in "│" + s + String(repeating: " ", count: 58 - s.count) + "│" }
        #expect(atSix.lines()[0] == "┌─ host · serving 127.0.0.1:8080 · 3 users · not encrypted─┐│")
        #expect(atSix.lines()[1...3] == [
            pad("Server started on 127.0.0.1:8080") + "│ 3 here",
            pad("Established connection: remote_address 127.0.0.1:40001") + "│ @host",
            pad("alice joined the chat") + "│ alice",
        ])
        var screens: [Int] = []
        let r = Replay.run(text) { step, app in if app.frame != nil { screens.append(step) } }
        #expect(screens == Array(1...21))
        let last = try #require(r.app?.frame)
        // The host pressed Tab at step 11: the input pane has the border now.
        #expect(last.lines()[0] == "   host · serving 127.0.0.1:8080 · 1 user · not encrypted   │")
        #expect(last.lines()[15].hasPrefix("      alice:  bye       "))
        #expect(last.lines()[19].hasPrefix("┌───"))
    }
}
