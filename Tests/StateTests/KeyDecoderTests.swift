import Testing
@testable import ChatState

/// Adjacent `.text` keys merged: batching depends on read boundaries, meaning does not.
private func merged(_ keys: [Key]) -> [Key] {
    var out: [Key] = []
    for k in keys {
        if case .text(let b) = k, case .text(let a)? = out.last {
            out[out.count - 1] = .text(a + b)
        } else {
            out.append(k)
        }
    }
    return out
}

private func whole(_ bytes: [UInt8]) -> [Key] {
    var d = KeyDecoder()
    return d.feed(bytes)
}

private func byteByByte(_ bytes: [UInt8]) -> [Key] {
    var d = KeyDecoder()
    return bytes.flatMap { d.feed([$0]) }
}

private func chunked(_ bytes: [UInt8], seed: UInt64) -> [Key] {
    var rng = SplitMix(seed: seed)
    var d = KeyDecoder()
    var keys: [Key] = []
    var i = 0
    while i < bytes.count {
        let n = 1 + rng.next(7)
        keys += d.feed(bytes[i..<min(bytes.count, i + n)])
        i += n
    }
    return keys
}

private func b(_ s: String) -> [UInt8] { Array(s.utf8) }

@Suite struct KeyDecoderTests {
    static let cases: [(String, [UInt8], [Key])] = [
        ("text", b("abc"), [.text("abc")]),
        ("unicode", b("héllo 中😀👨‍👩‍👧"), [.text("héllo 中😀👨‍👩‍👧")]),
        ("tab", [0x09], [.tab]),
        ("cr", [0x0d], [.enter]),
        ("lf", [0x0a], [.enter]),
        ("del", [0x7f], [.backspace]),
        ("bs", [0x08], [.backspace]),
        ("ctrl-a", [0x01], [.ctrl("a")]),
        ("ctrl-w", [0x17], [.ctrl("w")]),
        ("ctrl-z", [0x1a], [.ctrl("z")]),
        ("ctrl-c in text", b("a\u{3}b"), [.text("a"), .ctrl("c"), .text("b")]),
        ("nul and fs dropped", [0x00, 0x61, 0x1c, 0x1f], [.text("a")]),
        ("arrows", b("\u{1b}[A\u{1b}[B\u{1b}[C\u{1b}[D"), [.up, .down, .right, .left]),
        ("home end letters", b("\u{1b}[H\u{1b}[F"), [.home, .end]),
        ("home end tilde", b("\u{1b}[1~\u{1b}[4~\u{1b}[7~\u{1b}[8~"), [.home, .end, .home, .end]),
        ("delete page", b("\u{1b}[3~\u{1b}[5~\u{1b}[6~"), [.delete, .pageUp, .pageDown]),
        ("backtab", b("\u{1b}[Z"), [.backTab]),
        ("focus in and out", b("\u{1b}[I\u{1b}[O"), [.focusIn, .focusOut]),
        ("ctrl-r", [0x12], [.ctrl("r")]),
        ("f1 in its three forms", b("\u{1b}OP\u{1b}[11~\u{1b}[1;2P"), [.f1, .f1, .f1]),
        ("a modified focus report is no key", b("\u{1b}[1I"), []),
        ("ss3", b("\u{1b}OA\u{1b}OB\u{1b}OC\u{1b}OD\u{1b}OH\u{1b}OF\u{1b}OM"), [.up, .down, .right, .left, .home, .end, .enter]),
        ("modifiers ignored", b("\u{1b}[1;5A\u{1b}[1;2D\u{1b}[3;5~"), [.up, .left, .delete]),
        ("sgr wheel", b("\u{1b}[<64;10;5M\u{1b}[<65;1;1M\u{1b}[<68;3;3M"), [.wheelUp, .wheelDown, .wheelUp]),
        ("sgr clicks swallowed", b("a\u{1b}[<0;10;5M\u{1b}[<0;10;5mb\u{1b}[<35;2;2M"), [.text("ab")]),
        ("x10 wheel", b("\u{1b}[M") + [96, 40, 40] + b("\u{1b}[M") + [97, 33, 33], [.wheelUp, .wheelDown]),
        ("x10 click swallowed", b("\u{1b}[M") + [32, 0x1b, 0x7f] + b("z"), [.text("z")]),
        ("paste", b("\u{1b}[200~hello\r\nworld\rend\n\u{1b}[201~"), [.paste("hello\nworld\nend\n")]),
        ("paste controls dropped", b("\u{1b}[200~a\u{1b}b\u{7}c\td\u{1b}[20x\u{1b}[201~"), [.paste("abc\td[20x")]),
        ("paste keeps keys as text", b("\u{1b}[200~\u{1b}[A\u{3}\u{1b}[201~x"), [.paste("[A"), .text("x")]),
        ("empty paste", b("\u{1b}[200~\u{1b}[201~"), []),
        ("paste c1 dropped", b("\u{1b}[200~a\u{85}b\u{9b}c\u{1b}[201~"), [.paste("abc")]),
        ("unknown csi", b("a\u{1b}[?1;2ub\u{1b}[15~\u{1b}[2~\u{1b}[1I\u{1b}[2Oc\u{1b}[201~"), [.text("abc")]),
        ("osc bel", b("a\u{1b}]11;rgb:0000/0000/0000\u{7}b"), [.text("ab")]),
        ("osc st", b("a\u{1b}]0;title\u{1b}\\b"), [.text("ab")]),
        ("osc 52", b("\u{1b}]52;c;SGVsbG8=\u{7}"), []),
        ("dcs apc pm sos", b("\u{1b}P1$r0m\u{1b}\\\u{1b}_Gi=1;OK\u{1b}\\\u{1b}^x\u{1b}\\\u{1b}Xy\u{1b}\\z"), [.text("z")]),
        ("string ended by a key", b("\u{1b}]0;stuck\u{1b}[A"), [.up]),
        ("string cancelled", b("\u{1b}]0;x\u{18}y"), [.text("y")]),
        ("ss3 F1 and other function keys swallowed", b("\u{1b}OP\u{1b}OQx"), [.f1, .text("x")]),
        ("alt key", b("\u{1b}x"), [.escape, .text("x")]),
        ("alt backspace", b("\u{1b}\u{7f}"), [.escape, .backspace]),
        ("double escape", b("\u{1b}\u{1b}[A"), [.escape, .up]),
        ("csi aborted by control", b("\u{1b}[1\u{3}"), [.ctrl("c")]),
        ("csi aborted by escape", b("\u{1b}[1\u{1b}[B"), [.down]),
        ("invalid lead", [0xff, 0x61], [.text("\u{FFFD}a")]),
        ("truncated two-byte", [0xc3, 0x28], [.text("\u{FFFD}(")]),
        ("truncated three-byte", [0xe2, 0x82, 0x61], [.text("\u{FFFD}a")]),
        ("surrogate", [0xed, 0xa0, 0x80], [.text("\u{FFFD}\u{FFFD}\u{FFFD}")]),
        ("overlong", [0xc0, 0x80, 0xe0, 0x80, 0x80], [.text(String(repeating: "\u{FFFD}", count: 5))]),
        ("lone continuation", [0x80, 0xbf], [.text("\u{FFFD}\u{FFFD}")]),
        ("utf8 cut by escape", [0xe4, 0xb8, 0x1b, 0x5b, 0x41], [.text("\u{FFFD}"), .up]),
        ("typed c1 dropped", b("a\u{85}b"), [.text("ab")]),
    ]

