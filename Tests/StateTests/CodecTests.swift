import Testing
@testable import ChatState

/// Golden bytes: each expected string is what the original (Python's json.dumps) writes.
@Suite struct CodecGoldenTests {
    let u1 = UID("5d0c2a6e-8f1b-4c3d-9e7f-0123456789ab")!
    let u2 = UID("00000000-0000-4000-8000-000000000001")!

    func body(_ m: Message) -> String { String(decoding: MessageCodec.encode(m), as: UTF8.self) }

    @Test func joinRequest() {
        #expect(body(.joinRequest(username: "alice", color: "ff8800"))
            == #"{"username": "alice", "color": "ff8800", "type": "JoinRequest"}"#)
        #expect(body(.joinRequest(username: "Zoë 中", color: "#FF8800"))
            == ##"{"username": "Zo\u00eb \u4e2d", "color": "#FF8800", "type": "JoinRequest"}"##)
    }

    @Test func serverInfo() {
        let m = Message.serverInfo(users: [
            UserEntry(key: u1, user: WireUser(uid: u1, username: "host", color: "000000")),
            UserEntry(key: u2, user: WireUser(uid: u2, username: "bob", color: "00ff00")),
        ], uid: u2)
        let golden = #"{"users": {"5d0c2a6e-8f1b-4c3d-9e7f-0123456789ab": {"uid": "5d0c2a6e-8f1b-4c3d-9e7f-0123456789ab", "username": "host", "color": "000000"}, "00000000-0000-4000-8000-000000000001": {"uid": "00000000-0000-4000-8000-000000000001", "username": "bob", "color": "00ff00"}}, "uid": "00000000-0000-4000-8000-000000000001", "type": "ServerInfo"}"#
        #expect(body(m) == golden)
        // The per-receiver template writes the same frame.
        let users: [UserEntry]
        if case .serverInfo(let u, _) = m { users = u } else { users = [] }
        #expect(MessageCodec.ServerInfoTemplate(users: users).frame(for: u2) == FrameCodec.frame(m))
    }

    @Test func chatWithControlCharactersAndEmoji() {
        let text = "h\u{e9}llo 😀 \"q\" \\ /\n\t\r\u{8}\u{c}\u{0}\u{1b}[31m\u{7f}\u{85}\u{202e}"
        #expect(body(.chat(uid: u1, text: text))
            == #"{"uid": "5d0c2a6e-8f1b-4c3d-9e7f-0123456789ab", "text": "h\u00e9llo \ud83d\ude00 \"q\" \\ /\n\t\r\b\f\u0000\u001b[31m\u007f\u0085\u202e", "type": "ChatMessage"}"#)
        #expect(body(.chat(uid: nil, text: "中文 👨‍👩‍👧 é"))
            == #"{"uid": null, "text": "\u4e2d\u6587 \ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67 \u00e9", "type": "ChatMessage"}"#)
    }

    @Test func systemAndUser() {
        #expect(body(.system(text: "alice joined the chat")) == #"{"text": "alice joined the chat", "type": "SystemMessage"}"#)
        #expect(body(.user(WireUser(uid: u1, username: "x", color: "abcdef")))
            == #"{"uid": "5d0c2a6e-8f1b-4c3d-9e7f-0123456789ab", "username": "x", "color": "abcdef", "type": "User"}"#)
    }

    @Test func frameHeaderCountsKindAndBody() {
        let f = FrameCodec.frame(.system(text: "hi"))
        let b = MessageCodec.encode(.system(text: "hi"))
        #expect(Array(f.prefix(5)) == [0, 0, 0, UInt8(b.count + 1), 1])
        #expect(Array(f.dropFirst(5)) == b)
    }

    @Test(arguments: [
        Message.joinRequest(username: "a\u{0}b", color: ""),
        .serverInfo(users: [], uid: nil),
        .chat(uid: UID("00000000-0000-4000-8000-000000000001"), text: "x😀\u{10FFFF}\u{FFFF}"),
        .system(text: String(repeating: "é", count: 5000)),
        .user(WireUser(uid: nil, username: "", color: "#")),
    ])
    func roundTrip(_ m: Message) throws {
        #expect(try MessageCodec.decode(MessageCodec.encode(m)) == m)
    }
}

@Suite struct CodecDecodingTests {
    func decode(_ s: String) throws(DecodeError) -> Message { try MessageCodec.decode(Array(s.utf8)) }

    func error(_ s: String) -> DecodeError? {
        do { _ = try decode(s); return nil } catch { return error }
    }

