@testable import ChatIO
import ChatState
import Foundation
import Testing

/// What the room log costs, printed, never asserted:
///   PYCHAT_BENCH=1 swift test -c release --filter RoomLogBenchmark
/// Appends in commits of 1, 10 and 1 000 entries; the index batch's trade (`indexBatchSizes`); a log of 1 million entries opened again
/// (open, nextSeq, the newest 100); searches over it for a word in every entry and a word in
/// one; retention deleting in budgets of 500.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["PYCHAT_BENCH"] == "1"), .serialized)
struct RoomLogBenchmark {
    static let million = Int(ProcessInfo.processInfo.environment["PYCHAT_BENCH_ENTRIES"] ?? "") ?? 1_000_000

    /// Chat-like texts: "the" in every one, then words from a 2 000-word vocabulary, the low
    /// ranks far more often (roughly Zipf), from a fixed seed.
    struct Texts {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let vocabulary = (0..<2_000).map { "w\(String($0, radix: 36))" }

        /// xorshift64*: a fixed, cheap sequence, so every run measures the same texts.
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }

        mutating func text() -> String {
            var words = ["the"]
            for _ in 0..<(4 + Int(next() % 8)) {
                let r = Double(next() % 1_000_000) / 1_000_000
                words.append(vocabulary[Int(r * r * r * Double(vocabulary.count))])
            }
            return words.joined(separator: " ")
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func fill(_ log: RoomLog, count: Int, batch: Int, texts: inout Texts) {
        var seq = log.nextSeq(room: "general")
        var left = count
        while left > 0 {
            let n = min(batch, left)
            var entries: [RoomEntry] = []
            entries.reserveCapacity(n)
            for _ in 0..<n {
                entries.append(RoomEntry(room: "general", seq: seq, wallMillis: 1_764_000_000_000 + seq * 1_000,
                                         kind: seq % 10 == 0 ? .join : .chat, author: "member\(seq % 200)",
                                         authorUID: UID(high: UInt64(seq), low: 42), color: .defaultUser,
                                         text: seq % 10 == 0 ? "" : texts.text()))
                seq += 1
            }
            log.append(entries)
            let statuses = log.commit(now: 0)
            precondition(statuses.isEmpty, "\(statuses)")
            left -= n
        }
    }

    @Test func appendThroughput() throws {
        var texts = Texts()
        for (batch, total) in [(1, 20_000), (10, 50_000), (1_000, 200_000)] {
            let dir = TempFolder("bench-append")
            let log = try RoomLog(path: dir.file("log.sqlite3"))
            let t = ContinuousClock().measure { Self.fill(log, count: total, batch: batch, texts: &texts) }
            let s = Self.seconds(t)
            print(String(format: "RoomLogBenchmark append: %5d per commit: %8.0f entries/s, %7.1f µs per commit (%d entries)",
                         batch, Double(total) / s, s / Double(total / batch) * 1e6, total))
        }
    }

    /// What the index batch trades: a commit of one entry costs the rows only, except the one
    /// that reaches the batch, which indexes it; and the first search after a burst indexes
    /// up to a batch before it can answer (the worst case: one entry short of a batch).
    @Test func indexBatchSizes() throws {
        for batch: Int64 in [250, 500, 1_000, 2_000] {
            let dir = TempFolder("bench-batch")
            let log = try RoomLog(path: dir.file("log.sqlite3"), indexBatch: batch)
            var texts = Texts()
            Self.fill(log, count: 200_000, batch: 1_000, texts: &texts)
            var commits: [Double] = []
            let appended = ContinuousClock().measure {
                for _ in 0..<10_000 {
                    let t = ContinuousClock().measure { Self.fill(log, count: 1, batch: 1, texts: &texts) }
                    commits.append(Self.seconds(t) * 1e3)
                }
            }
            commits.sort()
            var searches: [Double] = []
            for _ in 0..<5 {
                let short = Int(batch - 1 - (log.newestID - log.indexedThrough))
                if short > 0 { Self.fill(log, count: short, batch: short, texts: &texts) }
                let t = try ContinuousClock().measure {
                    _ = try log.answer(HistoryQuery(id: 1, room: "general", range: .search(words: ["the"]), limit: 50))
                }
                searches.append(Self.seconds(t) * 1e3)
            }
            searches.sort()
            print(String(format: "RoomLogBenchmark index batch %4d: commits of 1: %6.0f entries/s, p99 %.2f ms, worst %.2f ms; "
                         + "first search after %d unindexed: median %.1f ms, worst %.1f ms",
                         batch, 10_000 / Self.seconds(appended), commits[9_899], commits[9_999], batch - 1, searches[2], searches[4]))
        }
    }

    @Test func aMillionEntries() throws {
        let dir = TempFolder("bench-million")
        let path = dir.file("log.sqlite3")
        var texts = Texts()
        do {
            let log = try RoomLog(path: path)
            // The rare word: in the oldest entry only, so a newest-first search walks back to it.
            log.append([RoomEntry(room: "general", seq: 1, wallMillis: 0, kind: .chat,
                                  author: "x", authorUID: nil, color: .defaultUser, text: "a zyzzyva appears")])
            _ = log.commit(now: 0)
            let t = ContinuousClock().measure { Self.fill(log, count: Self.million - 1, batch: 1_000, texts: &texts) }
            print(String(format: "RoomLogBenchmark fill: %d entries in %.1f s", Self.million, Self.seconds(t)))
            try log.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        print(String(format: "RoomLogBenchmark size: %.0f MB for %d entries (%.0f bytes each)",
                     Double(size) / 1e6, Self.million, Double(size) / Double(Self.million)))

        var opened: RoomLog?
        var newest: [RoomEntry] = []
        let open = try ContinuousClock().measure {
            let log = try RoomLog(path: path)
            _ = log.nextSeq(room: "general")
            newest = try log.latest(room: "general", limit: 100)
            opened = log
        }
        let log = try #require(opened)
        print(String(format: "RoomLogBenchmark restart: open + nextSeq + latest(100) with %d entries: %.1f ms (%d shown)",
                     Self.million, Self.seconds(open) * 1e3, newest.count))
        // What a restarted server also asks of each room before it listens: its latest topic
        // (this room has none, the worst case: a walk of the whole room).
        var topic: RoomEntry?
        let topicTime = try ContinuousClock().measure { topic = try log.latestTopic(room: "general") }
        print(String(format: "RoomLogBenchmark restart: latestTopic with %d entries and no topic: %.1f ms (%@)",
                     Self.million, Self.seconds(topicTime) * 1e3, topic == nil ? "none" : "found"))

        for (name, words) in [("common (every entry)", ["the"]), ("common pair", ["the", "w0"]),
                              ("rare (one entry)", ["zyzzyva"]), ("absent", ["nowhere"])] {
            var found = 0
            var times: [Double] = []
            for _ in 0..<5 {
                let t = try ContinuousClock().measure {
                    found = try log.answer(HistoryQuery(id: 1, room: "general", range: .search(words: words), limit: 50)).entries.count
                }
                times.append(Self.seconds(t) * 1e3)
            }
            times.sort()
            print(String(format: "RoomLogBenchmark search %@ over %d: median %.2f ms, worst %.2f ms (%d found)",
                         name, Self.million, times[2], times[4], found))
        }

        // The oldest tenth goes, a budget per call, as the runtime's idle calls would.
        var deleted = 0
        var calls = 0
        var worst = 0.0
        let prune = try ContinuousClock().measure {
            while true {
                let t0 = ContinuousClock.now
                let n = try log.prune(keepEntries: Self.million - Self.million / 10, keepDays: nil, now: 0,
                                      budget: StoreOptions.pruneBudget)
                worst = max(worst, Self.seconds(ContinuousClock.now - t0))
                deleted += n
                calls += 1
                if n < StoreOptions.pruneBudget { break }
            }
        }
        print(String(format: "RoomLogBenchmark prune: %d entries in %d calls of %d: %.0f entries/s, %.2f ms per call, worst %.2f ms",
                     deleted, calls, StoreOptions.pruneBudget, Double(deleted) / Self.seconds(prune),
                     Self.seconds(prune) / Double(calls) * 1e3, worst * 1e3))
    }
}
