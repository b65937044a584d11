import Foundation
import Testing
@testable import ChatState

/// Prints what 5 000 joins cost the room, with one name and with distinct names; asserts
/// nothing about time. Run it in release:
///   PYCHAT_BENCH=1 swift test -c release --filter NameBenchmark
@Suite(.enabled(if: ProcessInfo.processInfo.environment["PYCHAT_BENCH"] == "1"))
struct NameBenchmark {
    func joins(_ count: Int, name: (Int) -> String) -> (seconds: Double, names: Int) {
        var app = ChatApp(config: RoomTests.config)
        let frames = (0..<count).map { Fix.frame(.joinRequest(username: name($0), color: "000000")) }
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for n in 0..<count {
                let conn = ConnID(UInt64(n + 1))
                _ = app.reduce(.accepted(conn: conn, uid: UID(high: 1, low: UInt64(n)), remote: "r"))
                _ = app.reduce(.received(conn: conn, bytes: frames[n]))
            }
        }
        let names = Set(app.room!.members.map { $0.name.lowercased() }).count
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, names)
    }

    @Test func fiveThousandJoins() {
        let same = joins(5_000) { _ in String(repeating: "é", count: 32) }
        let distinct = joins(5_000) { "user\($0)" }
        print("NameBenchmark: 5000 joins named \"é\"*32: \(String(format: "%.3f", same.seconds)) s (\(same.names) names); "
              + "5000 distinct names: \(String(format: "%.3f", distinct.seconds)) s (\(distinct.names) names)")
    }
}
