import ChatState
import Glibc

/// The original's verdict on each distinct payload of a run, decoded once. The same frame is
/// judged where the server sends it, at every client that reads it, and again while the room
/// holds it for its sender's rate; `OriginalDecoder.decode` is a pure function of the bytes, so
/// remembering its answers weakens no check and saves most of the simulator's JSON parsing.
final class DecodeMemo {
    private var verdicts: [PayloadKey: Result<OriginalMessage, Rejection>] = [:]
    /// A run holds a few thousand distinct payloads; past this the memo starts again.
    private static let capacity = 20_000

    func decode(_ payload: ArraySlice<UInt8>) throws(Rejection) -> OriginalMessage {
        // Looked up by the slice itself; only a payload seen for the first time is copied.
        if let known = verdicts[PayloadKey(payload)] { return try known.get() }
        let slot = UIDSlot(payload)
        if let slot, let verdict = tables.verdict(payload, slot) { return try verdict.get() }
        let verdict = Self.general(payload)
        if let slot { tables.learn(payload, slot, verdict) }
        if verdicts.count >= Self.capacity { verdicts.removeAll(keepingCapacity: true) }
        verdicts[PayloadKey(owning: payload)] = verdict
        return try verdict.get()
    }

    static func general(_ payload: ArraySlice<UInt8>) -> Result<OriginalMessage, Rejection> {
        do { return .success(try OriginalDecoder.decode(payload)) } catch { return .failure(error) }
    }

    /// The tables of ServerInfos that differ only in their receiver's uid (see `ServerInfoTables`).
    let tables = ServerInfoTables()

    /// pychat's own reading of each distinct extension body (the payload after its kind byte),
    /// nil where it fails: the same frame is looked at where the room sends it, where it holds
    /// it, where each end reads it. `ExtensionCodec.decode` is a pure function of the bytes.
    private var extensions: [PayloadKey: ExtensionMessage?] = [:]

    func ext(_ body: ArraySlice<UInt8>) -> ExtensionMessage? {
        if let known = extensions[PayloadKey(body)] { return known }
        let owned = Array(body)
        let message = try? ExtensionCodec.decode(owned)
        if extensions.count >= Self.capacity { extensions.removeAll(keepingCapacity: true) }
        extensions[PayloadKey(owned[...])] = message
        return message
    }

    func ext(_ body: [UInt8]) -> ExtensionMessage? { ext(body[...]) }
}

extension OriginalFrameReader {
    /// Whether `bytes` are exactly one whole frame, its header's length and all.
    static func isOneFrame(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        let n = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        return bytes.count == 4 + n
    }

    /// The payloads of `bytes` read as whole frames, and how many bytes are left over after the
    /// last whole one: a reader's `feed` without its buffer, for a write checked on its own.
    static func frames(in bytes: [UInt8]) -> (payloads: [ArraySlice<UInt8>], rest: Int) {
        var out: [ArraySlice<UInt8>] = []
        var start = 0
        while bytes.count - start >= 4 {
            let n = Int(bytes[start]) << 24 | Int(bytes[start + 1]) << 16 | Int(bytes[start + 2]) << 8 | Int(bytes[start + 3])
            guard bytes.count - start - 4 >= n else { break }
            out.append(bytes[(start + 4)..<(start + 4 + n)])
            start += 4 + n
        }
        return (out, bytes.count - start)
    }
}

