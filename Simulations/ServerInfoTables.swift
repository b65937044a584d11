import ChatState

/// Where a payload may hold a ServerInfo's own uid: the 36 bytes after the last `"uid": "` of
/// its end, when they are all lower-case hex digits or hyphens and a quote follows them. Only a
/// place to try: `ServerInfoTables` proves, once per table, that it is the uid's value.
struct UIDSlot {
    /// The region's first byte, as an index into the payload.
    let start: Int
    static let length = 36
    /// How far from its end a payload is searched: pychat writes `, "type": "ServerInfo"}` after
    /// the uid, and a long chat's text is not searched at all.
    static let window = 128
    private static let marker = Array("\"uid\": \"".utf8)

    init?(_ payload: ArraySlice<UInt8>) {
        let found: Int? = payload.withUnsafeBufferPointer { p in
            let m = Self.marker
            var k = p.count - Self.length - 1 - m.count
            let lowest = max(0, p.count - Self.window)
            while k >= lowest {
                if p[k] == m[0], p[(k + 1)..<(k + m.count)].elementsEqual(m[1...]) {
                    let start = k + m.count
                    guard p[start + Self.length] == UInt8(ascii: "\""),
                          p[start..<(start + Self.length)].allSatisfy(Self.isSlotByte) else { return nil }
                    return start
                }
                k -= 1
            }
            return nil
        }
        guard let found else { return nil }
        start = payload.startIndex + found
    }

    static func isSlotByte(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x61...0x66).contains(b) || b == UInt8(ascii: "-")
    }

    func bytes(of payload: ArraySlice<UInt8>) -> ArraySlice<UInt8> { payload[start..<(start + Self.length)] }
    func head(of payload: ArraySlice<UInt8>) -> ArraySlice<UInt8> { payload[..<start] }
    func tail(of payload: ArraySlice<UInt8>) -> ArraySlice<UInt8> { payload[(start + Self.length)...] }
}

/// The original's verdicts on ServerInfos that differ only in their receiver's uid: a step that
/// changes the table sends it to members, each copy with its receiver's uid, and decoding each
/// whole costs a parse of the whole table.
///
/// A table is learnt from two ServerInfos the general decoder accepted, the same bytes around
/// the slot and different uids in it, each decoded to the same table with its slot's uid. That
/// proves the slot is the value of the (first) top-level "uid" member, with no escape in it: the
/// decoded uid depends on that member's value only, so a slot anywhere else would leave both
/// uids the same; and a string that only ends in the slot holds a quote before it, which no
/// uuid accepts. The parser reads from left to right, so the same bytes before the slot, slot
/// bytes that are neither a quote nor a backslash, and the same bytes after it read as the same
/// object with another string there: the decoder's answer is the table with `uuid` of those
/// bytes, exactly, error and all (it reads the uid before the table). From the third receiver
/// on, a table is not parsed again.
final class ServerInfoTables {
    private struct Key: Hashable {
        let head: PayloadKey
        let tail: PayloadKey
    }

    private enum Learnt {
        /// Seen once: the table and the uid of the first payload, waiting for the second.
        case once(users: [(key: UID, user: OriginalMessage.User?)]?, uid: UID)
        /// The table (nil: `"users": null`), proven to be the answer whatever uid the slot holds.
        case table([(key: UID, user: OriginalMessage.User?)]?)
        /// The proof failed: these are decoded whole.
        case unproven
    }

    /// What was learnt of each table, by the bytes around its slot.
    private var known: [Key: Learnt] = [:]
    private static let capacity = 20_000
    /// Verdicts answered from a learnt table (for the tests).
    private(set) var reused = 0

    func verdict(_ payload: ArraySlice<UInt8>, _ slot: UIDSlot) -> Result<OriginalMessage, Rejection>? {
        guard case let .table(users)? = known[Key(head: PayloadKey(slot.head(of: payload)), tail: PayloadKey(slot.tail(of: payload)))]
        else { return nil }
        reused += 1
        let text = String(decoding: slot.bytes(of: payload), as: UTF8.self)
        do { return .success(.serverInfo(users: users, uid: try OriginalDecoder.uuid(.string(text), "ServerInfo.uid"))) }
        catch { return .failure(error) }
    }

    /// A payload with a slot the general decoder judged (and no table answered).
    func learn(_ payload: ArraySlice<UInt8>, _ slot: UIDSlot, _ verdict: Result<OriginalMessage, Rejection>) {
        let key = Key(head: PayloadKey(slot.head(of: payload)), tail: PayloadKey(slot.tail(of: payload)))
        let found = known[key]
        if case .unproven? = found { return }
        guard case let .success(.serverInfo(users, uid?)) = verdict,
              uid == OriginalDecoder.canonicalUID(String(decoding: slot.bytes(of: payload), as: UTF8.self)) else {
            // Not a table with its slot's uid: a table seen once with these bytes around the
            // slot is no proof any more.
            if found != nil { known[key] = .unproven }
            return
        }
        let learnt: Learnt
        switch found {
        case nil: learnt = .once(users: users, uid: uid)
        case let .once(first, firstUID)?:
            guard firstUID != uid else { return }
            learnt = Self.same(first, users) ? .table(users) : .unproven
        case .table?, .unproven?: return
        }
        if known.count >= Self.capacity { known.removeAll(keepingCapacity: true) }
        known[Key(head: PayloadKey(owning: slot.head(of: payload)), tail: PayloadKey(owning: slot.tail(of: payload)))] = learnt
    }

    private static func same(_ a: [(key: UID, user: OriginalMessage.User?)]?, _ b: [(key: UID, user: OriginalMessage.User?)]?) -> Bool {
        OriginalMessage.serverInfo(users: a, uid: nil) == .serverInfo(users: b, uid: nil)
    }
}
