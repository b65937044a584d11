/// The runtime's rules between connections, as one value whose every decision takes the time
/// as a parameter (so its rules are tested with an injected clock, never by sleeping):
///
/// - Output: a reader whose queue goes over `maxOutputBytes` pauses reading from everyone
///   (backpressure); reading resumes once every queue is back under the low-water mark (half
///   the limit), so a slow reader does not toggle it per frame.
/// - Stalls: while reading is paused the room waits for every reader above the low-water mark,
///   not only for those over the limit. Each of them has a clock that starts when the room
///   begins to wait for it and restarts whenever it takes output; a reader whose clock reaches
///   `stallMillis` is stalled. So readers that take nothing are all gone one stall timeout
///   after the room began to wait, however many there are and wherever their queues sit
///   between the two marks, and a reader that keeps reading, however slowly, is never stalled.
/// - Input: a frame must be complete `frameMillis` after its first byte arrived, joined or not,
///   so a peer dribbling a frame cannot hold its buffer forever. Only time spent reading counts:
///   while reading is paused no peer can finish a frame, so the clocks stand still.
///
/// Readers are kept by the runtime's connection slot (an array index, no hashing: this runs
/// after every flush). Deadlines are armed lazily, one timer per reader and rule: progress only
/// moves a time stamp, and a timer that fires early re-arms itself at the stamp's deadline.
struct FlowControl {
    enum Verdict: Equatable {
        /// It took no output for `stallMillis` while the room waited for it.
        case stalled
        /// Its current frame began `frameMillis` ago and is still not complete.
        case unfinishedFrame
    }

    private enum Deadline: Hashable {
        case stall(Int)
        case frame(Int)

        var slot: Int {
            switch self {
            case .stall(let slot), .frame(let slot): return slot
            }
        }
    }

    private struct Reader {
        var pending = 0
        var overLimit = false
        var aboveLowWater = false
        /// Since when the room has waited for it without it taking output; nil when the room
        /// does not wait for it. Set exactly while reading is paused and it is above low water.
        var awaitedSince: Int64?
        /// When the first byte of its unfinished frame arrived; nil between frames.
        var frameSince: Int64?
        /// Frames it had completed when that frame began: a different count is a new frame.
        var frameMark = 0
    }

    let maxOutputBytes: Int
    let stallMillis: Int64
    let frameMillis: Int64
    private(set) var readingPaused = false
    /// When reading was paused, while it is.
    private var pausedAt: Int64 = 0
    private var readers: [Reader] = []
    private var overLimitCount = 0
    private var aboveLowWaterCount = 0
    private var deadlines = Timers<Deadline>()

    /// `plantedBug`: a flow-control bug for the tests that must catch it.
    init(maxOutputBytes: Int, stallMillis: Int64, frameMillis: Int64, plantedBug: RuntimePlantedBug? = nil) {
        self.maxOutputBytes = maxOutputBytes
        self.stallMillis = plantedBug == .stallDropsAtOnce ? 0 : stallMillis
        self.frameMillis = plantedBug == .frameDropsEarly ? frameMillis / 2 : frameMillis
        neverStalls = plantedBug == .stallNeverDrops
        neverEndsFrames = plantedBug == .frameNeverDrops
        neverPauses = plantedBug == .neverPauses
    }

    private let neverPauses: Bool

    private let neverStalls: Bool
    private let neverEndsFrames: Bool

    var lowWaterBytes: Int { maxOutputBytes / 2 }

    /// Whether the room is waiting for this reader (for tests and the log).
    func isAwaited(_ slot: Int) -> Bool { slot < readers.count && readers[slot].awaitedSince != nil }

