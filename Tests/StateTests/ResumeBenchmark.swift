import Foundation
import Testing
@testable import ChatState

/// Prints what resuming costs the room: 1 000 members of a restored log rejoin, each having
/// missed the latest 1 000 entries (the bound: each is sent every one of them), next to 1 000
/// rejoining on a first join (the latest 100); then one member's 1 000 chats with ids, each
/// acknowledged, next to the same as ChatMessages. Asserts nothing about time.
///   PYCHAT_BENCH=1 swift test -c release --filter ResumeBenchmark
@Suite(.enabled(if: ProcessInfo.processInfo.environment["PYCHAT_BENCH"] == "1"))
struct ResumeBenchmark {
    func run(missing: Bool) -> (resumes: Double, bytes: Int, chats: Double) {
        var app = HistoryBenchmark.restoredRoom()
        let sign = PeerSign.frame(.ours)
        var bytes = 0
        let clock = ContinuousClock()
        for n in 0..<1000 {
            let conn = ConnID(UInt64(n + 1))
            _ = app.reduce(.accepted(conn: conn, uid: UID(high: 3, low: UInt64(n)), remote: "r"))
            _ = app.reduce(.received(conn: conn, bytes: Bytes(sign + FrameCodec.frame(.joinRequest(username: "u\(n)", color: "000000")))))
        }
        _ = app.reduce(.timer(.announce))
        let asks = (0..<1000).map { n in
            // Member n joined as entry 1001 + n: having seen entry n, it missed exactly 1 000.
            Bytes(ExtensionCodec.frame(.resume(session: UID(high: 9, low: UInt64(n)), after: missing ? Int64(n) : nil)))
        }
        let resumes = clock.measure {
            for n in 0..<1000 {
                for case let .send(to, b) in app.reduce(.received(conn: ConnID(UInt64(n + 1)), bytes: asks[n])) {
                    bytes += to.count * b.array.count
                }
            }
        }
        let chats = (1...1000).map { Bytes(ExtensionCodec.frame(.chat(id: Int64($0), text: "hello, everyone"))) }
        let sending = clock.measure {
            for c in chats { _ = app.reduce(.received(conn: ConnID(1), bytes: c)) }
        }
        return (HistoryBenchmark.seconds(resumes), bytes, HistoryBenchmark.seconds(sending))
    }

    @Test func thousandRejoinsAfterMissingAThousand() {
        let missed = run(missing: true)
        let fresh = run(missing: false)
        print("ResumeBenchmark: 1000 resumes that missed 1000 entries: \(HistoryBenchmark.f(missed.resumes)) s, "
              + "\(missed.bytes / 1000) kB sent; 1000 first joins (the latest 100): \(HistoryBenchmark.f(fresh.resumes)) s, "
              + "\(fresh.bytes / 1000) kB; 1000 chats with ids by one member to 999, acknowledged: \(HistoryBenchmark.f(missed.chats)) s")
    }
}
