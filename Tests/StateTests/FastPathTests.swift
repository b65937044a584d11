import Testing
@testable import ChatState

/// Each fast path gives exactly the answer of the general code it skips: the JSON parser's
/// unescaped strings and small objects, a transcript line with nothing to rewrite, a mention
/// found in ASCII.
@Suite struct FastPathTests {
    func members(_ json: String) throws -> [(String, JSONValue)] {
        guard case .object(let m) = try JSONParser.parse(Array(json.utf8)) else { return [] }
        return m
    }

    @Test func aKeyIsOneKeyHoweverItIsSpelled() throws {
        // "a" plain and escaped are the same code points: one member, the last value, at the
        // first one's place; within the few compared one by one and past them (hashed).
        let small = try members(#"{"a": 1, "b": 2, "\u0061": 3}"#)
        #expect(small.map(\.0) == ["a", "b"] && small[0].1 == .number("3"))
        let keys = (0..<12).map { "\"k\($0)\": \($0)" }.joined(separator: ", ")
        let large = try members("{\(keys), \"\\u006b3\": 30, \"k11\": 110, \"k\\u0030\": 0.5}")
        #expect(large.map(\.0) == (0..<12).map { "k\($0)" })
        #expect(large[3].1 == .number("30") && large[11].1 == .number("110") && large[0].1 == .number("0.5"))
        // Two lone surrogates are two keys, though both read as U+FFFD; twelve of them too.
        #expect(try members(#"{"\ud800": 1, "\ud801": 2}"#).count == 2)
        let lone = (0..<12).map { "\"\\ud80\(String($0, radix: 16))\": 1" }
        #expect(try members("{\(lone.joined(separator: ", ")), \"\\ud805\": 2}").count == 12)
        // A key spelled with an escape after plain bytes, and a string value that is.
        #expect(try members(#"{"x\"y": "p\nq"}"#).map(\.0) == ["x\"y"])
        #expect(try members(#"{"s": "p\nq"}"#)[0].1 == .string("p\nq"))
    }

    /// Every scalar of the first two planes (past them every scalar is four bytes, F0-F4, and
    /// none is rewritten), between letters: where the byte scan says nothing changes, the
    /// scalar-by-scalar code changes nothing. Returns how many the scan let through.
    func scanAgrees(mayChange: (String) -> Bool, rewrite: (String) -> String) -> Int {
        var skipped = 0
        for v in UInt32(0)...0x1FFFF {
            guard let scalar = Unicode.Scalar(v) else { continue }
            let s = "a" + String(Character(scalar)) + "b"
            if !mayChange(s) {
                #expect(rewrite(s) == s, "U+\(String(v, radix: 16))")
                skipped += 1
            }
        }
        return skipped
    }

    @Test func aLineWithNothingToRewriteIsShownAsItIs() {
        #expect(scanAgrees(mayChange: DisplayLine.mayChange, rewrite: DisplayLine.rewritten) > 120_000)
        #expect(DisplayLine.visible("a\u{200E}b\u{85}c\n") == "a<U+200E>b<85>c\n  ")
    }

    @Test func aTextWithNoControlIsRelayedAsItIs() {
        #expect(scanAgrees(mayChange: TextRules.hasControl, rewrite: TextRules.withoutControls) > 120_000)
        #expect(TextRules.cleanText("a\u{1}\tb\u{7F}\u{85}\u{A0}c\n") == "a\tb\u{A0}c\n")
    }

    @Test func anASCIIMentionIsFoundAsCharactersFindIt() {
        // Every name and text over a small alphabet (cases, word characters, punctuation,
        // CR and LF) up to a length: the byte answer, where there is one, is the Character one.
        let alphabet: [Character] = ["a", "B", "b", "1", "_", " ", "!", "\r", "\n", "-"]
        func words(_ n: Int) -> [String] {
            n == 0 ? [""] : words(n - 1).flatMap { w in alphabet.map { w + String($0) } }
        }
        var compared = 0
        let names = words(1) + words(2), texts = words(1) + words(2) + words(3)
        for name in names {
            for text in texts {
                guard let fast = Mention.asciiNames(name, in: text) else { continue }
                #expect(fast == Mention.characterNames(name, in: text), "\(name.debugDescription) in \(text.debugDescription)")
                compared += 1
            }
        }
        #expect(compared > 50_000)
        // CR LF is one Character: no byte answer for it.
        #expect(Mention.asciiNames("a", in: "a\r\nb") == nil)
        #expect(Mention.asciiNames("zoë", in: "zoë") == nil)
    }
}