    /// A reader's queue after a flush or a close: `pending` bytes are still queued (0 for a
    /// closing reader, which never holds the others back), and `progressed` says whether it
    /// took any since the last report. True when `readingPaused` changed.
    mutating func output(_ slot: Int, pending: Int, progressed: Bool, now: Int64) -> Bool {
        grow(to: slot)
        var r = readers[slot]
        r.pending = pending
        let over = pending > maxOutputBytes
        if over != r.overLimit {
            r.overLimit = over
            overLimitCount += over ? 1 : -1
        }
        let above = pending > lowWaterBytes
        if above != r.aboveLowWater {
            r.aboveLowWater = above
            aboveLowWaterCount += above ? 1 : -1
        }
        if progressed && r.awaitedSince != nil { r.awaitedSince = now }
        readers[slot] = r
        let pause = !neverPauses && (overLimitCount > 0 || (readingPaused && aboveLowWaterCount > 0))
        let changed = pause != readingPaused
        readingPaused = pause
        if changed && pause {
            // The room starts waiting: for everyone above low water, not just this one.
            pausedAt = now
            for i in readers.indices { updateAwaited(i, now: now) }
        } else if changed {
            updateAwaited(slot, now: now)
            // Reading again: unfinished frames' clocks go on from where they stood.
            for i in readers.indices {
                guard let since = readers[i].frameSince else { continue }
                readers[i].frameSince = since + (now - pausedAt)
                deadlines.set(.frame(i), at: since + (now - pausedAt) + frameMillis)
            }
        } else {
            updateAwaited(slot, now: now)
        }
        return changed
    }

    /// A reader's input after the core read a chunk of it: frames it has completed so far and
    /// bytes it holds of an unfinished one.
    mutating func input(_ slot: Int, completedFrames: Int, bufferedBytes: Int, now: Int64) {
        grow(to: slot)
        if bufferedBytes == 0 {
            readers[slot].frameSince = nil
            deadlines.cancel(.frame(slot))
        } else if readers[slot].frameSince == nil || readers[slot].frameMark != completedFrames {
            readers[slot].frameSince = now
            readers[slot].frameMark = completedFrames
            if !deadlines.isArmed(.frame(slot)) { deadlines.set(.frame(slot), at: now + frameMillis) }
        }
    }

    /// The reader is gone: its slot is free for another. True when `readingPaused` changed.
    mutating func remove(_ slot: Int, now: Int64) -> Bool {
        guard slot < readers.count else { return false }
        let changed = output(slot, pending: 0, progressed: false, now: now)
        readers[slot] = Reader()
        deadlines.cancel(.stall(slot))
        deadlines.cancel(.frame(slot))
        return changed
    }

    /// The earliest time at which `due` may have something to say.
    mutating func nextDeadline() -> Int64? { deadlines.nextDeadline() }

    /// Readers whose time is up at `now`, earliest deadline first, each reported once: the
    /// runtime closes them (and `remove`s them).
    mutating func due(now: Int64) -> [(slot: Int, verdict: Verdict)] {
        var out: [(slot: Int, verdict: Verdict)] = []
        for key in deadlines.popDue(now: now) {
            // When the clock of this rule started, how long it may run, and what running out means.
            let (since, limit, verdict): (Int64?, Int64, Verdict)
            switch key {
            case .stall(let slot): (since, limit, verdict) = (readers[slot].awaitedSince, stallMillis, .stalled)
            case .frame(let slot): (since, limit, verdict) = (readers[slot].frameSince, frameMillis, .unfinishedFrame)
            }
            // While reading is paused, frames cannot end; resuming re-arms their deadlines.
            guard let since, !((readingPaused || neverEndsFrames) && verdict == .unfinishedFrame),
                  !(neverStalls && verdict == .stalled) else { continue }
            if since + limit <= now {
                out.append((key.slot, verdict))
            } else {
                // Progress moved the clock since the timer was armed: wait for the new deadline.
                deadlines.set(key, at: since + limit)
            }
        }
        return out
    }

    /// Keeps `awaitedSince` set exactly while the room waits for the reader.
    private mutating func updateAwaited(_ slot: Int, now: Int64) {
        let awaited = readingPaused && readers[slot].aboveLowWater
        if awaited == (readers[slot].awaitedSince != nil) { return }
        if awaited {
            readers[slot].awaitedSince = now
            deadlines.set(.stall(slot), at: now + stallMillis)
        } else {
            readers[slot].awaitedSince = nil
            deadlines.cancel(.stall(slot))
        }
    }

    private mutating func grow(to slot: Int) {
        if slot >= readers.count { readers.append(contentsOf: repeatElement(Reader(), count: slot + 1 - readers.count)) }
    }
}
