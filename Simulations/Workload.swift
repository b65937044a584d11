import ChatIO
import ChatState

/// What one seed asks of a session: its size, its mix of clients, and which faults are on.
/// Each seed switches fault kinds on or off as a set ("swarm testing"): a run with only
/// partitions finds different bugs than one where every fault dilutes every other.
struct Profile {
    var initialClients: Int
    var maxClients: Int
    /// Iterations of the main loop before the liveness phase.
    var iterations: Int
    /// Per mille chance of a workload action in an iteration.
    var actionRate: Int
    /// Ticks the clock may advance per iteration.
    var maxAdvance: Int
    var hasHost: Bool
    var network: NetworkModel
    /// The server runtime's flow control: output a reader may have queued before reading
    /// pauses, and how long the room waits for a reader that takes nothing.
    var maxOutputBytes: Int
    var stallMillis: Int
    // Faults (weights; 0 switches one off).
    var resets: Int
    var partitions: Int
    var cuts: Int
    var slowReaders: Int
    var restarts: Int
    var hostile: Int
    var trickle: Int
    /// In 4: the chance that a pychat client reconnects (issue #13); the weight of stopping the
    /// server (it restarts over its room log on disk, so these seeds run a real SQLite file).
    var reconnecting: Int
    var serverRestarts: Int

    static func draw(_ r: inout SimRandom) -> Profile {
        let faults = r.chance(1, in: 6) ? 0 : 1  // some seeds run without any fault at all
        func on(_ w: Int) -> Int { faults == 1 && r.chance(2, in: 3) ? w : 0 }
        return Profile(
            initialClients: r.int(in: 1...4),
            maxClients: r.int(in: 3...7),
            iterations: r.int(in: 60...160),
            actionRate: r.int(in: 300...800),
            maxAdvance: r.pick([2, 10, 40, 200]),
            hasHost: r.chance(3, in: 4),
            network: NetworkModel(latency: r.pick([0...0, 0...3, 1...20, 5...120]),
                                  maxQueuedBytes: r.pick([1024, 8 * 1024, 64 * 1024, NetworkModel.defaultMaxQueuedBytes]),
                                  maxExtraCuts: r.pick([0, 1, 3, 6])),
            maxOutputBytes: r.pick([1024, 4 * 1024, 16 * 1024, RuntimeOptions.defaultMaxOutputBytes]),
            stallMillis: r.pick([300, 1_500, RuntimeOptions.defaultStallTimeoutMillis]),
            resets: on(3), partitions: on(4), cuts: on(2), slowReaders: on(3), restarts: on(3),
            hostile: on(6), trickle: on(2), reconnecting: 0, serverRestarts: 0)
    }

    /// Reconnecting clients and server restarts (issue #13), drawn from a stream of their own so
    /// a seed that has neither runs exactly as it did before they existed.
    mutating func drawRestarts(_ r: inout SimRandom) {
        reconnecting = r.pick([0, 0, 2, 4])
        serverRestarts = reconnecting > 0 && r.chance(1, in: 2) ? 2 : 0
    }
}

enum ClientKind: Int, CaseIterable {
    /// pychat's own ClientSession, headless (typed lines arrive as `.inputLine`).
    case pychat
    /// pychat's own ClientSession with a terminal UI (typing arrives as keys).
    case pychatUI
    /// The model of the ORIGINAL client.
    case original
    /// Connects and never joins (perhaps after half a frame): the join deadline must fire.
    case silent

    /// Every kind, made once (the workload asks for it at every action).
    static let every = Set(allCases)
}

/// Texts, names and colours, from the harmless to the hostile.
enum Corpus {
    static let names = [
        "alice", "bob", "carol", "Alice", "dave", "Zoë", "中文名", "😀smile", "  padded  ", "",
        "a-very-long-name-that-is-over-thirty-two-characters", "evil\u{1B}[2J", "tab\tname", "bidi\u{202E}rev",
        "nul\u{0}x", "host", "Anonymous",
        // 54 KB on the wire: cut to two clusters of 32 code points, 374 bytes.
        String(repeating: "a" + String(repeating: "\u{301}", count: 300), count: 30),
        String(repeating: "👍🏽", count: 40),
    ]

    static let colors = ["ff8800", "00ff00", "#ABCDEF", "000000", "zz0000", "", "#", "12345", "FFFFFF", " 0a0b0c "]

    static let short = [
        "hi", "hello there", "h\u{e9}llo", "中文 text", "emoji 😀 👩‍👩‍👧 🇫🇷", "e\u{301} combining", "tab\tinside",
        "line\nbreak", "crlf\r\nend", "ESC \u{1B}[31mred\u{1B}[0m", "title \u{1B}]0;pwned\u{7}", "nul \u{0} inside",
        "del \u{7F} c1 \u{85}\u{9B}", "bidi \u{202E}olleh", "zero\u{200B}width", "quotes \"q\" \\ /", "   ",
        "", "\n\n\n", "\u{FEFF}bom", "soft\u{AD}hyphen", "x",
    ]

    static func text(_ r: inout SimRandom) -> String {
        switch r.below(1000) {
        case 0..<700: return r.pick(short)
        case 700..<900:
            // A few pieces glued: mixes scripts, controls and emoji within one text.
            return (0..<r.int(in: 2...5)).map { _ in r.pick(short) }.joined(separator: r.pick([" ", "", "\n"]))
        case 900..<970: return repeated(r.pick(["ab", "é", "😀", "x\u{1B}"]), r.int(in: 10...300))
        case 970..<985:
            // Right at the limit: relayed (the limit counts characters after cleaning).
            return repeated("a", Limits.maxTextLength - 1) + r.pick(["b", "\u{0}b", "😀"])
        default:
            // Over the limit: the server must refuse it with a notice to the sender only.
            return repeated(r.pick(["a", "é", "\u{1B}z"]), Limits.maxTextLength + r.int(in: 1...200))
        }
    }

