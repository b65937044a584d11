import ChatState

/// Fixed ids and helpers shared by the state tests.
enum Fix {
    static let hostUID = UID("5d0c2a6e-8f1b-4c3d-9e7f-0123456789ab")!
    static let uid1 = UID("00000000-0000-4000-8000-000000000001")!
    static let uid2 = UID("00000000-0000-4000-8000-000000000002")!
    static let uid3 = UID("00000000-0000-4000-8000-000000000003")!
    static let c1 = ConnID(1), c2 = ConnID(2), c3 = ConnID(3)

    static func frame(_ m: Message) -> Bytes { Bytes(FrameCodec.frame(m)) }
    /// The members pane's marks a pychat client with `commands` is sent (ops first, the host among them).
    static func marks(_ ops: [UID], away: [UID] = []) -> Bytes { Bytes(ExtensionCodec.frame(.marks(Marks(ops: ops, away: away)))) }

    static func json(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// A whole frame around a raw JSON body, for feeding hand-written (odd but valid) JSON.
    static func rawFrame(_ body: String) -> Bytes { Bytes(FrameCodec.frame(kind: 1, parts: Array(body.utf8))) }

    static func serverInfo(_ users: [(UID, String, String)], for receiver: UID) -> Bytes {
        frame(.serverInfo(users: users.map { UserEntry(key: $0.0, user: WireUser(uid: $0.0, username: $0.1, color: $0.2)) },
                          uid: receiver))
    }
}
