@testable import ChatIO
import ChatState
import Testing

/// The room log over real SQLite files: what it keeps, in which order, and what it answers.
@Suite struct RoomLogTests {
    @Test func entriesAndSequenceNumbersSurviveReopening() throws {
        let dir = TempFolder("roomlog")
        let path = dir.file("deep/er/log.sqlite3")
        let said = [roomEntry(1, "héllo wörld 👋"), roomEntry(2, kind: .join, author: "bob"), roomEntry(3, "line\nbreak"),
                    roomEntry(4, kind: .leave, author: "bob"),
                    RoomEntry(room: "general", seq: 5, wallMillis: 1_764_000_000_000, kind: .chat, author: "",
                              authorUID: nil, color: .defaultUser, text: "", clientID: nil)]
        do {
            let log = try RoomLog(path: path)
            #expect(log.nextSeq(room: "general") == 1)
            #expect(log.record(said) == [])
            #expect(log.nextSeq(room: "general") == 6)
            #expect(log.nextSeq(room: "elsewhere") == 1)
            #expect(try log.latest(room: "general", limit: 2) == Array(said[3...]))
        }
        let again = try RoomLog(path: path)
        #expect(again.nextSeq(room: "general") == 6)
        // Every field comes back as it went in: uid, colour, client id, an empty name and text.
        #expect(try again.latest(room: "general", limit: 100) == said)
    }

    @Test func sequenceNumbersOnlyGrowEvenWhenRetentionEmptiesTheRoom() throws {
        let dir = TempFolder("roomlog")
        let path = dir.file("log.sqlite3")
        do {
            let log = try RoomLog(path: path)
            #expect(log.record((1...10).map { roomEntry($0) }) == [])
            #expect(try log.prune(keepEntries: nil, keepDays: 1, now: 10 + 2 * 86_400_000, budget: 100) == 10)
            #expect(try log.latest(room: "general", limit: 10) == [])
        }
        let log = try RoomLog(path: path)
        #expect(log.nextSeq(room: "general") == 11)
        // A number not above the last one is refused, and said so; the rest are kept.
        #expect(log.record([roomEntry(10), roomEntry(11), roomEntry(11), roomEntry(12)]) == [.refusedOutOfOrder(count: 2)])
        #expect(try log.latest(room: "general", limit: 10).map(\.seq) == [11, 12])
    }

    @Test func pagesAtTheirEdges() throws {
        let dir = TempFolder("roomlog")
        let log = try RoomLog(path: dir.file("log.sqlite3"))
        #expect(log.record((1...10).map { roomEntry($0) } + [roomEntry(1, room: "other"), roomEntry(99, room: "other")]) == [])
        func seqs(_ range: HistoryQuery.Range, _ limit: Int, room: String = "general") throws -> ([Int64], Bool) {
            let a = try log.page(range, limit: limit, room: room)
            #expect(a.id == 7)
            return (a.entries.map(\.seq), a.more)
        }
        #expect(try seqs(.before(seq: .max), 3) == ([8, 9, 10], true))
        #expect(try seqs(.before(seq: 8), 3) == ([5, 6, 7], true))
        #expect(try seqs(.before(seq: 4), 3) == ([1, 2, 3], false))
        #expect(try seqs(.before(seq: 3), 3) == ([1, 2], false))
        #expect(try seqs(.before(seq: 1), 3) == ([], false))
        #expect(try seqs(.before(seq: .min), 3) == ([], false))
        #expect(try seqs(.after(seq: 0), 3) == ([1, 2, 3], true))
        #expect(try seqs(.after(seq: .min), 3) == ([1, 2, 3], true))
        #expect(try seqs(.after(seq: 7), 3) == ([8, 9, 10], false))
        #expect(try seqs(.after(seq: 10), 3) == ([], false))
        #expect(try seqs(.after(seq: .max), 3) == ([], false))
        #expect(try seqs(.before(seq: .max), 10) == (Array(1...10), false))
        #expect(try seqs(.before(seq: .max), 0) == ([], false))
        #expect(try seqs(.before(seq: .max), -5) == ([], false))
        #expect(try seqs(.before(seq: .max), 100, room: "other") == ([1, 99], false))
        #expect(try seqs(.before(seq: .max), 100, room: "nowhere") == ([], false))
    }

