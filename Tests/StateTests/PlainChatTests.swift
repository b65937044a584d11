import Testing
@testable import ChatState

/// The relay's fast path must agree with the full decoder and encoder on every body it takes,
/// and leave every other body to them.
@Suite struct PlainChatTests {
    let sender = UID("5d0c2a6e-8f1b-4c3d-9e7f-0123456789ab")!

    static let taken: [String] = [
        #"{"uid": "5d0c2a6e-8f1b-4c3d-9e7f-0123456789ab", "text": "hello there", "type": "ChatMessage"}"#,
        #"{"uid": null, "text": "x", "type": "ChatMessage"}"#,
        #"{"uid": "00000000-0000-4000-8000-000000000001", "text": "   ", "type": "ChatMessage"}"#,
        #"{"uid": "00000000-0000-4000-8000-000000000001", "text": "", "type": "ChatMessage"}"#,
        #"{"uid": "00000000-0000-4000-8000-000000000001", "text": "a/b <c> {d} 'e' ~", "type": "ChatMessage"}"#,
    ]

    static let refused: [String] = [
        #"{"uid": "5D0C2A6E-8F1B-4C3D-9E7F-0123456789AB", "text": "upper-case uid", "type": "ChatMessage"}"#,
        #"{"uid": "5d0c2a6e8f1b4c3d9e7f0123456789ab", "text": "no hyphens", "type": "ChatMessage"}"#,
        #"{"uid": null, "text": "a \"quote\"", "type": "ChatMessage"}"#,
        #"{"uid": null, "text": "back\\slash", "type": "ChatMessage"}"#,
        #"{"uid": null, "text": "caf\u00e9", "type": "ChatMessage"}"#,
        "{\"uid\": null, \"text\": \"tab\there\", \"type\": \"ChatMessage\"}",
        #"{"uid": null, "text": "x", "type": "ChatMessage", "extra": 1}"#,
        #"{"uid":null,"text":"compact","type":"ChatMessage"}"#,
        #"{"text": "x", "uid": null, "type": "ChatMessage"}"#,
        #"{"uid": 5, "text": "x", "type": "ChatMessage"}"#,
        #"{"text": "x", "type": "SystemMessage"}"#,
        #"{"uid": null, "text": "x", "type": "ChatMessage"}  "#,
    ]

    @Test(arguments: taken) func takenBodiesDecodeToTheSameText(_ json: String) throws {
        let body = Array(json.utf8)
        let range = try #require(MessageCodec.plainChatText(body))
        guard case let .chat(_, text) = try MessageCodec.decode(body) else {
            Issue.record("not a chat")
            return
        }
        #expect(Array(body[range]) == Array(text.utf8))
        #expect(MessageCodec.chatFrame(uid: sender, plainText: body[range]) == FrameCodec.frame(.chat(uid: sender, text: text)))
        #expect(TextRules.cleanText(text) == text)
    }

    @Test(arguments: refused) func otherBodiesAreLeftToTheDecoder(_ json: String) {
        #expect(MessageCodec.plainChatText(Array(json.utf8)) == nil)
    }

    /// The word-at-a-time scan agrees with the byte rule for every byte value at every place of
    /// texts of every length up to three words and a tail (so each lane of the word and the tail).
    @Test func theWordScanAgreesWithTheByteRule() {
        func plain(_ c: UInt8) -> Bool { c >= 0x20 && c <= 0x7E && c != 0x22 && c != 0x5C }
        for length in 1...27 {
            for place in 0..<length {
                for c in 0...255 as ClosedRange<Int> {
                    var text = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    text[place] = UInt8(c)
                    let scanned = text.withUnsafeBytes { MessageCodec.isPlainText($0.baseAddress!, count: length) }
                    if scanned != plain(UInt8(c)) {
                        Issue.record("byte \(c) at \(place) of \(length): scan says \(scanned)")
                        return
                    }
                }
            }
        }
    }

    /// The fast path's uid check takes exactly the canonical form: every byte value at every
    /// place of a canonical uid, against the rule (hyphens at 8, 13, 18, 23; else 0-9, a-f).
    @Test func theUIDCheckTakesExactlyTheCanonicalForm() {
        let canonical = Array("5d0c2a6e-8f1b-4c3d-9e7f-0123456789ab".utf8)
        for place in 0..<36 {
            for c in 0...255 as ClosedRange<Int> {
                var text = canonical
                text[place] = UInt8(c)
                let hyphen = [8, 13, 18, 23].contains(place)
                let valid = hyphen ? c == 0x2D : (0x30...0x39).contains(c) || (0x61...0x66).contains(c)
                let checked = text.withUnsafeBytes { MessageCodec.isCanonicalUID($0.baseAddress!) }
                if checked != valid {
                    Issue.record("byte \(c) at \(place): check says \(checked)")
                    return
                }
            }
        }
    }

    /// The uid written byte by byte into frames is the one `description` spells.
    @Test func uidBytesAreTheCanonicalForm() {
        for uid in [sender, UID(high: 0, low: 0), UID(high: .max, low: .max), UID(high: 0x0123_4567_89ab_cdef, low: 0xfedc_ba98_7654_3210)] {
            var out: [UInt8] = [0x7B]
            uid.appendUTF8(to: &out)
            #expect(out == [0x7B] + Array(uid.description.utf8))
            #expect(UID(String(decoding: out.dropFirst(), as: UTF8.self)) == uid)
        }
        #expect(UID(high: 0x0123_4567_89ab_cdef, low: 0xfedc_ba98_7654_3210).description
                == "01234567-89ab-cdef-fedc-ba9876543210")
    }

    /// The same events give the same effects and lines whether the room takes the fast path
    /// or not: a room fed byte-identical frames through both paths.
    @Test func fastAndGeneralPathsGiveTheSameEffects() {
        func run(_ text: String) -> ([Effect], [DisplayLine]) {
            var app = ChatApp(config: AppConfig(role: .server, host: "h", port: 1, username: "host", color: "000000",
                                                hostUID: nil, terminal: nil, maxFrameLength: Limits.maxFrameLength,
                                                maxConnections: 10))
            let a = ConnID(1), b = ConnID(2)
            _ = app.step(.accepted(conn: a, uid: UID(high: 1, low: 1), remote: "a"))
            _ = app.step(.accepted(conn: b, uid: UID(high: 2, low: 2), remote: "b"))
            _ = app.step(.received(conn: a, bytes: Bytes(FrameCodec.frame(.joinRequest(username: "a", color: "000000")))))
            _ = app.step(.received(conn: b, bytes: Bytes(FrameCodec.frame(.joinRequest(username: "b", color: "000000")))))
            return app.step(.received(conn: a, bytes: Bytes(FrameCodec.frame(.chat(uid: nil, text: text)))))
        }
        // "fast" goes the fast way; "fast\u{1}" is cleaned to "fast" by the general path.
        let fast = run("fast")
        let general = run("fast\u{1}")
        #expect(fast.0 == general.0)
        #expect(fast.1 == general.1)
    }
}
