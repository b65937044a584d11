import Foundation

/// Which seeds a test run covers, and how the environment changes that.
enum Seeds {
    /// Seeds that must always pass: regressions found by the simulator, and a few plain ones.
    static let fixed: [UInt64] = [
        0, 1, 2, 3, 42, 1234, 0xDEAD_BEEF, 0xC0FF_EE00_0000_0001, UInt64.max,
        // Frames read together with an over-limit header were dropped (Room, FrameDecoder).
        3_250_521_859_483_920_707, 4_701_415_392_448_745_893, 16_543_203_061_184_131_814,
        // The simulator's own bug: a scheduled cut postponed a slow consumer's pending reset.
        5_330_094_294_742_298_611, 10_538_091_287_518_372_942,
        // The runtime fired a timer that a step of the same turn had re-armed (Timers.popDue).
        9_361_747_780_276_100_655, 2_742_326_147_497_800_351,
        // The runtime never read a closing connection paused for its rate (the loop spun on it).
        2_292_684_769_571_989_531,
        // The flow oracle missed a pause begun by the host's line (checked after every turn only).
        11_020_326_199_563_968_597,
        // The simulator's own model: a room dropped while a member was cut off and made again
        // before its rejoin still owed it the dropped room's chats (RoomReconnects).
        14_913_739_217_654_080_429,
        // A leave that was sent to nobody stayed uncommitted past its turn: a kill between two
        // turns lost it (Runtime.turn commits at its end now).
        8_912_392_362_885_626_113,
        // The simulator's own model: a client banned before its rejoin's Resume was answered was
        // still owed what it missed before that rejoin (the held live lines are shown at removal).
        17_140_385_595_096_145_247,
        // The simulator's own model: its own chat, carried by a Resumed but not shown from it, was
        // taken for a carried line when a search in the same step showed it (order "35 after 39").
        9_226_260_762_602_271_656,
        // A resume cut after the first frames of its answer: what they showed was not remembered
        // as seen, so the next rejoin showed it again (ClientSession.resumed).
        4_533_656_609_894_439_141,
        // The simulator's own model: a room's Resumed was taken for #general's, so a search's
        // #general entry 18 counted as carried because #rust's answer held an entry 18.
        8_386_469_406_150_847_415,
        // The simulator's own model: a client's chats sent again on a new connection while its
        // old one still lived (a ghost holding them for the flood rate) are relayed once, from
        // whichever the room acts on first; the other copy only gets an Ack.
        1_162_525_007_479_985_705, 15_029_088_147_728_734_626,
    ]

    static let environment = ProcessInfo.processInfo.environment

    /// `PYCHAT_SIM_SEED=123` (or `0x7b`): run this one seed only.
    static var single: UInt64? { environment["PYCHAT_SIM_SEED"].flatMap(parse) }

    /// `PYCHAT_SIM_COUNT=100000`: how many commit-derived seeds to run (default 1 000).
    static var count: Int { environment["PYCHAT_SIM_COUNT"].flatMap { Int($0) } ?? 1_000 }

    /// `PYCHAT_SIM_LOG=/path`: where to write the server's event log of the seed run alone, or
    /// of the first failing seed.
    static var logPath: String? { environment["PYCHAT_SIM_LOG"].flatMap { $0.isEmpty ? nil : $0 } }

    static func parse(_ text: String) -> UInt64? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("0x") || t.hasPrefix("0X") { return UInt64(t.dropFirst(2), radix: 16) }
        return UInt64(t)
    }

    /// Every seed of a normal run: the fixed ones, then `count` derived from the commit, so
    /// each commit explores new sessions while any failure still names its seed.
    static var all: [UInt64] {
        if let single { return [single] }
        return fixed + SimRandom.seeds(from: commitBase, count: count)
    }

    /// The first 16 hex digits of the checked-out commit, or a constant outside a git checkout.
    /// Reads `.git` directly (a directory, or a worktree's `gitdir:` file), no git process.
    static let commitBase: UInt64 = {
        let fallback: UInt64 = 0x5EED_0F_C4A7_0001
        guard let hash = commitHash() else { return fallback }
        return UInt64(hash.prefix(16), radix: 16) ?? fallback
    }()

    static func commitHash(filePath: String = #filePath) -> String? {
        // This file lives in <root>/Simulations/.
        let root = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
        func read(_ url: URL) -> String? {
            (try? String(contentsOf: url, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var gitDir = root.appendingPathComponent(".git")
        if let text = read(gitDir), text.hasPrefix("gitdir:") {
            let path = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespaces)
            gitDir = path.hasPrefix("/") ? URL(fileURLWithPath: path) : root.appendingPathComponent(path)
        }
        guard let head = read(gitDir.appendingPathComponent("HEAD")) else { return nil }
        guard head.hasPrefix("ref:") else { return head }
        let ref = head.dropFirst(4).trimmingCharacters(in: .whitespaces)
        // A worktree keeps its refs in the common directory.
        var dirs = [gitDir]
        if let common = read(gitDir.appendingPathComponent("commondir")) {
            dirs.append(common.hasPrefix("/") ? URL(fileURLWithPath: common) : gitDir.appendingPathComponent(common))
        }
        for dir in dirs {
            if let hash = read(dir.appendingPathComponent(ref)) { return hash }
            if let packed = read(dir.appendingPathComponent("packed-refs")) {
                for line in packed.split(separator: "\n") where line.hasSuffix(" " + ref) {
                    return String(line.prefix(while: { $0 != " " }))
                }
            }
        }
        return nil
    }
}
