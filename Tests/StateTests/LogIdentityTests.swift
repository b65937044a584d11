import Testing
@testable import ChatState

/// The room log's identity (issue #13): a server without a log numbers its entries from 1 again
/// after a restart, so a resuming client's "after 8" would skip the new log's first entries.
/// The interpreter names the log (`Event.logIdentity`); a client says which log its number is
/// of, and a server whose log is another sends it the latest entries instead.
@Suite struct LogIdentityTests {
    @Test func resumeAndResumedCarryTheLogOnlyWhenKnown() throws {
        let session = ResumePair.session
        let cases: [(ExtensionMessage, String)] = [
            (.resume(session: session, after: 8, log: "0f1c0d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f"),
             #"{"type": "Resume", "session": "6f1c0d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f", "after": 8, "log": "0f1c0d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f"}"#),
            (.resume(session: session, after: nil), #"{"type": "Resume", "session": "6f1c0d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f", "after": null}"#),
            (.resumed(ResumedPart(room: "general", lastChat: 0, skipped: 0, through: 3, entries: [], done: true, log: "L2")),
             #"{"type": "Resumed", "room": "general", "lastChat": 0, "skipped": 0, "through": 3, "log": "L2", "entries": [], "done": true}"#),
        ]
        for (message, json) in cases {
            let frame = ExtensionCodec.frame(message)
            #expect(frame == FrameCodec.frame(kind: 2, parts: Array(json.utf8)))
            #expect(try ExtensionCodec.decode(Array(frame.dropFirst(5))) == message)
        }
        // An older peer's messages, without the field, and a null one: no log named.
        #expect(try ExtensionCodec.decode(Array(#"{"type": "Resume", "session": "6f1c0d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f", "after": 8, "log": null}"#.utf8))
            == .resume(session: session, after: 8))
        #expect(throws: DecodeError.self) {
            try ExtensionCodec.decode(Array(#"{"type": "Resume", "session": "6f1c0d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f", "after": 8, "log": 7}"#.utf8))
        }
    }

    /// The server goes away and an ephemeral one starts in its place, naming its log `log`;
    /// bob (an original client) is back first and says `lines`.
    static func restart(_ p: inout ResumePair, log: String, saying lines: [String]) {
        p.cut()
        var config = RoomTests.config
        config.chatRate = 0
        p.server = ChatApp(config: config)
        p.tick(0)
        _ = p.serverStep(.logIdentity(log))
        _ = p.serverStep(.accepted(conn: ResumePair.bob, uid: Fix.uid2, remote: "b"))
        _ = p.serverStep(.received(conn: ResumePair.bob, bytes: Fix.frame(.joinRequest(username: "bob", color: "0000ff"))))
        for line in lines { p.bobSays(line) }
    }

    @Test func aClientBackOnAServerWhoseLogStartedAgainIsSentItsLatestEntries() throws {
        var p = ResumePair()
        Self.restart(&p, log: "log-1", saying: [])
        p.reconnect()
        #expect(p.client.session?.link.logID == "log-1")
        for n in 1...5 { p.bobSays("a\(n)") }
        p.pump()
        let seen = try #require(p.client.session?.link.lastSeen)
        // The new log's numbers pass the old ones: "after `seen`" would start in its middle.
        let fresh = (1...12).map { "b\($0)" }
        Self.restart(&p, log: "log-2", saying: fresh)
        p.clientEffects = []
        p.reconnect()
        #expect(p.clientEffects.contains(.send(to: [p.conn!], bytes: Bytes(ExtensionCodec.frame(
            .resume(session: ResumePair.session, after: seen, log: "log-1"))))))
        #expect(Array(p.shownChats.suffix(12)) == fresh, "\(p.shownChats)")
        #expect(p.shown.contains(.notice("── the server's room log started again: its latest entries follow ──")))
        #expect(p.client.session?.link.logID == "log-2")
        // And from the same log, resuming is "after" as ever: nothing twice, nothing missed.
        p.cut()
        p.bobSays("c1")
        let before = p.shownChats.count
        p.reconnect()
        #expect(Array(p.shownChats.dropFirst(before)) == ["c1"])
    }
}
