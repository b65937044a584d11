import ChatState

/// FNV-1a 64 over a canonical byte encoding of every event and effect of a run. The encoding
/// is our own (a tag byte per case, lengths before variable data, integers as 8 bytes big
/// endian) rather than the EventLog's JSON: it is as canonical, and fast enough to hash every
/// step of thousands of sessions. Nothing in it depends on dictionary order.
struct TraceHash {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    private static let prime: UInt64 = 0x0000_0100_0000_01B3

    @inline(__always) mutating func byte(_ b: UInt8) {
        value = (value ^ UInt64(b)) &* Self.prime
    }

    /// Big endian, a byte at a time: the same as eight `byte` calls, without the loop.
    @inline(__always) mutating func u64(_ v: UInt64) {
        var h = value
        h = (h ^ (v >> 56)) &* Self.prime
        h = (h ^ (v >> 48 & 0xFF)) &* Self.prime
        h = (h ^ (v >> 40 & 0xFF)) &* Self.prime
        h = (h ^ (v >> 32 & 0xFF)) &* Self.prime
        h = (h ^ (v >> 24 & 0xFF)) &* Self.prime
        h = (h ^ (v >> 16 & 0xFF)) &* Self.prime
        h = (h ^ (v >> 8 & 0xFF)) &* Self.prime
        h = (h ^ (v & 0xFF)) &* Self.prime
        value = h
    }

    @inline(__always) mutating func int(_ v: Int) { u64(UInt64(bitPattern: Int64(v))) }

    /// The length, then the bytes, hashed in a local over the contiguous buffer (a walk through
    /// `self` per byte, or through a String's UTF8View, costs several times as much).
    mutating func raw(_ p: UnsafeBufferPointer<UInt8>) {
        int(p.count)
        var h = value
        for b in p { h = (h ^ UInt64(b)) &* Self.prime }
        value = h
    }

    mutating func bytes(_ a: [UInt8]) { a.withUnsafeBufferPointer { raw($0) } }

    mutating func string(_ s: String) {
        guard s.utf8.withContiguousStorageIfAvailable({ raw($0) }) == nil else { return }
        var copy = s
        copy.withUTF8 { raw($0) }
    }

    mutating func conn(_ c: ConnID) { u64(c.raw) }

    mutating func uid(_ u: UID) {
        u64(u.high)
        u64(u.low)
    }

    mutating func timer(_ t: TimerID) {
        switch t {
        case .joinDeadline(let c): byte(1); conn(c)
        case .tableRefresh: byte(3)
        case .announce: byte(4)
        case .floodRelease(let c): byte(5); conn(c)
        case .reconnect: byte(6)
        case .reconnectTick: byte(7)
        }
    }

    /// One step of one actor: who, when, what came in and what went out.
    mutating func step(actor: Int, now: Int, event: Event, effects: [Effect]) {
        byte(0xA0)
        int(actor)
        int(now)
        self.event(event)
        int(effects.count)
        for e in effects { effect(e) }
    }

    /// A step of an original-like client model, which has no Event type of its own.
    mutating func modelStep(actor: Int, now: Int, tag: UInt8, bytes: [UInt8]) {
        byte(0xA1)
        int(actor)
        int(now)
        byte(tag)
        self.bytes(bytes)
    }

    mutating func event(_ e: Event) {
        switch e {
        case let .listening(host, port): byte(1); string(host); int(port)
        case let .accepted(c, u, remote, address):
            byte(2); conn(c); uid(u); string(remote); string(address ?? "\u{0}nil")
        case let .time(t): byte(11); int(Int(t.monotonicMillis))
        case let .connected(c, remote): byte(3); conn(c); string(remote)
        case let .received(c, b): byte(4); conn(c); bytes(b.array)
        case let .disconnected(c, reason): byte(5); conn(c); string(reason)
        case let .timer(t): byte(6); timer(t)
        case let .key(k): byte(7); key(k)
        case let .resize(cols, rows): byte(8); int(cols); int(rows)
        case let .inputLine(text): byte(9); string(text)
        case .inputClosed: byte(10)
        case let .dialFailed(reason): byte(15); string(reason)
        case let .recalled(texts): byte(16); int(texts.count); for t in texts { string(t) }
        case let .logIdentity(id): byte(17); string(id)
        case let .restored(room, nextSeq, latest, topic):
            byte(12); string(room); int(Int(nextSeq)); int(latest.count); for e in latest { entry(e) }
            if let topic { entry(topic) }
        case let .historyAnswered(a):
            byte(13); int(Int(a.id)); byte(a.more ? 1 : 0); int(a.entries.count); for e in a.entries { entry(e) }
        case let .identified(c, fingerprint): byte(17); conn(c); string(fingerprint)
        case let .restoredModeration(records): byte(18); string(String(describing: records))
        case let .roomLogRecording(recording, detail): byte(14); byte(recording ? 1 : 0); string(detail)
        case let .terminalWidths(table): byte(17); string(String(describing: table))
        }
    }