    @Test func everySequenceDecodes() {
        for (name, bytes, expected) in Self.cases {
            #expect(merged(whole(bytes)) == expected, "\(name)")
        }
    }

    @Test func chunkingDoesNotChangeTheKeys() {
        for (name, bytes, expected) in Self.cases {
            #expect(merged(byteByByte(bytes)) == expected, "\(name) byte by byte")
            for seed: UInt64 in 1...5 {
                #expect(merged(chunked(bytes, seed: seed)) == expected, "\(name) chunks \(seed)")
            }
        }
        // All of them back to back, too.
        let all = Self.cases.flatMap(\.1)
        #expect(merged(byteByByte(all)) == merged(whole(all)))
    }

    @Test func textIsBatchedWithinARead() {
        var d = KeyDecoder()
        #expect(d.feed(b("hello")) == [.text("hello")])
        #expect(d.feed(b("ab\u{1b}[Acd")) == [.text("ab"), .up, .text("cd")])
    }

    @Test func utf8SplitAcrossReads() {
        var d = KeyDecoder()
        let bytes = b("中")
        #expect(d.feed(bytes[0..<1]) == [])
        #expect(d.bufferedByteCount == 1)
        #expect(d.feed(bytes[1..<3]) == [.text("中")])
        #expect(d.bufferedByteCount == 0)
    }

