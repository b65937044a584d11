@testable import ChatIO
import Testing

/// Flow control's rules with an injected clock: who pauses the room, who is waited for, who is
/// stalled and when, and the deadline of unfinished frames. Limit 1000 bytes (low water 500),
/// stall 5 s, frame 30 s.
@Suite struct FlowControlTests {
    /// The value under test behind a reference, so its mutating calls can sit inside `#expect`.
    final class Flow {
        var value = FlowControl(maxOutputBytes: 1000, stallMillis: 5000, frameMillis: 30_000)
        var readingPaused: Bool { value.readingPaused }
        func isAwaited(_ slot: Int) -> Bool { value.isAwaited(slot) }
        func output(_ slot: Int, pending: Int, progressed: Bool, now: Int64) -> Bool {
            value.output(slot, pending: pending, progressed: progressed, now: now)
        }
        func input(_ slot: Int, completedFrames: Int, bufferedBytes: Int, now: Int64) {
            value.input(slot, completedFrames: completedFrames, bufferedBytes: bufferedBytes, now: now)
        }
        func remove(_ slot: Int, now: Int64) -> Bool { value.remove(slot, now: now) }
        func nextDeadline() -> Int64? { value.nextDeadline() }
        func due(now: Int64) -> [(slot: Int, verdict: FlowControl.Verdict)] { value.due(now: now) }
    }

