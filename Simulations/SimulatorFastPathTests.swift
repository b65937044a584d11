import ChatState
import Testing

/// The simulator's own fast paths held to the plain code they replace, over many generated
/// inputs: a prefilter that said no where the plain one said yes would skip a check.
@Suite struct SimulatorFastPathTests {
    /// The byte-by-byte search `mayBeMessage` did before it went through memchr.
    static func plainMayBeMessage(_ p: [UInt8], _ types: [StaticString]) -> Bool {
        func occurs(_ n: [UInt8]) -> Bool {
            guard n.count <= p.count else { return false }
            return (0...(p.count - n.count)).contains { i in p[i..<(i + n.count)].elementsEqual(n) }
        }
        if occurs(Array("\\u".utf8)) { return true }
        return types.contains { t in occurs(Array(UnsafeBufferPointer(start: t.utf8Start, count: t.utf8CodeUnitCount))) }
    }

    @Test func mayBeMessageAnswersAsTheByteSearch() {
        var r = SimRandom(seed: 0xFA57)
        // Pieces of the names (whole, cut at either end, one letter changed), backslashes, `u`s
        // and other bytes, so that matches, near misses and names cut by the ends are common.
        let names = ["Chat", "Join", "Part", "RoomEntry", "Private", "Action", "Stamp", "ServerInfo"].map { Array($0.utf8) }
        func piece() -> [UInt8] {
            var name = r.pick(names)
            switch r.below(6) {
            case 0: return name
            case 1: return Array(name.prefix(r.below(name.count)))
            case 2: return Array(name.suffix(r.below(name.count)))
            case 3:
                name[r.below(name.count)] = r.pick(Array("abcXYZ\\".utf8))
                return name
            case 4: return r.pick([[0x5C], [0x75], [0x5C, 0x75], [0x5C, 0x5C]])
            default: return [r.pick([0, 0x22, 0x7B, 0x20, 0xC3, 0xFF])]
            }
        }
        let lists = [MessageNames.extensionChat, MessageNames.roomDelivery, MessageNames.privateMessage,
                     MessageNames.actionOrPrivate, MessageNames.stamp, MessageNames.serverInfo]
        var yes = 0
        for n in 0..<20_000 {
            let count = n < 64 ? n % 12 : r.below(40)
            let bytes = Array((0..<count).map { _ in piece() }.joined())
            // Cut from a bigger buffer, so a slice that does not start at 0 is searched too.
            let pad = r.below(3)
            let buffer = Array(repeating: UInt8(ascii: "u"), count: pad) + bytes + [UInt8(ascii: "\\")]
            let slice = buffer[pad..<(pad + bytes.count)]
            let types = r.pick(lists)
            let want = Self.plainMayBeMessage(bytes, types)
            if want { yes += 1 }
            #expect(mayBeMessage(slice, types) == want, "\(printable(bytes)) for \(types)")
        }
        // Both answers are common: the inputs test something.
        #expect(yes > 2_000 && yes < 18_000, "\(yes) of 20 000")
    }
}

/// `TraceHash.describe` held to `String(describing:)`, which the digest was made with.
@Suite struct TraceHashTests {
    @Test func rangesAreDescribedAsStringDescribingDoes() {
        var r = SimRandom(seed: 0x4A5E)
        let edges: [Int64] = [0, 1, -1, 9, 10, 99, 100, Int64.max, Int64.min, Int64.max - 1, Int64.min + 1]
        for n in 0..<5_000 {
            let seq = n < edges.count ? edges[n] : Int64(bitPattern: r.next()) >> r.below(64)
            let words = (0..<r.below(3)).map { _ in r.pick(["a", "\"q\"", "", "é", "\\", "\n"]) }
            for range in [HistoryQuery.Range.before(seq: seq), .after(seq: seq), .around(seq: seq), .search(words: words)] {
                #expect(TraceHash.describe(range) == String(describing: range))
            }
        }
    }
}

/// `Corpus.repeated` held to `String(repeating:count:)`, which the workload's texts were made with.
@Suite struct CorpusTests {
    @Test func repeatedIsStringRepeating() {
        let pieces = ["", "a", "ab", "é", "e\u{301}", "\u{301}", "😀", "👍🏽", "x\u{1B}", "\u{1B}z", "\r", "\n", "\r\n", "🇫", "中"]
        for piece in pieces {
            for n in [0, 1, 2, 3, 7, 64, 301] {
                let want = String(repeating: piece, count: n)
                let got = Corpus.repeated(piece, n)
                #expect(Array(got.utf8) == Array(want.utf8) && got == want && got.count == want.count, "\(piece.debugDescription) x \(n)")
            }
        }
    }
}
