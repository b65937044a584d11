import Testing
@testable import ChatState

/// The encoder's fast paths give the bytes of the general code they skip: a string with nothing
/// to escape appended whole, numbers and colours written without a String, an entry's size
/// counted without writing it.
@Suite struct EncodingFastPathTests {
    /// Every byte of a run of plain ASCII long enough for the word-at-a-time check (and its
    /// tail), with one of the tricky characters or a byte JSON escapes at each place: the
    /// bytes are `json.dumps`'s.
    @Test func aLongStringIsWrittenAsPythonWritesIt() {
        let nasty: [String] = FastPathTests.tricky.map { String($0) } + ["\"", "\\", "\u{0}", "\u{1F}", "\u{7F}", "\u{80}", "~", " "]
        var checked = 0
        for length in 0...25 {
            let plain = String((0..<length).map { Character(Unicode.Scalar(UInt8(0x20 + ($0 * 7) % 0x5F))) })
                .replacingOccurrences(of: "\"", with: "q").replacingOccurrences(of: "\\", with: "b")
            var texts = [plain]
            for bad in nasty {
                for place in 0...length {
                    let i = plain.index(plain.startIndex, offsetBy: place)
                    texts.append(String(plain[..<i]) + bad + String(plain[i...]))
                }
            }
            for text in texts {
                var w = JSONWriter(capacity: 0)
                w.raw("x")
                w.string(text)
                #expect(w.bytes == Array("x".utf8) + FastPathTests.python(text), "\(text.debugDescription)")
                #expect(JSONWriter.encodedLength(text) == FastPathTests.python(text).count - 2, "\(text.debugDescription)")
                checked += 1
            }
        }
        #expect(checked > 10_000)
    }

    @Test func aNumberIsWrittenAsStringWritesIt() {
        var numbers: [Int] = [0, 1, -1, 9, 10, -10, 99, 100, Int.max, Int.min, Int.max - 1, Int.min + 1]
        var p = 1
        for _ in 0..<18 {
            p *= 10
            numbers += [p - 1, p, p + 1, -p + 1, -p, -p - 1]
        }
        for n in numbers {
            var w = JSONWriter()
            w.number(n)
            #expect(w.bytes == Array(String(n).utf8), "\(n)")
            #expect(ExtensionCodec.digitCount(Int64(n)) == String(n).utf8.count, "\(n)")
        }
    }

    @Test func aColourIsWrittenAsItsSixDigits() {
        // The reference: each byte's two digits, as String(radix:) writes them.
        func digits(_ rgb: RGB) -> String {
            [rgb.r, rgb.g, rgb.b].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        }
        let values: [UInt8] = [0, 1, 9, 10, 15, 16, 0x9F, 0xA0, 0xAF, 0xFA, 0xFF]
        for r in values {
            for g in values {
                for b in values {
                    let rgb = RGB(r: r, g: g, b: b)
                    #expect(rgb.description == digits(rgb))
                    var w = JSONWriter(), reference = JSONWriter()
                    w.color(rgb)
                    reference.string(digits(rgb))
                    #expect(w.bytes == reference.bytes)
                }
            }
        }
    }

    /// Entries whose names and texts are every pair of the tricky characters and the bytes JSON
    /// escapes, with numbers of every length: the counted size is the written one.
    @Test func anEntryIsSizedAsItIsWritten() {
        let parts = FastPathTests.strings(FastPathTests.tricky + ["\"", "\\", "\u{1}", "\u{7F}", "\t"], upTo: 2)
        let numbers: [Int64] = [0, 7, 10, 1_700_000_000_000, -1, -1_700_000_000_000, .max, .min]
        let kinds: [RoomEntry.Kind] = [.chat, .join, .leave, .rename, .action, .topic, .moderation]
        var sized = 0
        for (n, text) in parts.enumerated() {
            let author = parts[(n * 7) % parts.count]
            let e = RoomEntry(room: "general", seq: [0, 9, 10, Int64(n) * 1_000_003, .max][n % 5],
                              wallMillis: numbers[(n / 3) % numbers.count], kind: kinds[n % kinds.count], author: author,
                              authorUID: nil, color: RGB(r: UInt8(n % 256), g: 0xAB, b: 7), text: text + String(repeating: "x", count: n % 13))
            #expect(ExtensionCodec.entrySize(e) == ExtensionCodec.writtenEntrySize(e), "\(e)")
            sized += 1
        }
        #expect(sized > 500)
    }