    /// The finding: readers parked between the low-water mark and the limit hold the room as
    /// surely as the one over it. All of them are stalled one stall timeout after the room
    /// began to wait, a reader under the low-water mark is never waited for, and the room
    /// reads again once they are gone.
    @Test(arguments: [2, 3])
    func readersParkedBetweenTheMarksAreStalledTogether(parked: Int) {
        let f = Flow()
        // Slot 1 is under the low-water mark; slots 2... sit between the marks.
        #expect(!f.output(1, pending: 400, progressed: false, now: 0))
        for slot in 2..<(2 + parked) { #expect(!f.output(slot, pending: 600 + 100 * slot, progressed: false, now: 0)) }
        #expect(f.nextDeadline() == nil)  // Nobody waits for anyone while reading flows.
        // The last one to join goes over the limit 100 ms later: the room pauses.
        let over = 2 + parked
        #expect(f.output(over, pending: 1200, progressed: false, now: 100))
        #expect(f.readingPaused)
        #expect(!f.isAwaited(1))
        for slot in 2...over { #expect(f.isAwaited(slot)) }
        #expect(f.due(now: 5099).isEmpty)
        let due = f.due(now: 5100)
        #expect(due.map(\.slot) == Array(2...over) && due.allSatisfy { $0.verdict == .stalled })
        var resumedAt: Int?
        for slot in 2...over where f.remove(slot, now: 5100) { resumedAt = slot }
        #expect(resumedAt == over && !f.readingPaused)
        #expect(f.due(now: 100_000).isEmpty)
    }

    /// A reader that keeps taking output, however little, is never stalled; once it stops, it
    /// is stalled exactly one stall timeout after the last byte it took.
    @Test func aReaderThatReadsSlowlyIsNeverStalled() {
        let f = Flow()
        #expect(f.output(1, pending: 1500, progressed: false, now: 0))
        var pending = 1500
        for t in stride(from: 4000, through: 60_000, by: 4000) {
            pending -= 10
            _ = f.output(1, pending: pending, progressed: true, now: Int64(t))
            #expect(f.due(now: Int64(t) + 3999).isEmpty)
        }
        #expect(f.readingPaused && f.isAwaited(1))
        // New output queued without progress (a flush that wrote nothing) does not help.
        _ = f.output(1, pending: pending + 100, progressed: false, now: 61_000)
        #expect(f.due(now: 64_999).isEmpty)
        #expect(f.due(now: 65_000).map(\.verdict) == [.stalled])
    }

    /// Pausing has hysteresis: over the limit pauses, back under the limit does not resume,
    /// only under the low-water mark does; a close counts as an empty queue.
    @Test func readingResumesOnlyUnderTheLowWaterMark() {
        let f = Flow()
        #expect(f.output(1, pending: 1001, progressed: false, now: 0))
        #expect(!f.output(2, pending: 700, progressed: false, now: 0))
        #expect(f.isAwaited(2))
        #expect(!f.output(1, pending: 900, progressed: true, now: 10))
        #expect(!f.output(1, pending: 400, progressed: true, now: 20))
        #expect(!f.isAwaited(1) && f.isAwaited(2) && f.readingPaused)
        #expect(f.output(2, pending: 0, progressed: false, now: 30))  // It closed.
        #expect(!f.readingPaused && !f.isAwaited(2))
        #expect(f.due(now: 100_000).isEmpty)
    }

    /// A frame must be complete 30 s after its first byte: the clock is the frame's, not the
    /// connection's. More bytes of the same frame do not move it; a new frame starts it anew.
    @Test func anUnfinishedFrameHasADeadlineFromItsFirstByte() {
        let f = Flow()
        f.input(1, completedFrames: 0, bufferedBytes: 0, now: 0)
        #expect(f.nextDeadline() == nil)
        f.input(1, completedFrames: 0, bufferedBytes: 3, now: 1000)
        f.input(1, completedFrames: 0, bufferedBytes: 9, now: 20_000)
        #expect(f.due(now: 30_999).isEmpty)
        #expect(f.due(now: 31_000).map(\.verdict) == [.unfinishedFrame])

        // Frames completed within the deadline, each begun before the last ended.
        let g = Flow()
        g.input(2, completedFrames: 0, bufferedBytes: 5, now: 0)
        g.input(2, completedFrames: 1, bufferedBytes: 7, now: 25_000)  // First done, second begun.
        #expect(g.due(now: 30_000).isEmpty)
        g.input(2, completedFrames: 2, bufferedBytes: 0, now: 50_000)  // Second done at 25 s of age.
        #expect(g.due(now: 55_000).isEmpty && g.nextDeadline() == nil)
        g.input(2, completedFrames: 2, bufferedBytes: 1, now: 60_000)
        #expect(g.due(now: 89_999).isEmpty)
        #expect(g.due(now: 90_000).map(\.verdict) == [.unfinishedFrame])
    }

    /// While reading is paused nobody can finish a frame: its clock stands still, and goes on
    /// from where it stood once reading resumes.
    @Test func anUnfinishedFramesClockStopsWhileReadingIsPaused() {
        let f = Flow()
        f.input(1, completedFrames: 0, bufferedBytes: 3, now: 0)
        // A slow reader holds reading paused from 10 s to 34 s, reading a little every 4 s.
        #expect(f.output(2, pending: 2000, progressed: false, now: 10_000))
        for t in stride(from: 14_000, through: 30_000, by: 4000) {
            #expect(!f.output(2, pending: 2000 - t / 100, progressed: true, now: Int64(t)))
            #expect(f.due(now: Int64(t)).isEmpty)
        }
        #expect(f.due(now: 33_999).isEmpty)  // Past the frame's 30 s, but none of it reading.
        #expect(f.output(2, pending: 100, progressed: true, now: 34_000))
        // 24 s of pause: the frame's 30 s of reading end at 54 s.
        #expect(f.due(now: 53_999).isEmpty)
        #expect(f.due(now: 54_000).map(\.verdict) == [.unfinishedFrame])
    }

    /// A freed slot starts clean: its next reader inherits no clock and no queue.
    @Test func aRemovedReaderLeavesNothingToItsSlot() {
        let f = Flow()
        #expect(f.output(3, pending: 5000, progressed: false, now: 0))
        f.input(3, completedFrames: 0, bufferedBytes: 10, now: 0)
        #expect(f.remove(3, now: 10))
        #expect(!f.readingPaused && !f.isAwaited(3))
        #expect(!f.output(3, pending: 700, progressed: false, now: 20))
        #expect(f.due(now: 1_000_000).isEmpty)
    }
}
