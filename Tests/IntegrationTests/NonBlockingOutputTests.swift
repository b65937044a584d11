@testable import ChatIO
import ChatState
import Foundation
import Glibc
import Testing

/// The log's, transcript's and recording's output over a real pipe that nobody reads: a write
/// never blocks (a blocking one would hang this test, hence the time limit), lines are kept
/// whole and in order, and what does not fit is dropped and counted or ends the stream.
@Suite(.timeLimit(.minutes(1))) struct NonBlockingOutputTests {
    /// A pipe: the test holds the read end and reads it only when it says so.
    final class Pipe {
        let read: Int32
        let write: Int32

        init() {
            var fds: [Int32] = [0, 0]
            precondition(Glibc.pipe(&fds) == 0)
            read = fds[0]
            write = fds[1]
            _ = fcntl(read, F_SETFL, fcntl(read, F_GETFL) | O_NONBLOCK)
        }

        deinit {
            close(read)
            close(write)
        }

        /// Everything in the pipe now.
        func drain() -> String {
            String(decoding: readAvailable(read), as: UTF8.self)
        }
    }

    static func line(_ i: Int) -> String { "line \(i) " + String(repeating: "x", count: 90) }

    @Test func linesThatDoNotFitAreDroppedCountedAndReportedOnceDrained() {
        let pipe = Pipe()
        let out = NonBlockingOutput(inherited: pipe.write, name: "standard error", capacity: 10_000, whenFull: .dropLines)
        // The pipe's own 64 KiB fill first, then the buffer, then lines are dropped.
        let total = 2000
        for i in 0..<total { out.append(Self.line(i)) }
        #expect(out.hasPending && out.pendingBytes <= 10_000)
        #expect(out.takeDroppedCount() == nil)  // Not while the buffer is still waiting.

        var read = pipe.drain()
        #expect(out.flush())
        read += pipe.drain()
        let lines = read.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        let dropped = out.takeDroppedCount()
        #expect(dropped == total - lines.count && lines.count > 600)
        // Whole lines, in order, with no hole: the kept ones are the first ones.
        #expect(lines == (0..<lines.count).map(Self.line))
        #expect(out.takeDroppedCount() == nil)  // Reported once.

        // Writing goes on normally once the reader is back.
        out.append("after")
        #expect(pipe.drain() == "after\n")
    }

    /// The stream's own description is non-blocking; the inherited one (shared with whoever
    /// started us) is left as it was.
    @Test func anInheritedPipeIsLeftBlocking() {
        let pipe = Pipe()
        let out = NonBlockingOutput(inherited: pipe.write, name: "standard output", capacity: 100, whenFull: .dropLines)
        #expect(out.fd != pipe.write)
        #expect(fcntl(pipe.write, F_GETFL) & O_NONBLOCK == 0)
        #expect(fcntl(out.fd, F_GETFL) & O_NONBLOCK != 0)
    }

    /// The recording's policy: the first step that does not fit ends the recording, so the
    /// file is a complete prefix that replays, and the notice says where it ends.
    @Test func aRecordingToAFIFOThatIsNotReadStopsWhole() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pychat-fifo-\(getpid())-\(UInt32.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("record").path
        #expect(mkfifo(path, 0o600) == 0)
        let reader = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        #expect(reader >= 0)
        defer { close(reader) }
        let recorder = try Recorder(path: path)
        let config = AppConfig(role: .server, port: 0)
        recorder.writeHeader(config, now: 0)
        let bytes = Bytes(Array(repeating: 0x41, count: 60_000))
        var steps = 0
        while recorder.stopNotice == nil && steps < 1000 {
            steps += 1
            recorder.record(.received(conn: ConnID(1), bytes: bytes), [], now: 0)
        }
        let last = try #require(recorder.stoppedAfterStep)
        #expect(last > 100 && last == steps - 1)
        #expect(recorder.stopNotice?.hasSuffix("ends before step \(last + 1)") == true)
        recorder.record(.received(conn: ConnID(1), bytes: bytes), [], now: 0)  // Ignored from now on.

        // The reader comes back: what was buffered arrives, and nothing after the stop.
        var text: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let drained = recorder.output.flush()
            let n = buffer.withUnsafeMutableBytes { Glibc.read(reader, $0.baseAddress, $0.count) }
            if n > 0 { text += buffer[0..<n] } else if drained { break }
        }
        let log = String(decoding: text, as: UTF8.self)
        #expect(log.split(separator: "\n").count == last + 1)  // The header and every step, whole.
        let replay = Replay.run(log)
        #expect(replay.isFaithful && replay.stepsReplayed == last)
    }
}
