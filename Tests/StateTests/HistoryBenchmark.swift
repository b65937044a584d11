import Foundation
import Testing
@testable import ChatState

/// Prints what 1 000 joins cost the room when each joiner is sent the latest 100 entries of a
/// restored log, next to 1 000 original joiners who are sent none; then 1 000 chats relayed to
/// those 1 000 pychat members by one of them, each stamped. Asserts nothing about time.
///   PYCHAT_BENCH=1 swift test --filter HistoryBenchmark
@Suite(.enabled(if: ProcessInfo.processInfo.environment["PYCHAT_BENCH"] == "1"))
struct HistoryBenchmark {
    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
    /// Seconds as the benchmarks print them.
    static func f(_ x: Double) -> String { String(format: "%.3f", x) }

    /// A room restored from a log whose memory is full (`Limits.roomMemoryEntries` ordinary chats),
    /// without a chat rate: the bursts measured are relaying, not the flood control.
    static func restoredRoom() -> ChatApp {
        var config = RoomTests.config
        config.chatRate = 0
        var app = ChatApp(config: config)
        let text = String(repeating: "a fairly ordinary line of chat ", count: 3)
        let log = (1...Int64(Limits.roomMemoryEntries)).map {
            RoomEntry(room: "general", seq: $0, wallMillis: 1_700_000_000_000 + $0, kind: .chat, author: "old\($0 % 50)",
                      authorUID: nil, color: RGB.cleaned("336699"), text: text)
        }
        _ = app.reduce(.restored(room: "general", nextSeq: Int64(log.count + 1), latest: log))
        return app
    }

    func run(pychat: Bool) -> (joins: Double, chats: Double, bytes: Int) {
        var app = Self.restoredRoom()
        let sign = NegotiationTests.sign.array
        let frames = (0..<1000).map { Bytes((pychat ? sign : []) + FrameCodec.frame(.joinRequest(username: "u\($0)", color: "000000"))) }
        var bytes = 0
        let clock = ContinuousClock()
        let joins = clock.measure {
            for n in 0..<1000 {
                let conn = ConnID(UInt64(n + 1))
                _ = app.reduce(.accepted(conn: conn, uid: UID(high: 3, low: UInt64(n)), remote: "r"))
                for case let .send(to, b) in app.reduce(.received(conn: conn, bytes: frames[n])) { bytes += to.count * b.array.count }
            }
        }
        _ = app.reduce(.timer(.announce))
        let chat = Bytes(FrameCodec.frame(.chat(uid: nil, text: "hello, everyone")))
        // One member's burst: what a stamp adds per line (a new speaker in a room this large costs
        // short tables to everyone, stamped or not, which is not what this measures).
        let chats = clock.measure {
            for _ in 0..<1000 { _ = app.reduce(.received(conn: ConnID(1), bytes: chat)) }
        }
        return (Self.seconds(joins), Self.seconds(chats), bytes)
    }

    @Test func thousandJoinsWithHistory() {
        let original = run(pychat: false)
        let pychat = run(pychat: true)
        let f = Self.f
        print("HistoryBenchmark: 1000 joins, pychat (100 entries each): \(f(pychat.joins)) s, \(pychat.bytes / 1000) kB sent; "
              + "original (none): \(f(original.joins)) s, \(original.bytes / 1000) kB; "
              + "1000 chats by one member to 999, stamped: \(f(pychat.chats)) s, unstamped: \(f(original.chats)) s")
    }
}
