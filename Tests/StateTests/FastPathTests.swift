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
        // And the scan is exact: it lets through every line the rewriting leaves as it is (one
        // scalar of the first two planes, or two or three of the tricky ones, among others
        // that share their lead bytes), so only the lines it changes are rebuilt.
        var texts = Self.strings(Self.tricky + ["\u{85}", "\u{A0}", "\u{61C}", "\u{600}", "\u{200D}", "\u{200E}", "\u{2013}",
                                                "\u{202A}", "\u{202F}", "\u{2069}", "\u{206A}", "\u{2066}", "\t", "\u{7F}"], upTo: 3)
        for v in UInt32(0)...0x1FFFF {
            if let scalar = Unicode.Scalar(v) { texts.append("a" + String(Character(scalar)) + "b") }
        }
        for s in texts {
            #expect(DisplayLine.mayChange(s) == (DisplayLine.rewritten(s) != s), "\(s.unicodeScalars.map { String($0.value, radix: 16) })")
        }
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

    /// The alphabet of the Unicode fast paths' tests: ASCII, Latin-1, the last scalar before the
    /// combining marks and the first of them, a soft hyphen, CR and LF, a Hangul L and V (one
    /// Character together), a ZWJ, an emoji, a regional indicator, a letter whose NFC is
    /// another (the Angstrom and Kelvin signs), and a letter that lowercases to two scalars.
    static let tricky: [Character] = ["a", "K", "_", " ", "\r", "\n", "\u{E9}", "\u{2FF}", "\u{300}", "\u{AD}",
                                      "\u{1100}", "\u{1161}", "\u{200D}", "😀", "\u{1F1E6}", "\u{212B}", "\u{212A}",
                                      "\u{130}", "e\u{301}", "\u{C5}", "中"]

    /// Every string of up to `n` of `alphabet`, joined as Strings (so neighbours may join into one Character).
    static func strings(_ alphabet: [Character], upTo n: Int) -> [String] {
        var all = [""], last = [""]
        for _ in 0..<n {
            last = last.flatMap { w in alphabet.map { w + String($0) } }
            all += last
        }
        return all
    }

    @Test func aTextOfOneScalarPerCharacterIsCountedByItsBytes() {
        // Each scalar of the first two planes between letters and after a newline, then every
        // string of three of the tricky ones: where the byte count answers, Characters agree.
        var counted = 0
        var texts: [String] = []
        for v in UInt32(0)...0x1FFFF {
            guard let scalar = Unicode.Scalar(v) else { continue }
            let c = String(Character(scalar))
            texts.append("a" + c + "b\n" + c + c)
        }
        for text in texts + Self.strings(Self.tricky, upTo: 3) {
            guard let fast = TextRules.scalarsAreCharacters(text) else { continue }
            #expect(fast == TextRules.characterLength(text), "\(text.debugDescription)")
            counted += 1
        }
        #expect(counted > 700)
        #expect(TextRules.scalarsAreCharacters("\r\n") == nil && TextRules.scalarsAreCharacters("e\u{301}") == nil)
        #expect(TextRules.length("\u{E9}" + String(repeating: "x", count: 3)) == 4)
    }

    /// `json.dumps(s)`, scalar by scalar: the reference `JSONWriter.string` is held to.
    static func python(_ s: String) -> [UInt8] {
        var out = "\""
        for scalar in s.unicodeScalars {
            let short: [UInt32: String] = [0x22: "\\\"", 0x5C: "\\\\", 0x0A: "\\n", 0x0D: "\\r",
                                           0x09: "\\t", 0x08: "\\b", 0x0C: "\\f"]
            func hex(_ u: UInt32) -> String { "\\u" + String(repeating: "0", count: 4 - String(u, radix: 16).count) + String(u, radix: 16) }
            let v = scalar.value
            if let e = short[v] { out += e } else if v >= 0x20 && v < 0x7F { out.unicodeScalars.append(scalar) } else if v >= 0x10000 {
                out += hex(0xD800 + ((v - 0x10000) >> 10)) + hex(0xDC00 + ((v - 0x10000) & 0x3FF))
            } else { out += hex(v) }
        }
        return Array((out + "\"").utf8)
    }

    @Test func aStringIsWrittenAsPythonWritesIt() {
        // json.dumps with ensure_ascii: printable ASCII as it is, seven short escapes, every
        // other scalar \uXXXX in lower-case hex (a surrogate pair past the BMP).
        var texts = Self.strings(Self.tricky, upTo: 2)
        for v in stride(from: UInt32(0), through: 0x10FFFF, by: 1) where v < 0x3000 || v % 97 == 0 || v == 0x10FFFF || v == 0xFFFF {
            if let scalar = Unicode.Scalar(v) { texts.append("x" + String(Character(scalar)) + "\"\\y") }
        }
        for text in texts {
            var w = JSONWriter()
            w.string(text)
            #expect(w.bytes == Self.python(text), "\(text.debugDescription)")
            #expect(JSONWriter.encodedLength(text) == w.bytes.count - 2)
            #expect(JSONWriter.encodedLength(text) == text.unicodeScalars.reduce(0) { $0 + JSONWriter.encodedLength($1) })
        }
    }

    @Test func aMentionIsFoundAsCharactersFindIt() {
        // Names and texts over the tricky alphabet (canonically equivalent spellings among
        // them, some not NFC: marks to compose or to reorder, Hangul jamo that compose): the
        // answer of Characters compared by their NFC bytes is the one of Characters compared
        // canonically by String's ==.
        let alphabet: [Character] = ["a", "K", "_", " ", "\u{E9}", "e\u{301}", "\u{212A}", "\u{212B}", "\u{C5}", "\u{130}", "😀",
                                     "\u{37E}", "\u{301}", "\u{323}", "\u{1100}\u{1161}", "\u{AC00}"]
        var compared = 0, found = 0
        let names = Self.strings(alphabet, upTo: 2), texts = Self.strings(alphabet, upTo: 3)
        var ruledOut = 0
        for name in names {
            // The name as the app keeps it between renames: its bytes may rule a text out
            // (`cannotHold`) before any Character is compared.
            let prepared = Mention.Name(name)
            for text in texts {
                let fast = Mention.canonicalNames(name, in: text), slow = Mention.characterNames(name, in: text)
                #expect(fast == slow, "\(name.debugDescription) in \(text.debugDescription)")
                #expect(Mention.names(prepared, in: text) == slow, "\(name.debugDescription) in \(text.debugDescription)")
                if let lowered = prepared.nfcLowered, Mention.cannotHold(lowered, text) { ruledOut += 1 }
                compared += 1
                if fast { found += 1 }
            }
        }
        #expect(compared > 500_000 && found > 5_000 && ruledOut > 100_000, "\(ruledOut) ruled out")
        // An é spelled e + U+0301 is the é of NFC; the Greek question mark (whose NFC is ";")
        // is a ";". (The Angstrom sign lowercases to å, which is NFC.)
        #expect(Mention.names("e\u{301}", in: "caf \u{E9}!") && Mention.names("\u{E9}", in: "e\u{301}"))
        #expect(Mention.names(";", in: "a \u{37E} b") && Mention.names("\u{E5}", in: "\u{212B}"))
        #expect(Mention.names("\u{1EA1}\u{301}", in: "x a\u{301}\u{323}") && Mention.names("\u{AC00}", in: "\u{1100}\u{1161}"))
        #expect(Mention.names("zoë", in: "hi Zoë!") && !Mention.names("zoë", in: "zoëy"))
    }
}
