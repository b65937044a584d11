@testable import ChatState

/// A real room and a real reconnecting client, wired to each other byte for byte, with a cut
/// that may lose what is in flight either way. Another member, bob, is an original client
/// whose received frames are kept, so a test can count what the room relayed to others.
struct ResumePair {
    static let session = UID("6f1c0d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f")!
    static let policy = ReconnectPolicy(initialMillis: 1000, seed: 42, session: session)
    static let clientConfig = AppConfig(role: .client, host: "127.0.0.1", port: 8080, username: "alice",
                                        color: "ff8800", reconnect: policy)
    static let bob = ConnID(90)

    var server: ChatApp
    var client: ChatApp
    /// The client's connection (the same number on both sides); nil while cut.
    var conn: ConnID?
    private var nextConn: UInt64 = 1
    var now: Int64 = 0
    /// Bytes on their way, not yet delivered.
    var toServer: [UInt8] = []
    var toClient: [UInt8] = []
    /// Every line the client was shown, in order, and every effect it asked for.
    var shown: [DisplayLine] = []
    var clientEffects: [Effect] = []
    /// Every frame bob (an original client) received.
    var bobFrames: [RawFrame] = []
    private var bobDecoder = FrameDecoder(limit: Limits.maxFrameLength)
    /// The room log as a store would keep it, and the server's questions to it not answered yet:
    /// `pump` answers them once quiet (as the SQLite store does, oldest first), unless
    /// `answering` is off.
    var stored: [RoomEntry] = []
    var asked: [HistoryQuery] = []
    var answering = true

    init(config: AppConfig = ResumePair.clientConfig, server serverConfig: AppConfig = RoomTests.config) {
        server = ChatApp(config: serverConfig)
        client = ChatApp(config: config)
        tick(0)
        _ = serverStep(.accepted(conn: Self.bob, uid: Fix.uid2, remote: "b"))
        _ = serverStep(.received(conn: Self.bob, bytes: Fix.frame(.joinRequest(username: "bob", color: "0000ff"))))
        connect()
    }

    /// Time passes for both (the server's wall clock too, so entries carry it).
    mutating func tick(_ millis: Int64) {
        now += millis
        _ = serverStep(.time(Instant(monotonicMillis: now, wallMillis: 1_700_000_000_000 + now)))
        clientStep(.time(Instant(monotonicMillis: now)))
    }

    mutating func serverStep(_ event: Event) -> [Effect] {
        let effects = server.reduce(event)
        for effect in effects {
            if case .store(let entries) = effect { stored += entries }
            if case .queryHistory(let q) = effect { asked.append(q) }
        }
        for case let .send(to, bytes) in effects {
            if let conn, to.contains(conn) { toClient += bytes.array }
            if to.contains(Self.bob) { bobFrames += bobDecoder.feed(bytes.array) }
        }
        return effects
    }

    mutating func clientStep(_ event: Event) {
        let (effects, lines) = client.step(event)
        shown += lines
        clientEffects += effects
        for case let .send(to, bytes) in effects where conn != nil && to == [conn!] { toServer += bytes.array }
    }

    /// A new connection, accepted by the server and reported to the client; then everything is
    /// delivered both ways until neither has more to say.
    mutating func connect() {
        let c = ConnID(nextConn)
        nextConn += 1
        conn = c
        _ = serverStep(.accepted(conn: c, uid: UID(high: 0x1000 + nextConn, low: 0x8000_0000_0000_0000), remote: "a"))
        clientStep(.connected(conn: c, remote: "127.0.0.1:8080"))
        pump()
    }

    /// Delivers what is in flight, both ways, until quiet.
    mutating func pump() {
        while let c = conn, !toServer.isEmpty || !toClient.isEmpty || (answering && !asked.isEmpty) {
            let up = toServer, down = toClient
            toServer = []
            toClient = []
            if !up.isEmpty { _ = serverStep(.received(conn: c, bytes: Bytes(up))) }
            if !down.isEmpty { clientStep(.received(conn: c, bytes: Bytes(down))) }
            if up.isEmpty && down.isEmpty { answerQueries() }
        }
    }

    /// The store's answers to the server's page questions, from `stored`, as `HistoryQuery`
    /// says (`before`: the newest `limit` older ones; `after`: the oldest `limit` newer ones).
    mutating func answerQueries() {
        let questions = asked
        asked = []
        for q in questions {
            let log = stored.filter { $0.room == q.room }
            let entries: [RoomEntry]
            switch q.range {
            case .before(let seq): entries = Array(log.filter { $0.seq < seq }.suffix(q.limit))
            case .after(let seq): entries = Array(log.filter { $0.seq > seq }.prefix(q.limit))
            case .around, .search: entries = []
            }
            _ = serverStep(.historyAnswered(HistoryAnswer(id: q.id, entries: entries, more: false)))
        }
    }

    /// Delivers only what the client sent (the server's answers stay in flight).
    mutating func deliverToServer() {
        guard let c = conn, !toServer.isEmpty else { return }
        let up = toServer
        toServer = []
        _ = serverStep(.received(conn: c, bytes: Bytes(up)))
    }

    /// The connection breaks: whatever is in flight is lost, both sides hear of it.
    mutating func cut() {
        guard let c = conn else { return }
        toServer = []
        toClient = []
        conn = nil
        _ = serverStep(.disconnected(conn: c, reason: "connection reset"))
        clientStep(.disconnected(conn: c, reason: "connection reset"))
    }

    /// The client's reconnect timer fires; it asks to dial, and the dial succeeds.
    mutating func reconnect() {
        clientStep(.timer(.reconnect))
        connect()
    }

    /// The reconnect timer fires and a new connection is accepted; the client reads its welcome
    /// and table and sends its Resume, which stays in flight (in `toServer`). The connection.
    mutating func rejoinUntilResumeSent() -> ConnID {
        clientStep(.timer(.reconnect))
        let c = ConnID(nextConn)
        nextConn += 1
        conn = c
        _ = serverStep(.accepted(conn: c, uid: UID(high: 0x1000 + nextConn, low: 0x8000_0000_0000_0000), remote: "a"))
        clientStep(.connected(conn: c, remote: "r"))
        deliverToServer()  // sign and JoinRequest
        clientStep(.received(conn: c, bytes: Bytes(toClient)))  // welcome, table; the Resume goes out
        toClient = []
        return c
    }

    mutating func bobSays(_ text: String) {
        _ = serverStep(.received(conn: Self.bob, bytes: Fix.frame(.chat(uid: Fix.uid2, text: text))))
    }

    mutating func aliceTypes(_ text: String) { clientStep(.inputLine(text)) }

    /// The chat texts the client was shown, in order (history lines carry their time apart).
    var shownChats: [String] {
        shown.compactMap { line in
            guard case .chat = line.kind else { return nil }
            return line.text
        }
    }

    /// The chat texts bob received from alice, in order.
    var bobGotFromAlice: [String] {
        bobFrames.compactMap { f in
            guard case let .chat(uid, text)? = try? MessageCodec.decode(f.body), uid != Fix.uid2,
                  uid != RoomTests.config.hostUID else { return nil }
            return text
        }
    }
}