    /// `String(repeating: piece, count: n)`, made from its bytes at once: the standard one
    /// appends the piece n times, looking for a grapheme break at every join, which cost more
    /// than the steps the text was for. The same code units, so the same string.
    static func repeated(_ piece: String, _ n: Int) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(piece.utf8.count * n)
        for _ in 0..<n { bytes.append(contentsOf: piece.utf8) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Names a rename asks for: free ones, ones taken (by case or by a confusable letter), ones
    /// that are no name (an invisible character).
    static let nicks = ["alicia", "Alicia", "\u{430}licia", "bobby", "host", "carol", "x", "new\u{200B}name", "Zoë"]

    /// A command line (issue #14), right or wrong: renames that may collide, private messages to
    /// members by name, actions, who is here, away marks, topics, `//` chats, nonsense.
    static func command(_ r: inout SimRandom, members: [String]) -> String {
        let name = members.isEmpty ? "nobody" : r.pick(members)
        switch r.below(15) {
        case 0, 1, 2: return "/nick " + r.pick(nicks)
        case 3: return "/nick " + name
        case 4, 5: return "/msg \(name) " + r.pick(short)
        case 6: return "/msg \(name.uppercased()) " + r.pick(short)
        case 7: return "/reply " + r.pick(short)
        case 8: return "/me " + r.pick(short)
        case 9: return r.pick(["/who", "/whois \(name)", "/help", "/help msg"])
        case 10: return r.pick(["/away", "/away lunch", "/back"])
        case 11: return r.pick(["/topic", "/topic release \u{1B}[2J friday"])
        case 12: return "//" + r.pick(short)
        case 13: return moderation(&r, members: members)
        default: return r.pick(["/frob", "/", "/msg", "/nick a b", "/me", "/search"])
        }
    }

    /// A moderation command (issue #14): for ops, refused for anyone else. Mutes are for good:
    /// the simulated server has no wall clock. `/drop` closes the rooms the workload meets in.
    static func moderation(_ r: inout SimRandom, members: [String]) -> String {
        let name = members.isEmpty ? "nobody" : r.pick(members)
        return r.pick(["/kick \(name)", "/kick \(name) spam", "/ban \(name) 1h flood", "/unban \(name)", "/bans",
                       "/mute \(name)", "/mute \(name)", "/unmute \(name)", "/op \(name)", "/op \(name)", "/deop \(name)",
                       "/ban \(name) 10x", drop(&r)])
    }

    /// `/drop` of a room the workload meets in (refused when there is none).
    static func drop(_ r: inout SimRandom) -> String { r.pick(["/drop #rust spam", "/drop #go", "/drop #Rust"]) }

    static func keys(_ r: inout SimRandom) -> [Key] {
        var keys: [Key] = []
        for _ in 0..<r.int(in: 1...8) {
            switch r.below(20) {
            case 0..<8: keys.append(.text(r.pick(short)))
            case 8: keys.append(.paste(r.pick(short) + "\n" + r.pick(short)))
            case 9: keys.append(.backspace)
            case 10: keys.append(r.pick([.left, .right, .home, .end, .delete]))
            case 11: keys.append(r.pick([.up, .down]))
            case 12: keys.append(r.pick([.pageUp, .pageDown, .wheelUp, .wheelDown]))
            case 13: keys.append(r.pick([.tab, .backTab, .escape]))
            case 14: keys.append(.ctrl(r.pick(["a", "e", "u", "k", "w", "b", "f", "h"])))
            default: keys.append(.enter)
            }
        }
        return keys
    }

    /// Frames an original client's socket could carry that a well-behaved one never sends:
    /// spoofed uids in every form Python's uuid accepts, odd but valid JSON, junk.
    /// `own`/`other` are uids from the sender's table.
    static func hostileFrame(_ r: inout SimRandom, own: UID, other: UID?) -> [UInt8] {
        let victim = other ?? own
        func chat(_ uidJSON: String, _ text: String = "spoof") -> [UInt8] {
            FrameCodec.frame(kind: 1, parts: Array("{\"uid\": \(uidJSON), \"text\": \"\(text)\", \"type\": \"ChatMessage\"}".utf8))
        }
        switch r.below(15) {
        case 0, 1, 2: return FrameCodec.frame(.chat(uid: victim, text: "I am \(victim) " + r.pick(short)))
        case 3: return chat("\"\(victim.description.uppercased())\"")
        case 4: return chat("\"{\(victim)}\"")
        case 5: return chat("\"urn:uuid:\(victim)\"")
        case 6: return chat("null", "no uid")
        case 7: return chat("\"bogus\"")  // the server drops it as a protocol error
        case 8: return FrameCodec.frame(kind: 2, parts: Array("extension".utf8))
        case 9: return [0, 0, 0, 0]
        case 10: return FrameCodec.frame(kind: 1, parts: Array("{not json".utf8))
        case 11:
            return FrameCodec.frame(kind: 1, parts: Array(
                "{\"type\":\"ChatMessage\",\"text\":\"first\",\"uid\":null,\"text\":\"dup key \\ud800 lone\"}".utf8))
        case 12: return FrameCodec.frame(.system(text: "I am the server"))
        // 24 KB of raw UTF-8, but 72 KB escaped: refused with a notice, never relayed.
        case 13: return chat("null", String(repeating: "👍🏽", count: 3000))
        default: return FrameCodec.frame(.joinRequest(username: "again", color: "ff0000"))
        }
    }
}