    @Test func anAnswerIsCutAtItsLimitAndSeesWhatWasJustAppended() throws {
        let dir = TempFolder("roomlog")
        let log = try RoomLog(path: dir.file("log.sqlite3"))
        #expect(log.record((1...1_500).map { roomEntry($0, "word") }) == [])
        let page = try log.page(.after(seq: 0), limit: 5_000)
        #expect(page.entries.count == RoomLog.maxAnswerEntries && page.more)
        // Appended, not yet committed by the runtime's turn: the answer commits it first.
        log.append([roomEntry(1_501, "fresh")])
        #expect(try log.searchSeqs(["fresh"]) == [1_501])
        #expect(log.commit(now: 0) == [])
    }

    @Test func searchTreatsEveryWordAsTextNeverAsQuerySyntax() throws {
        let dir = TempFolder("roomlog")
        let log = try RoomLog(path: dir.file("log.sqlite3"))
        let texts = ["hello world", "Hello again", "a café in Zürich", "NEAR the end", "say \"quoted\" words",
                     "x-ray and e-mail", "日本語 テキスト", "emoji 😀 only", "hello or goodbye", "stars * and hel*"]
        var entries = texts.enumerated().map { roomEntry(Int64($0.offset + 1), $0.element) }
        entries.append(roomEntry(11, kind: .join, author: "carol"))
        entries.append(roomEntry(12, "from carol", author: "carol"))
        entries.append(roomEntry(13, "hello elsewhere", room: "other"))
        #expect(log.record(entries) == [])

        #expect(try log.searchSeqs(["hello"]) == [9, 2, 1], "newest first, any case, one room")
        #expect(try log.searchSeqs(["HELLO", "world"]) == [1], "all words")
        #expect(try log.searchSeqs(["cafe"]) == [3], "diacritics folded")
        #expect(try log.searchSeqs(["zurich"]) == [3])
        #expect(try log.searchSeqs(["near"]) == [4], "NEAR is a word")
        // As syntax these would match entry 1 (NEAR(hello world)), 9, 2 and 1 (hello OR ...) or
        // 1 (a column filter): as text they are words that must all be there.
        #expect(try log.searchSeqs(["NEAR(hello", "world)"]) == [], "NEAR( is text: no entry says \"near hello\"")
        #expect(try log.searchSeqs(["\"quoted\""]) == [5])
        #expect(try log.searchSeqs(["\"quoted"]) == [5], "an unbalanced quote")
        #expect(try log.searchSeqs(["-hello"]) == [9, 2, 1], "a leading - is not NOT")
        #expect(try log.searchSeqs(["x-ray"]) == [6], "a hyphenated word is its parts in a row")
        #expect(try log.searchSeqs(["ray-x"]) == [])
        #expect(try log.searchSeqs(["hel*"]) == [10], "no prefix search: hel* is the word hel")
        #expect(try log.searchSeqs(["hello", "OR", "goodbye"]) == [9], "OR is a word, and all words must match")
        #expect(try log.searchSeqs(["hello", "OR", "again"]) == [])
        #expect(try log.searchSeqs(["日本語"]) == [7])
        #expect(try log.searchSeqs(["carol"]) == [12], "by author; joins are not indexed")
        #expect(try log.searchSeqs(["text:hello"]) == [], "no column filters")
        #expect(try log.page(.search(words: ["hello"]), limit: 100, room: "other").entries.map(\.seq) == [13])
        for nothing: [String] in [[], ["*"], ["-"], ["\""], ["\"\""], ["!!!", "...", "()"], ["😀"], [" "], [""]] {
            #expect(try log.searchSeqs(nothing) == [], "\(nothing)")
        }
        // A punctuation word beside a real one is left out, not an error.
        #expect(try log.searchSeqs(["*", "world"]) == [1])
        let many = (0..<1_000).map { "w\($0)" }
        #expect(try log.searchSeqs(many) == [])
        #expect(log.record([roomEntry(14, many.joined(separator: " "))]) == [])
        #expect(try log.searchSeqs(many.reversed()) == [14])
        let two = try log.page(.search(words: ["hello"]), limit: 2)
        #expect(two.entries.map(\.seq) == [9, 2] && two.more)
    }