    mutating func entry(_ e: RoomEntry) {
        string(e.room); int(Int(e.seq)); int(Int(e.wallMillis)); string(e.kind.rawValue); string(e.author)
        // The uid's and the colour's canonical texts, hashed from their bytes: a String made
        // for each entry of every stored batch and history answer cost more than the hash.
        if let u = e.authorUID { bytes(u.utf8) } else { string("\u{0}nil") }
        rgb(e.color)
        string(e.text)
    }

    /// The bytes of `RGB.description` (six lower-case hex digits), as `string` hashes them.
    mutating func rgb(_ c: RGB) {
        int(6)
        hex(c.r)
        hex(c.g)
        hex(c.b)
    }

    private mutating func hex(_ v: UInt8) {
        byte(Self.hexDigits[Int(v >> 4)])
        byte(Self.hexDigits[Int(v & 15)])
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    mutating func effect(_ e: Effect) {
        switch e {
        case let .send(to, b): byte(1); int(to.count); for c in to { conn(c) }; bytes(b.array)
        case let .close(c, reason): byte(2); conn(c); string(reason)
        case let .setTimer(t, millis): byte(3); timer(t); int(millis)
        case let .cancelTimer(t): byte(4); timer(t)
        case let .pauseReading(c): byte(8); conn(c)
        case let .resumeReading(c): byte(9); conn(c)
        case let .print(s): byte(5); string(s)
        case let .remember(s): byte(12); string(s)
        case let .alert(title, body): byte(13); string(title); string(body)
        case let .log(s): byte(6); string(s)
        case let .quit(code, message): byte(7); int(Int(code)); string(message ?? "\u{0}nil")
        case let .store(entries): byte(10); int(entries.count); for e in entries { entry(e) }
        case let .queryHistory(q): byte(11); int(Int(q.id)); string(q.room); string(Self.describe(q.range)); int(q.limit)
        case .connect: byte(14)
        case let .keepModeration(change): byte(15); string(String(describing: change))
        }
    }

    /// `String(describing:)` of a range, which goes through reflection (a few microseconds, for
    /// every history query): the cases of one number written as it writes them, a search as it
    /// is (held to it by `TraceHashTests`).
    static func describe(_ range: HistoryQuery.Range) -> String {
        switch range {
        case let .before(seq): "before(seq: \(seq))"
        case let .after(seq): "after(seq: \(seq))"
        case let .around(seq): "around(seq: \(seq))"
        case .search: String(describing: range)
        }
    }

    mutating func key(_ k: Key) {
        switch k {
        case .text(let s): byte(1); string(s)
        case .paste(let s): byte(2); string(s)
        case .ctrl(let c): byte(3); string(String(c))
        case .enter: byte(10)
        case .tab: byte(11)
        case .backTab: byte(12)
        case .backspace: byte(13)
        case .delete: byte(14)
        case .escape: byte(15)
        case .up: byte(16)
        case .down: byte(17)
        case .left: byte(18)
        case .right: byte(19)
        case .home: byte(20)
        case .end: byte(21)
        case .pageUp: byte(22)
        case .pageDown: byte(23)
        case .wheelUp: byte(24)
        case .wheelDown: byte(25)
        case .f1: byte(26)
        case .focusIn: byte(27)
        case .focusOut: byte(28)
        case .report(let r): byte(29); string(String(describing: r))
        case .altDigit(let n): byte(30); int(n)
        case .altLeft: byte(31)
        case .altRight: byte(32)
        }
    }
}
