import Foundation
import Testing
@testable import ChatState

/// What one hostile frame of about 64 KiB costs, from its bytes to every effect: the worst
/// cases of issue #11 for the JSON decoder, the text and name rules and the room. Prints the
/// numbers; asserts nothing about time. Run it in release:
///   PYCHAT_BENCH=1 swift test -c release --filter DecodeBenchmark
@Suite(.enabled(if: ProcessInfo.processInfo.environment["PYCHAT_BENCH"] == "1"))
struct DecodeBenchmark {
    static let frameBudget = 65_000

    /// A body of `item` repeated (numbered by its index) inside `open` and `close`, as long
    /// as it stays under the frame budget.
    static func filled(_ open: String, _ item: (Int) -> String, _ close: String) -> [UInt8] {
        var body = Array(open.utf8)
        var n = 0
        while true {
            let next = Array(((n > 0 ? ", " : "") + item(n)).utf8)
            if body.count + next.count + close.utf8.count > frameBudget { break }
            body += next
            n += 1
        }
        return body + Array(close.utf8)
    }

    static func key(_ n: Int, base: UInt32, radix: Int) -> String {
        var s = String.UnicodeScalarView()
        var v = n
        repeat {
            s.append(Unicode.Scalar(base + UInt32(v % radix))!)
            v /= radix
        } while v > 0
        return String(s)
    }

    static func chat(_ textJSON: String) -> [UInt8] { Array((#"{"uid": null, "text": ""# + textJSON + #"", "type": "ChatMessage"}"#).utf8) }

    /// (name, kind, body, sent after joining?)
    static var cases: [(String, UInt8, [UInt8], Bool)] {
        let manyKeys = { (base: UInt32, radix: Int) in
            filled(#"{"type": "Probe", "#, { "\"\(key($0, base: base, radix: radix))\": 0" }, "}")
        }
        return [
            ("kind 2, many ASCII keys", 2, manyKeys(0x61, 26), false),
            ("kind 2, many combining-mark keys", 2, manyKeys(0x300, 112), false),
            ("kind 2, many CJK keys", 2, manyKeys(0x4E00, 20_000), false),
            ("kind 1, many keys, lone surrogates", 1, filled(#"{"type": "X", "#, { #""\ud800\#($0)": 0"# }, "}"), true),
            ("deep nesting, 64 levels, repeated", 1,
             filled("[", { _ in String(repeating: "[", count: 63) + String(repeating: "]", count: 63) }, "]"), true),
            ("nested too deep", 1, Array((String(repeating: "[", count: 30_000) + String(repeating: "]", count: 30_000)).utf8), true),
            ("many numbers", 1, filled("[", { "-\($0).5e+10" }, "]"), true),
            ("huge array", 1, filled("[", { _ in "0" }, "]"), true),
            ("chat: 10 800 escapes (é), relayed", 1, chat(String(repeating: #"\u00e9"#, count: 10_800)), true),
            ("chat: 16 000 escaped 👍🏽, refused", 1, chat(String(repeating: #"\ud83d\udc4d\ud83c\udffd"#, count: 2_700)), true),
            ("chat: raw 👍🏽 x 8 000, refused", 1, chat(String(repeating: "👍🏽", count: 8_000)), true),
            ("chat: 1 cluster of 32 000 accents, refused", 1, chat("a" + String(repeating: "\u{301}", count: 32_000)), true),
            ("chat: 2 000 clusters of 31 accents", 1, chat(String(repeating: "a" + String(repeating: "\u{301}", count: 31), count: 1_000)), true),
            ("chat: 16 000 regional indicators", 1, chat(String(repeating: "🇫", count: 16_000)), true),
            ("chat: 10 800 escaped controls", 1, chat(String(repeating: #"\u0007"#, count: 10_800)), true),
            ("join: name of 32 000 accents", 1,
             Array((#"{"username": "a"# + String(repeating: "\u{301}", count: 32_000) + #"", "color": "000000", "type": "JoinRequest"}"#).utf8), false),
            ("join: name of 10 800 escapes", 1,
             Array((#"{"username": ""# + String(repeating: #"\u4e2d"#, count: 10_800) + #"", "color": "000000", "type": "JoinRequest"}"#).utf8), false),
        ]
    }

    static let server = AppConfig(role: .server, host: "127.0.0.1", port: 8080, username: "host", color: "00aa00",
                                  hostUID: Fix.hostUID)

    /// A room with two members (the second the sender), ready for the frame under test.
    static func room(joined: Bool) -> ChatApp {
        var app = ChatApp(config: server)
        for (n, conn) in [Fix.c1, Fix.c2].enumerated() {
            _ = app.reduce(.accepted(conn: conn, uid: n == 0 ? Fix.uid1 : Fix.uid2, remote: "r"))
            if joined || n == 0 {
                _ = app.reduce(.received(conn: conn, bytes: Fix.frame(.joinRequest(username: "u\(n)", color: "000000"))))
            }
        }
        _ = app.reduce(.timer(.announce))
        return app
    }

    @Test func worstCaseFrames() {
        let clock = ContinuousClock()
        var lines: [String] = []
        var worst = Duration.zero
        for (name, kind, body, joined) in Self.cases {
            let frame = Bytes(FrameCodec.frame(kind: kind, parts: body))
            var best = Duration.seconds(1000)
            var effects = 0
            for _ in 0..<20 {
                var app = Self.room(joined: joined)
                let t = clock.measure { effects = app.reduce(.received(conn: Fix.c2, bytes: frame)).count }
                best = min(best, t)
            }
            worst = max(worst, best)
            let ms = Double(best.components.attoseconds) / 1e15 + Double(best.components.seconds) * 1e3
            lines.append("  \(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(String(format: "%6.2f", ms)) ms"
                         + "  (\(frame.array.count) bytes, \(effects) effects)")
        }
        // A pychat client shown a chat of 10 800 escaped characters.
        var client = ChatApp(config: AppConfig(role: .client, host: "h", port: 1, username: "me",
                                               terminal: TerminalSize(cols: 120, rows: 40)))
        _ = client.reduce(.connected(conn: ConnID(0), remote: "r"))
        _ = client.reduce(.received(conn: ConnID(0), bytes: Fix.serverInfo([(Fix.uid1, "me", "000000")], for: Fix.uid1)))
        let shown = Bytes(FrameCodec.frame(kind: 1, parts: Self.chat(String(repeating: #"\u4e2d"#, count: 10_800))))
        let clientTime = clock.measure { _ = client.reduce(.received(conn: ConnID(0), bytes: shown)) }
        print("decode benchmark, one frame of about 64 KiB each, best of 20, decode to effects:\n"
              + lines.joined(separator: "\n")
              + "\n  worst: \(worst)\n  a client with a screen, shown 10 800 CJK characters: \(clientTime)")
    }
}
