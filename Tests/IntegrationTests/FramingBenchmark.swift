@testable import ChatBench
import ChatState
import Foundation
import Testing

/// Why the bench keeps its own framing: what splitting the server's output into frames costs
/// with `StreamFrames` (frames handed out where they lie) and with the core's `FrameDecoder`
/// (each frame copied out, with its size checked), both called from outside their module as
/// the bench calls them (so FrameDecoder's generic feed runs unspecialized, as it would in the
/// bench). Prints the numbers; asserts nothing about time. Run it in release:
///   PYCHAT_BENCH=1 swift test -c release --filter FramingBenchmark
@Suite(.enabled(if: ProcessInfo.processInfo.environment["PYCHAT_BENCH"] == "1"))
struct FramingBenchmark {
    @Test func streamFramesAgainstFrameDecoder() {
        // What a bench client reads: the server's relayed chats, 64-byte texts, in 64 KiB reads.
        let uid = Array(UID(high: 0x4000, low: 0x8000_0000_0000_0001).description.utf8)
        let (frame, _) = BenchText.chatFrame(uid: uid, sender: 1, size: 64)
        let stream = [UInt8]((0..<(8 << 20) / frame.count).flatMap { _ in frame })
        let frames = stream.count / frame.count
        let read = 64 * 1024
        func measure(_ name: String, _ split: (UnsafeRawBufferPointer) -> Int) {
            var best = Double.infinity
            var seen = 0
            for _ in 0..<5 {
                let start = DispatchTime.now().uptimeNanoseconds
                seen = 0
                stream.withUnsafeBytes { all in
                    var at = 0
                    while at < all.count {
                        let n = min(read, all.count - at)
                        seen += split(UnsafeRawBufferPointer(rebasing: all[at..<(at + n)]))
                        at += n
                    }
                }
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start))
            }
            #expect(seen == frames)
            print("\(name): \(String(format: "%.1f", best / Double(frames))) ns a frame (\(frames) frames of \(frame.count) bytes, best of 5)")
        }
        var partial: [UInt8] = []
        measure("StreamFrames.split") { chunk in
            var n = 0
            StreamFrames.split(&partial, chunk.baseAddress, chunk.count) { _, _ in n += 1 }
            return n
        }
        var decoder = FrameDecoder()
        measure("FrameDecoder.feed ") { chunk in decoder.feed(chunk).count }
    }
}