    @Test func acceptsAnyValidJSON() throws {
        let uid = UID("5d0c2a6e-8f1b-4c3d-9e7f-0123456789ab")!
        // Compact separators, type first, escapes of every kind, whitespace everywhere.
        #expect(try decode(#"{"type":"ChatMessage","uid":"5D0C2A6E-8F1B-4C3D-9E7F-0123456789AB","text":"a\/b\u00e9\ud83d\ude00"}"#)
            == .chat(uid: uid, text: "a/bé😀"))
        #expect(try decode(" \r\n\t{ \"text\" : \"x\" , \"type\" : \"SystemMessage\" } \n") == .system(text: "x"))
        // A duplicate key keeps its last value, as in Python.
        #expect(try decode(#"{"text": "first", "text": "last", "type": "SystemMessage"}"#) == .system(text: "last"))
        // uids in every form Python's uuid.UUID accepts, and null.
        #expect(try decode(#"{"uid": "{5d0c2a6e-8f1b-4c3d-9e7f-0123456789ab}", "text": "", "type": "ChatMessage"}"#) == .chat(uid: uid, text: ""))
        #expect(try decode(#"{"uid": "urn:uuid:5d0c2a6e8f1b4c3d9e7f0123456789ab", "text": "", "type": "ChatMessage"}"#) == .chat(uid: uid, text: ""))
        #expect(try decode(#"{"uid": null, "text": "t", "type": "ChatMessage"}"#) == .chat(uid: nil, text: "t"))
        // Raw UTF-8 and a lone surrogate escape (kept by Python, replaced here).
        #expect(try decode("{\"text\": \"中😀\", \"type\": \"SystemMessage\"}") == .system(text: "中😀"))
        #expect(try decode(#"{"text": "a\ud800b", "type": "SystemMessage"}"#) == .system(text: "a\u{FFFD}b"))
    }

    @Test func reportsExactlyWhatIsWrong() {
        #expect(error(#"{"text": "x", "type": "SystemMessage""#) == .badJSON(reason: "expecting ',' or '}' in an object", offset: 37))
        #expect(error("[1, 2]") == .notAnObject(found: "array"))
        #expect(error(#"{"text": "x"}"#) == .missingType)
        #expect(error(#"{"type": "Hello"}"#) == .unknownType("Hello"))
        #expect(error(#"{"type": 5}"#) == .wrongFieldType(type: "message", field: "type", expected: "string", found: "number"))
        #expect(error(#"{"type": "SystemMessage"}"#) == .missingField(type: "SystemMessage", field: "text"))
        #expect(error(#"{"text": "x", "extra": 1, "type": "SystemMessage"}"#) == .extraField(type: "SystemMessage", field: "extra"))
        #expect(error(#"{"text": 1e5, "type": "SystemMessage"}"#) == .wrongFieldType(type: "SystemMessage", field: "text", expected: "string", found: "number"))
        #expect(error(#"{"username": null, "color": "000000", "type": "JoinRequest"}"#) == .wrongFieldType(type: "JoinRequest", field: "username", expected: "string", found: "null"))
        #expect(error(#"{"uid": "bogus", "text": "x", "type": "ChatMessage"}"#) == .badUUID(type: "ChatMessage", field: "uid", value: "bogus"))
        #expect(error(#"{"uid": 5, "text": "x", "type": "ChatMessage"}"#) == .wrongFieldType(type: "ChatMessage", field: "uid", expected: "string", found: "number"))
        #expect(error(#"{"users": {"nope": {}}, "uid": null, "type": "ServerInfo"}"#) == .badUUID(type: "ServerInfo", field: "users", value: "nope"))
        #expect(error(#"{"users": {"00000000-0000-4000-8000-000000000001": {"uid": null, "username": "a", "color": "b", "type": "User"}}, "uid": null, "type": "ServerInfo"}"#) == .extraField(type: "User", field: "type"))
        #expect(error(#"{"users": [], "uid": null, "type": "ServerInfo"}"#) == .wrongFieldType(type: "ServerInfo", field: "users", expected: "object", found: "array"))
    }

    @Test func badUTF8() {
        for body: [UInt8] in [[0x7B, 0xFF, 0x7D], [0x22, 0xED, 0xA0, 0x80, 0x22], [0xC0, 0xAF], [0xE4, 0xB8]] {
            #expect(throws: DecodeError.badUTF8) { try MessageCodec.decode(body) }
        }
    }

    @Test(arguments: [
        ("", "expecting a value, found the end"),
        ("{", "expecting a property name in double quotes"),
        (#"{"a": 01}"#, "expecting ',' or '}' in an object"),
        (#"{"a": 1.}"#, "expecting ',' or '}' in an object"),
        (#"{"a": "\x"}"#, "invalid escape"),
        (#"{"a": "\u12"}"#, #"invalid \uXXXX escape"#),
        ("{\"a\": \"tab\there\"}", "invalid control character in a string"),
        (#"{"a": tru}"#, "expecting a value"),
        (#"{"a": 1} x"#, "extra data after the value"),
        ("\u{FEFF}{}", "expecting a value"),
    ])
    func badJSON(_ input: String, _ reason: String) {
        guard case .badJSON(let r, _)? = error(input) else {
            Issue.record("\(input) should be bad JSON")
            return
        }
        #expect(r == reason)
    }

    @Test func pythonNumberLiteralsAreNumbers() {
        for lit in ["NaN", "Infinity", "-Infinity", "-0.5e+10", "1E3", "123456789012345678901234567890"] {
            #expect(error("{\"text\": \(lit), \"type\": \"SystemMessage\"}")
                == .wrongFieldType(type: "SystemMessage", field: "text", expected: "string", found: "number"))
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        guard case .badJSON(let reason, _)? = error("{\"text\": \(deep), \"type\": \"SystemMessage\"}") else {
            Issue.record("deep nesting accepted")
            return
        }
        #expect(reason == "nested deeper than \(Limits.maxJSONDepth) levels")
    }
}

@Suite struct UIDTests {
    @Test func canonicalFormAndPythonForms() {
        let canonical = "5d0c2a6e-8f1b-4c3d-9e7f-0123456789ab"
        for form in [canonical, canonical.uppercased(), "{\(canonical)}", "urn:uuid:\(canonical)", "5d0c2a6e8f1b4c3d9e7f0123456789ab"] {
            #expect(UID(form)?.description == canonical)
        }
        for bad in ["", "bogus", String(canonical.dropLast()), canonical + "0", "5d0c2a6e-8f1b-4c3d-9e7f-0123456789ag"] {
            #expect(UID(bad) == nil)
        }
    }

    @Test func randomBitsMakeAVersion4UUID() {
        let uid = UID(randomBits: .max, .max)
        #expect(uid.description == "ffffffff-ffff-4fff-bfff-ffffffffffff")
        #expect(UID(randomBits: 0, 0).description == "00000000-0000-4000-8000-000000000000")
    }
}
