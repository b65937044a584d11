@testable import ChatIO
import ChatState
import Glibc
import Testing

/// The loop's data structures on their own: the timer heap and the shared output queue.
@Suite struct LoopPartsTests {
    @Test func timersFireInDeadlineOrderAndCancelledOnesNever() {
        var t = Timers<String>()
        t.set("c", at: 30)
        t.set("a", at: 10)
        t.set("b", at: 20)
        t.set("x", at: 15)
        t.cancel("x")
        t.set("c", at: 5)  // re-armed: the earlier arming is void
        #expect(t.nextDeadline() == 5)
        #expect(t.popDue(now: 12) == ["c", "a"])
        #expect(t.popDue(now: 100) == ["b"])
        #expect(t.isEmpty)
    }

    /// Found by the simulations once they ran the real runtime: two timers due in the same
    /// turn, where firing the first re-armed the second (the core's flood release re-arming
    /// its announcement). Taken as one batch, the second fired at its old deadline anyway.
    @Test func aTimerReArmedOrCancelledByAnEarlierOneDoesNotFire() {
        var t = Timers<String>()
        t.set("a", at: 10)
        t.set("b", at: 10)
        t.set("c", at: 10)
        let mark = t.armingMark
        #expect(t.popNextDue(now: 10, armedBefore: mark) == "a")
        t.set("b", at: 110)  // what firing "a" did
        t.cancel("c")
        #expect(t.popNextDue(now: 10, armedBefore: mark) == nil)
        // Armed during this round at 0 ms: due, but it waits for the next round.
        t.set("d", at: 10)
        #expect(t.popNextDue(now: 10, armedBefore: mark) == nil)
        #expect(t.popNextDue(now: 10, armedBefore: t.armingMark) == "d")
        #expect(t.popDue(now: 110) == ["b"])
    }

    @Test func outputQueueSharesChunksAndSurvivesPartialWrites() throws {
        var fds: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        var small: Int32 = 4096
        setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)

        let chunks = (0..<200).map { i in Chunk((0..<1000).map { UInt8(truncatingIfNeeded: $0 &+ i) }) }
        var a = OutputQueue(), b = OutputQueue()
        for c in chunks { a.append(c); b.append(c) }
        #expect(a.byteCount == 200_000 && b.byteCount == 200_000)

        let iovecs = UnsafeMutableBufferPointer<iovec>.allocate(capacity: 64)
        defer { iovecs.deallocate() }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var rounds = 0
        while !a.isEmpty && rounds < 10_000 {
            rounds += 1
            let r = a.write(to: fds[0], iovecs: iovecs)
            #expect(r == .drained || r == .blocked)
            let n = buffer.withUnsafeMutableBytes { recv(fds[1], $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n > 0 { received += buffer[0..<n] }
        }
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fds[1], $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n <= 0 { break }
            received += buffer[0..<n]
        }
        #expect(received == chunks.flatMap { c in Array(UnsafeRawBufferPointer(start: c.base, count: c.count)) })
        // The other queue still holds every byte of the same chunks.
        #expect(b.byteCount == 200_000)
        #expect(b.take(upTo: 1500).count == 1500 && b.byteCount == 198_500)
    }

    /// A queue lets go of what it holds when it goes away, written or not: nothing has to
    /// remember to empty it (a weak reference shows the chunk freed, not a timing).
    @Test func aQueueDroppedWithBytesUnwrittenFreesItsChunks() {
        weak var shared: Chunk?
        var a = OutputQueue()
        do {
            let chunk = Chunk([1, 2, 3, 4])
            shared = chunk
            a.append(chunk)
            var b = OutputQueue()
            b.append(chunk)
            #expect(b.take(upTo: 2) == [1, 2])
            _ = consume b
        }
        // The other queue still holds it, all four bytes unwritten.
        #expect(shared != nil)
        #expect(a.byteCount == 4)
        _ = consume a
        #expect(shared == nil)
    }

    /// The same for a connection that goes away with output queued.
    @Test func aConnectionDroppedWithOutputQueuedFreesIt() {
        weak var shared: Chunk?
        do {
            let connection = Connection(id: ConnID(1), fd: -1, remote: "test")
            let chunk = Chunk([UInt8](repeating: 7, count: 100))
            shared = chunk
            connection.output.append(chunk)
            connection.sealed.append(bytes: [1, 2, 3])
            #expect(connection.pendingBytes == 103)
        }
        #expect(shared == nil)
    }
}
