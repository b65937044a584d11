import Testing
@testable import ChatState

/// The room's name rules: cleaning, uniqueness, confusables, and what a join costs.
@Suite struct NameTests {
    /// Joins one name after another into a fresh registry.
    func claimAll(_ asks: [String], into names: inout UniqueNames) -> [String] {
        asks.map { names.claim(TextRules.cleanName($0)).name }
    }

    @Test func fiveThousandJoinsWithOneNameTryLinearlyManyNames() {
        // Trying suffixes one by one from 2 made this 12.5 million tries (quadratic).
        var names = UniqueNames()
        let base = String(repeating: "é", count: 32)
        var got: [String] = []
        for _ in 0..<5_000 { got.append(names.claim(base).name) }
        #expect(names.tries <= 2 * 5_000)
        #expect(Set(got.map { $0.lowercased() }).count == 5_000)
        #expect(got.allSatisfy { $0.count <= Limits.maxNameLength })
        #expect(got[0] == base && got[1] == String(repeating: "é", count: 31) + "2")
        #expect(got[4_999] == String(repeating: "é", count: 28) + "5000")
    }

    @Test func joinsAndLeavesInTurnStayLinear() {
        // A member leaving and another taking its suffix must not make later joins rescan.
        var names = UniqueNames()
        var held = (0..<1_000).map { _ in names.claim("bob") }
        for k in 0..<5_000 {
            names.release(held[k % held.count])
            held[k % held.count] = names.claim("bob")
        }
        #expect(names.tries <= 2 * 6_000)
        #expect(Set(held.map(\.name)).count == 1_000)
    }

    @Test func suffixesAreTheSmallestGivenBack() {
        var names = UniqueNames()
        let a = names.claim("alice"), a2 = names.claim("alice"), a3 = names.claim("ALICE")
        #expect([a.name, a2.name, a3.name] == ["alice", "alice2", "ALICE3"])
        names.release(a2)
        #expect(names.claim("Alice").name == "Alice2")
        #expect(names.claim("alice").name == "alice4")
        names.release(a)
        #expect(names.claim("alice").name == "alice")
    }

    @Test func anEmptiedSeriesStartsAgainFromTwo() {
        var names = UniqueNames()
        _ = names.claim("carol")
        let c2 = names.claim("carol"), c3 = names.claim("carol")
        names.release(c3)
        names.release(c2)
        #expect(names.claim("carol").name == "carol2")
    }

    @Test func aSuffixTakenLiterallyIsSkippedOnce() {
        var names = UniqueNames()
        #expect(claimAll(["dave", "dave2", "dave3", "dave"], into: &names) == ["dave", "dave2", "dave3", "dave4"])
        let before = names.tries
        #expect(names.claim("dave").name == "dave5")
        #expect(names.tries - before == 2)
    }

