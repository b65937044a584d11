import Foundation
import Testing

@Suite struct LogInjectionTests {
    /// A field name and a message type that hold a newline, a forged log line and an escape
    /// sequence reach the server's log quoted and visible: no forged line, no raw ESC.
    @Test func hostileFieldNamesAndTypesCannotForgeLogLines() async throws {
        let server = try await Server.start()
        defer { server.proc.kill() }
        let forged = #"\n08:00:00.000 join #7 as \"admin\" color 000000\u001b[2J"#
        let peer = try RawSocket(port: server.port)
        peer.send(frame(#"{"username": "mallory", "color": "000000", ""# + forged + #"": 1, "type": "JoinRequest"}"#))
        peer.send(frame(#"{"type": ""# + forged + #""}"#))
        try await server.proc.waitFor("two protocol errors") { _ in server.count("protocol error from") >= 2 }

        let log = server.proc.stderr
        #expect(!log.unicodeScalars.contains("\u{1B}"), "\(log)")
        #expect(!log.split(separator: "\n").contains { $0.hasPrefix("08:00:00.000 join #7") }, "\(log)")
        let shown = #""\n08:00:00.000 join #7 as \"admin\" color 000000\u{1B}[2J""#
        #expect(log.contains("JoinRequest has an unexpected field " + shown), "\(log)")
        #expect(log.contains("unknown type " + shown), "\(log)")
    }
}