    @Test func pasteSpansReads() {
        var d = KeyDecoder()
        #expect(d.feed(b("x\u{1b}[200~line one\r")) == [.text("x")])
        #expect(d.feed(b("\nline two\u{1b}[20")) == [])
        #expect(!d.isWaitingAfterEscape)
        #expect(d.feed(b("1~y")) == [.paste("line one\nline two"), .text("y")])
    }

    @Test func loneEscapeWaitsForTheTimer() {
        var d = KeyDecoder()
        #expect(d.feed([0x1b]) == [])
        #expect(d.isWaitingAfterEscape)
        #expect(d.escapeTimeout() == [.escape])
        #expect(!d.isWaitingAfterEscape)
        #expect(d.escapeTimeout() == [])
        #expect(d.feed(b("[A")) == [.text("[A")])
    }

    @Test func escapeThenSequenceInTheNextRead() {
        var d = KeyDecoder()
        #expect(d.feed([0x1b]) == [])
        #expect(d.feed(b("[A")) == [.up])
        #expect(!d.isWaitingAfterEscape)
    }

    @Test func altBracketAndAltOAfterTimeout() {
        var d = KeyDecoder()
        #expect(d.feed(b("\u{1b}[")) == [])
        #expect(d.isWaitingAfterEscape)
        #expect(d.escapeTimeout() == [.escape, .text("[")])
        #expect(d.feed(b("\u{1b}O")) == [])
        #expect(d.isWaitingAfterEscape)
        #expect(d.escapeTimeout() == [.escape, .text("O")])
        // Inside a sequence with parameters the timer has no say.
        #expect(d.feed(b("\u{1b}[1;")) == [])
        #expect(!d.isWaitingAfterEscape)
        #expect(d.escapeTimeout() == [])
        #expect(d.feed(b("5A")) == [.up])
    }

    @Test func overlongSequenceIsDiscardedAndStaysBounded() {
        var d = KeyDecoder()
        #expect(d.feed(b("\u{1b}[")) == [])
        for _ in 0..<1000 {
            #expect(d.feed(b(String(repeating: "1;", count: 50))) == [])
            #expect(d.bufferedByteCount <= KeyDecoder.maxSequenceBytes)
        }
        // Its final byte ends it without producing a key; input then decodes normally.
        #expect(d.feed(b("Ax")) == [.text("x")])
        #expect(d.bufferedByteCount == 0)
    }

    @Test func unterminatedStringIsNotStored() {
        var d = KeyDecoder()
        #expect(d.feed(b("\u{1b}]52;c;")) == [])
        for _ in 0..<100 {
            #expect(d.feed(b(String(repeating: "QUFB", count: 1000))) == [])
        }
        #expect(d.bufferedByteCount == 0)
        #expect(d.feed(b("\u{7}ok")) == [.text("ok")])
    }

    @Test func pasteIsCappedAtAUTF8Boundary() {
        var d = KeyDecoder()
        #expect(d.feed(b("\u{1b}[200~")) == [])
        let chunk = b(String(repeating: "é", count: 4096))  // 8 KiB
        for _ in 0..<(KeyDecoder.maxPasteBytes / chunk.count + 10) {
            #expect(d.feed(b("a") + chunk) == [])  // odd offset: the cut lands inside an "é"
        }
        #expect(d.bufferedByteCount == KeyDecoder.maxPasteBytes)
        let keys = d.feed(b("\u{1b}[201~z"))
        #expect(keys.count == 2)
        guard case .paste(let text)? = keys.first else {
            Issue.record("no paste")
            return
        }
        #expect(text.utf8.count <= KeyDecoder.maxPasteBytes)
        #expect(text.utf8.count >= KeyDecoder.maxPasteBytes - 3)
        #expect(!text.contains("\u{FFFD}"))
        #expect(keys.last == .text("z"))
        #expect(d.bufferedByteCount == 0)
    }

    @Test func garbageNeverCrashesAndNeverLeaksEscapes() {
        var rng = SplitMix(seed: 42)
        var d = KeyDecoder()
        for _ in 0..<2000 {
            let bytes = (0..<rng.next(40)).map { _ in UInt8(rng.next(256)) }
            for key in d.feed(bytes) {
                if case .text(let s) = key {
                    #expect(!s.unicodeScalars.contains { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) })
                }
            }
            if rng.next(5) == 0 { _ = d.escapeTimeout() }
            #expect(d.bufferedByteCount <= KeyDecoder.maxPasteBytes)
        }
    }
}