    @Test func invisibleCharactersLeaveNames() {
        let asks = ["bob\u{034F}", "bob\u{FE0F}\u{FE0F}", "bob\u{115F}", "bob\u{FFA0}", "b\u{1160}ob", "bob\u{E0100}",
                    "bo\u{00AD}b", "bob\u{2065}", "bob\u{180B}"]
        for ask in asks { #expect(TextRules.cleanName(ask) == "bob", "\(ask.unicodeScalars.map(\.value))") }
        for blank in ["\u{3164}", "\u{3164}\u{3164}\u{3164}", "\u{2800}", "\u{2800} \u{2800}", "\u{115F}\u{1160}"] {
            #expect(TextRules.cleanName(blank) == TextRules.anonymous)
        }
        // Visible text stays, braille included.
        #expect(TextRules.cleanName("⠓⠊ Élodie 中文") == "⠓⠊ Élodie 中文")
    }

    @Test func everyDefaultIgnorableCodePointLeavesANameButWhiteSpaceInsideStays() {
        for v in UInt32(0)...0x10FFFF {
            guard let s = Unicode.Scalar(v), s.properties.isDefaultIgnorableCodePoint else { continue }
            let cleaned = TextRules.cleanName("a" + String(s) + "b")
            if cleaned != "ab" { Issue.record("U+\(String(v, radix: 16)) kept: \(cleaned.unicodeScalars.map(\.value))") }
        }
        #expect(TextRules.cleanName("a b") == "a b")
    }

    @Test func lookAlikeNamesAreSuffixed() {
        var names = UniqueNames()
        let got = claimAll([
            "alice", "\u{0430}lice",        // Cyrillic а
            "aIice",                        // capital I for l
            "ALICE", "bob", "b0b", "B\u{039F}B", // digit zero, Greek capital omicron
            "mary", "rnary",                // r n for m
            "\u{0441}\u{043E}\u{0441}\u{043E}", "coco", // Cyrillic сосо
            "alicia", "мир", "ian",
        ], into: &names)
        #expect(got == [
            "alice", "\u{0430}lice2", "aIice3", "ALICE4", "bob", "b0b2", "B\u{039F}B3", "mary", "rnary2",
            "\u{0441}\u{043E}\u{0441}\u{043E}", "coco2", "alicia", "мир", "ian",
        ])
    }

    @Test func anUpperCaseNameMeetsALookAlikeInAnyCase() {
        // Case folding and the skeleton do not commute: ALICE folds to alice, aIice maps to alice.
        var names = UniqueNames()
        #expect(claimAll(["ALICE", "aIice"], into: &names) == ["ALICE", "aIice2"])
        var other = UniqueNames()
        #expect(claimAll(["aIice", "ALICE"], into: &other) == ["aIice", "ALICE2"])
    }

    @Test func aRoomSuffixesAConfusableJoiner() {
        var s = TestStore(RoomTests.config)
        for (n, ask) in ["alice", "\u{0430}lice", "al\u{0456}ce\u{FE0F}"].enumerated() {
            let conn = ConnID(UInt64(n + 1))
            _ = s.reduce(.accepted(conn: conn, uid: UID(high: 1, low: UInt64(n)), remote: "r"))
            _ = s.reduce(.received(conn: conn, bytes: Fix.frame(.joinRequest(username: ask, color: "000000"))))
        }
        #expect(s.room.members.map(\.name) == ["host", "alice", "\u{0430}lice2", "al\u{0456}ce3"])
        // The first one leaving gives its name back to the next look-alike.
        _ = s.reduce(.disconnected(conn: ConnID(1), reason: "bye"))
        _ = s.reduce(.accepted(conn: ConnID(9), uid: UID(high: 1, low: 9), remote: "r"))
        _ = s.reduce(.received(conn: ConnID(9), bytes: Fix.frame(.joinRequest(username: "ALICE", color: "000000"))))
        #expect(s.room.members.last?.name == "ALICE")
    }
}

@Suite struct LogTextTests {
    @Test func peerStringsAreQuotedOnOneVisibleLine() {
        #expect(quoted("alice") == #""alice""#)
        #expect(quoted("a \"b\" \\ c") == #""a \"b\" \\ c""#)
        #expect(quoted("x\ny\r\tz") == #""x\ny\r\tz""#)
        #expect(quoted("\u{1B}[2J\u{7F}\u{85}\u{202E}\u{200B}\u{FE0F}é中") == #""\u{1B}[2J\u{7F}\u{85}\u{202E}\u{200B}\u{FE0F}é中""#)
        let long = quoted(String(repeating: "ab", count: 1_000))
        #expect(long == "\"" + String(repeating: "ab", count: 40) + "\"... (2000 code points)")
    }

    @Test func decodeErrorsQuoteWhatThePeerSent() {
        let body = Array(#"{"username": "m", "color": "0", "x\ny\u001b": 1, "type": "JoinRequest"}"#.utf8)
        #expect(throws: DecodeError.extraField(type: "JoinRequest", field: "x\ny\u{1B}")) { try MessageCodec.decode(body) }
        #expect(DecodeError.extraField(type: "JoinRequest", field: "x\ny\u{1B}").description
                == #"JoinRequest has an unexpected field "x\ny\u{1B}""#)
        #expect(DecodeError.unknownType("\u{1B}]0;pwned\u{7}").description == #"unknown type "\u{1B}]0;pwned\u{7}""#)
        #expect(DecodeError.badUUID(type: "ServerInfo", field: "users", value: "\n").description
                == #"ServerInfo.users is not a UUID: "\n""#)
    }
}
