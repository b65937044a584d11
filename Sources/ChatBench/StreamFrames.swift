/// Zero-copy framing for the bench's hot loops: whole frames are handed out where they lie in
/// the read buffer; only a frame cut by the end of a read is copied, into `partial`, and
/// completed from the next read. (The core's FrameDecoder copies every frame, and checks the
/// size limit; the bench trusts its server and wants speed: FramingBenchmark measured 7 ns a
/// frame here and 4 µs through FrameDecoder from this module, where its generic feed is not
/// specialized, for 151-byte chats in 64 KiB reads.)
enum StreamFrames {
    /// Calls `frame` with each whole frame (header included) and its length in bytes.
    static func split(_ partial: inout [UInt8], _ base: UnsafeRawPointer?, _ count: Int,
                      _ frame: (UnsafePointer<UInt8>, Int) -> Void) {
        guard let base, count > 0 else { return }
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        var at = 0
        if !partial.isEmpty {
            // Complete the header, then the frame, from this chunk.
            if partial.count < 4 {
                let take = min(4 - partial.count, count)
                partial.append(contentsOf: UnsafeBufferPointer(start: bytes, count: take))
                at = take
                if partial.count < 4 { return }
            }
            let length = Int(partial[0]) << 24 | Int(partial[1]) << 16 | Int(partial[2]) << 8 | Int(partial[3])
            let take = min(4 + length - partial.count, count - at)
            partial.append(contentsOf: UnsafeBufferPointer(start: bytes + at, count: take))
            at += take
            if partial.count < 4 + length { return }
            let whole = partial
            partial.removeAll(keepingCapacity: false)
            whole.withUnsafeBufferPointer { frame($0.baseAddress!, 4 + length) }
        }
        while count - at >= 4 {
            let h = bytes + at
            let length = Int(h[0]) << 24 | Int(h[1]) << 16 | Int(h[2]) << 8 | Int(h[3])
            guard count - at - 4 >= length else { break }
            frame(h, 4 + length)
            at += 4 + length
        }
        if at < count {
            partial.append(contentsOf: UnsafeBufferPointer(start: bytes + at, count: count - at))
        }
    }
}