    @Test func retentionDeletesTheOldestInBudgetsAndKeepsTheIndexInStep() throws {
        let dir = TempFolder("roomlog")
        let path = dir.file("log.sqlite3")
        let log = try RoomLog(path: path)
        let day: Int64 = 86_400_000
        // 100 entries a day apart, every fifth a join; each chat holds "common" and its own word.
        let entries = (1...100).map { (i: Int64) in
            i % 5 == 0 ? roomEntry(i, kind: .join, wallMillis: i * day) : roomEntry(i, "common only\(i)", wallMillis: i * day)
        }
        #expect(log.record(entries) == [])
        #expect(try log.indexed("common") == 0, "a small commit leaves indexing for later")
        #expect(try log.indexPending(budget: 30) == 70)
        #expect(try log.indexed("common") == 24)
        #expect(try log.indexPending(budget: 1_000) == 0)
        #expect(try log.indexed("common") == 80)
        var rounds: [Int] = []
        while true {
            let n = try log.prune(keepEntries: 10, keepDays: nil, now: 0, budget: 30)
            rounds.append(n)
            if n < 30 { break }
        }
        #expect(rounds == [30, 30, 30, 0])
        #expect(try log.latest(room: "general", limit: 100).map(\.seq) == Array(91...100))
        #expect(try log.indexed("common") == 8)
        #expect(try log.searchSeqs(["only90"]) == [] && log.searchSeqs(["only91"]) == [91])
        // Days: entries 91...95 are more than 5 days older than day 100.
        #expect(try log.prune(keepEntries: nil, keepDays: 5, now: 100 * day, budget: 500) == 4)
        #expect(try log.latest(room: "general", limit: 100).map(\.seq) == Array(95...100))
        try log.db.execute("INSERT INTO search(search) VALUES ('integrity-check')")
        // The count kept in `rooms` matches the rows, also for the next server.
        #expect(try log.db.integer("SELECT entries FROM rooms WHERE name = 'general'") == 6)
        #expect(try log.db.integer("SELECT count(*) FROM entries") == 6)
    }

    @Test func theIndexTrailsTheRowsButNoSearchMissesAnEntry() throws {
        let dir = TempFolder("roomlog")
        let path = dir.file("log.sqlite3")
        do {
            let log = try RoomLog(path: path)
            let n = RoomLog.indexBatch
            #expect(log.record((1...(n - 1)).map { roomEntry($0, "early") }) == [])
            #expect(try log.indexed("early") == 0)
            // The commit that reaches the batch indexes everything in the same transaction.
            #expect(log.record([roomEntry(n, "early")]) == [])
            #expect(try log.indexed("early") == n)
            #expect(log.record([roomEntry(n + 1, "late"), roomEntry(n + 2, "late")]) == [])
            #expect(try log.indexed("late") == 0)
        }
        // Reopened: the unindexed tail is still there to index, and a search indexes it first.
        let log = try RoomLog(path: path)
        #expect(try log.searchSeqs(["late"]) == [RoomLog.indexBatch + 2, RoomLog.indexBatch + 1])
        #expect(try log.indexed("late") == 2)
        // Retention taking rows the index never held (and the newest of all) leaves it whole.
        #expect(log.record([roomEntry(RoomLog.indexBatch + 3, "gone")]) == [])
        #expect(try log.prune(keepEntries: nil, keepDays: 1, now: 10 * 86_400_000, budget: 100_000) == Int(RoomLog.indexBatch) + 3)
        #expect(try log.searchSeqs(["gone"]) == [] && log.searchSeqs(["early"]) == [])
        #expect(try log.indexPending(budget: 10) == 0)
        try log.db.execute("INSERT INTO search(search) VALUES ('integrity-check')")
        #expect(try log.indexed("early") == 0)
    }

    @Test func thePathFollowsTheListeningAddressAndTheStateFolderRules() throws {
        var o = StoreOptions()
        let env = ["HOME": "/home/u", "XDG_STATE_HOME": "/state"]
        #expect(try o.path(host: "0.0.0.0", port: 8080, environment: env) == "/state/pychat/0.0.0.0_8080.sqlite3")
        #expect(try o.path(host: "::1", port: 8080, environment: ["HOME": "/home/u"]) == "/home/u/.local/state/pychat/__1_8080.sqlite3")
        #expect(try o.path(host: "a/../b", port: 1, environment: env) == "/state/pychat/a_.._b_1.sqlite3")
        // A relative XDG_STATE_HOME is to be ignored, says the XDG rule.
        #expect(try o.path(host: "h", port: 1, environment: ["HOME": "/home/u", "XDG_STATE_HOME": "rel"])
                == "/home/u/.local/state/pychat/h_1.sqlite3")
        #expect(try o.path(host: "h", port: 0, environment: env) == nil, "a random port keeps nothing by default")
        #expect(roomLogError { _ = try o.path(host: "h", port: 1, environment: [:]) }?.description.contains("--data") == true)
        o.folder = "/data"
        #expect(try o.path(host: "h", port: 0, environment: env) == "/data/h_0.sqlite3")
        o.ephemeral = true
        #expect(try o.path(host: "h", port: 1, environment: env) == nil)
    }
}