/// A payload as a key, hashed as one run of bytes (an array's own hash feeds the hasher a byte
/// at a time, which costs more than the lookup saves). A key to look up is the slice as it
/// comes (no copy); a key the memo keeps owns a copy of just those bytes, so that it does not
/// hold the whole buffer the slice was cut from.
struct PayloadKey: Hashable {
    let bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }
    init(owning bytes: ArraySlice<UInt8>) { self.bytes = Array(bytes)[...] }

    static func == (a: PayloadKey, b: PayloadKey) -> Bool {
        a.bytes.withUnsafeBufferPointer { x in
            b.bytes.withUnsafeBufferPointer { y in
                x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0)
            }
        }
    }

    /// A long payload is hashed by its length and its two ends: where a run's payloads differ
    /// (a frame's type and uid at its start, its text's end and a table's receiver at its end).
    /// Two that differ only in between share a hash and are told apart by `==`, so this costs
    /// nothing but time, and only if such payloads were common.
    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { p in
            guard p.count > 2 * Self.hashedEnd else { return hasher.combine(bytes: p) }
            hasher.combine(p.count)
            hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: p[..<Self.hashedEnd]))
            hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: p[(p.count - Self.hashedEnd)...]))
        }
    }

    private static let hashedEnd = 32
}

/// A text as a key by its UTF-8 bytes: a String's own hash normalises it first (equal texts in
/// other spellings only miss the memo).
struct TextKey: Hashable {
    let text: String
    static func == (a: TextKey, b: TextKey) -> Bool {
        let x = a.text.utf8, y = b.text.utf8
        guard x.count == y.count else { return false }
        let fast: Bool?? = x.withContiguousStorageIfAvailable { p in
            y.withContiguousStorageIfAvailable { q in p.count == 0 || memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0 }
        }
        if case let same?? = fast { return same }
        return x.elementsEqual(y)
    }
    func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

/// The names `mayBeMessage` looks for, made once (an array literal at each call is a new array).
enum MessageNames {
    static let privateMessage: [StaticString] = ["Private"]
    static let chatMessage: [StaticString] = ["ChatMessage"]
    static let serverInfo: [StaticString] = ["ServerInfo"]
    static let stamp: [StaticString] = ["Stamp"]
    static let actionOrPrivate: [StaticString] = ["Action", "Private"]
    /// An extension `Chat` (a pychat client's chat with its id).
    static let extensionChat: [StaticString] = ["Chat"]
    static let ack: [StaticString] = ["Ack"]
    /// What `checkRoomDelivery` follows: a room's entries, joins and parts (a drop is a `Part`).
    static let roomDelivery: [StaticString] = ["RoomEntry", "Join", "Part"]
    /// A rejoin's answer; and what a reconnecting client's rooms are followed by (joins, parts
    /// and drops, rejoin answers).
    static let resumed: [StaticString] = ["Resumed"]
    static let roomFollow: [StaticString] = ["Join", "Part", "Resumed"]
}

/// Whether a payload may be a message of one of `types`: its bytes hold one of the names, or a
/// `\u` (JSON may spell a name with escapes; pychat's writer never does). Where the simulator
/// looks for some kinds of message only, it decodes only these.
func mayBeMessage(_ payload: ArraySlice<UInt8>, _ types: [StaticString]) -> Bool {
    payload.withUnsafeBytes { p in
        if occurs(MessageNames.unicodeEscape, in: p) { return true }
        return types.contains { occurs($0, in: p) }
    }
}

extension MessageNames {
    static let unicodeEscape: StaticString = "\\u"
}

/// Whether `needle` (not empty) occurs in `haystack`: memchr to each place its first byte is,
/// then memcmp there (a loop over the bytes in Swift cost as much as the decode it saves).
func occurs(_ needle: StaticString, in haystack: UnsafeRawBufferPointer) -> Bool {
    let n = needle.utf8CodeUnitCount
    guard n > 0, haystack.count >= n, let base = haystack.baseAddress else { return false }
    let first = Int32(needle.utf8Start.pointee)
    // The last place a match can start, and the next place to look from.
    let last = haystack.count - n
    var from = 0
    while from <= last, let hit = memchr(base + from, first, last - from + 1) {
        if memcmp(hit, needle.utf8Start, n) == 0 { return true }
        from = base.distance(to: UnsafeRawPointer(hit)) + 1
    }
    return false
}