    /// Pages of up to six entries (escapes, emoji, a text longer than some of the limits) under
    /// every limit from too small for one entry to roomy, one byte apart so every boundary is
    /// met: the one-frame shortcut gives the frames packing gives, for History, SearchResults
    /// and Resumed.
    @Test func aPageThatFitsIsTheOneFramePackingMakes() {
        let texts = ["hi", "a \"quoted\" \\ line\n", String(repeating: "😀é", count: 20), "", String(repeating: "x", count: 300), "中文"]
        let entries = texts.enumerated().map { n, text in
            RoomEntry(room: "general", seq: Int64(n * 99 + 1), wallMillis: 1_700_000_000_000 + Int64(n), kind: n == 3 ? .join : .chat,
                      author: n % 2 == 0 ? "alice" : "b\u{7}ob", authorUID: nil, color: RGB(r: 1, g: 2, b: UInt8(n)), text: text)
        }
        var whole = 0, split = 0
        for count in 0...entries.count {
            let page = Array(entries.prefix(count))
            let history = ExtensionMessage.history(room: "general", entries: page, more: count % 2 == 0)
            let search = ExtensionMessage.searchResults(room: "general", words: ["hi"], entries: page)
            let part = ResumedPart(room: "general", lastChat: 3, skipped: 0, through: 900, entries: page,
                                   ownIDs: page.indices.map { $0 % 2 == 0 ? Int64($0) * 1_000_000 : nil }, done: true)
            var emptyPart = part
            emptyPart.entries = []
            emptyPart.ownIDs = []
            for limit in 100...900 {
                func budget(_ empty: ExtensionMessage) -> Int { limit + FrameCodec.headerLength - ExtensionCodec.frame(empty).count }
                let frames = ExtensionCodec.frames(history, limit: limit)
                #expect(frames == ExtensionCodec.packedFrames(history, budget: budget(.history(room: "general", entries: [], more: false))))
                #expect(ExtensionCodec.frames(search, limit: limit)
                        == ExtensionCodec.packedFrames(search, budget: budget(.searchResults(room: "general", words: ["hi"], entries: []))))
                #expect(ExtensionCodec.frames(part, limit: limit) == ExtensionCodec.packedFrames(part, budget: budget(.resumed(emptyPart))))
                if frames.count == 1 { whole += 1 } else { split += 1 }
            }
        }
        #expect(whole > 1000 && split > 1000)
    }

    /// Every name of up to five of spaces, letters, quotes and backslashes, and long ones with
    /// spaces around the length limit: a name of printable ASCII is cleaned from its bytes as
    /// the Character-by-Character rules clean it; any other name is left to those rules.
    @Test func anASCIINameIsCleanedAsCharactersCleanIt() {
        let alphabet: [Character] = [" ", "a", "Z", "\"", "\\", "~"]
        var names = FastPathTests.strings(alphabet, upTo: 5)
        for length in 28...40 {
            for place in [0, 1, 15, 30, 31, 32, 33, length - 1] where place < length {
                var chars = Array(repeating: Character("n"), count: length)
                chars[place] = " "
                names += [String(chars), " " + String(chars), String(chars) + "  ", String(repeating: "\"", count: length)]
            }
        }
        var cleaned = 0
        for name in names {
            guard let fast = TextRules.asciiCleanName(name) else {
                Issue.record("printable ASCII not taken: \(name.debugDescription)")
                continue
            }
            #expect(fast == TextRules.generalCleanName(name), "\(name.debugDescription)")
            cleaned += 1
        }
        #expect(cleaned > 9_000)
        for name in ["a\tb", "zoë", "a\u{7F}", "a\r\nb", "\u{200B}x", "😀"] {
            #expect(TextRules.asciiCleanName(name) == nil)
            #expect(TextRules.cleanName(name) == TextRules.generalCleanName(name))
        }
    }
}
