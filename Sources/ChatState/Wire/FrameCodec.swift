/// One frame as read off the wire: `length: u32 BE | kind: u8 | body`. A zero-length frame has
/// no kind byte at all (`kind == nil`); the original throws on it, as on any kind but 0x01.
public struct RawFrame: Equatable, Sendable {
    public var kind: UInt8?
    public var body: [UInt8]
    /// Set, with no kind or body, when a decoder that skips oversized frames skipped this
    /// one: the length its header announced.
    public var skippedLength: UInt32?

    /// What a log line calls a frame that neither side of PyChat's protocol ever sends.
    public var strayKindDescription: String {
        kind.map { "a frame of kind \($0)" } ?? "an empty frame"
    }

    public init(kind: UInt8?, body: [UInt8]) {
        self.kind = kind
        self.body = body
    }

    public init(skipped length: UInt32) {
        self.init(kind: nil, body: [])
        skippedLength = length
    }
}

public enum FrameError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The header announced more than the limit; nothing of the body was buffered.
    case tooLarge(announced: UInt32, limit: Int)

    public var description: String {
        switch self {
        case let .tooLarge(announced, limit):
            return "frame of \(announced) bytes announced, over the limit of \(limit)"
        }
    }
}

public enum FrameCodec {
    public static let jsonKind: UInt8 = 0x01
    public static let headerLength = 4

    /// A whole frame: header, kind byte, then the body parts in order.
    public static func frame(kind: UInt8, parts: [UInt8]...) -> [UInt8] {
        let length = 1 + parts.reduce(0) { $0 + $1.count }
        var out = [UInt8]()
        out.reserveCapacity(headerLength + length)
        out.append(UInt8(truncatingIfNeeded: length >> 24))
        out.append(UInt8(truncatingIfNeeded: length >> 16))
        out.append(UInt8(truncatingIfNeeded: length >> 8))
        out.append(UInt8(truncatingIfNeeded: length))
        out.append(kind)
        for p in parts { out.append(contentsOf: p) }
        return out
    }

    /// Whether a frame with a body this long is one every pychat peer accepts: the limit on
    /// what we send is the default one, whatever `--max-frame` says about what we read.
    public static func fits(bodyLength: Int) -> Bool {
        1 + bodyLength <= Limits.maxFrameLength
    }

    /// The frame of one protocol message, as the original writes it.
    public static func frame(_ message: Message) -> [UInt8] {
        var w = JSONWriter(frameKind: jsonKind)
        MessageCodec.write(message, into: &w)
        return w.finishFrame()
    }
}

/// Turns a byte stream, fed in chunks of any size, into frames. Partial input stays buffered
/// for the next chunk. A header announcing more than `limit` is handled the moment its fourth
/// byte arrives, so a hostile peer cannot make us buffer a body we will never accept: it is
/// an error (the server's way with a client), or its body is read past without being kept
/// (a client's way with its server: one bad frame costs a notice, not the session).
public struct FrameDecoder: Sendable {
    public enum Oversized: Sendable { case fail, skip }

    public let limit: Int
    public let oversized: Oversized
    private var buffer: [UInt8] = []
    /// Bytes of a skipped frame's body still to be read past.
    private var skipping = 0

    public init(limit: Int = Limits.maxFrameLength, oversized: Oversized = .fail) {
        self.limit = limit
        self.oversized = oversized
    }

    /// Bytes held back waiting for the rest of a frame.
    public var bufferedCount: Int { buffer.count }
    /// Frames completed so far: with `bufferedCount`, tells a new unfinished frame from the
    /// same one still arriving (the interpreter's deadline for unfinished frames).
    public private(set) var completedCount = 0

    /// Why the stream can no longer be read, once it cannot: its framing is lost, so the
    /// connection must be closed. Frames completed before the bad header are still returned.
    public private(set) var failure: FrameError?

    /// Feeds one chunk and returns every frame it completes, up to a header over the limit
    /// (which sets `failure`; later chunks are then ignored).
    public mutating func feed(_ chunk: some Collection<UInt8>) -> [RawFrame] {
        if failure != nil { return [] }
        var frames: [RawFrame] = []
        var rest = chunk[...]
        while !rest.isEmpty {
            if skipping > 0 {
                let n = min(skipping, rest.count)
                rest = rest.dropFirst(n)
                skipping -= n
                continue
            }
            // Complete the header first, one chunk's worth at a time.
            if buffer.count < FrameCodec.headerLength {
                let take = min(FrameCodec.headerLength - buffer.count, rest.count)
                buffer.append(contentsOf: rest.prefix(take))
                rest = rest.dropFirst(take)
                guard buffer.count == FrameCodec.headerLength else { break }
                let announced = headerLength()
                if announced > limit {
                    buffer = []
                    guard oversized == .skip else {
                        failure = .tooLarge(announced: announced, limit: limit)
                        return frames
                    }
                    frames.append(RawFrame(skipped: announced))
                    skipping = Int(announced)
                    continue
                }
            }
            let needed = Int(headerLength()) - (buffer.count - FrameCodec.headerLength)
            let take = min(needed, rest.count)
            buffer.append(contentsOf: rest.prefix(take))
            rest = rest.dropFirst(take)
            if take == needed {
                frames.append(completeFrame())
            }
        }
        return frames
    }

    private func headerLength() -> UInt32 {
        UInt32(buffer[0]) << 24 | UInt32(buffer[1]) << 16 | UInt32(buffer[2]) << 8 | UInt32(buffer[3])
    }

    private mutating func completeFrame() -> RawFrame {
        completedCount += 1
        // A small buffer is kept for the next frame; one grown by a large frame is given back,
        // or every connection that ever sent one would hold its size for good.
        defer { buffer.removeAll(keepingCapacity: buffer.capacity <= 4096) }
        if buffer.count == FrameCodec.headerLength { return RawFrame(kind: nil, body: []) }
        return RawFrame(kind: buffer[4], body: Array(buffer[5...]))
    }
}
