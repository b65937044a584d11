/// Timers of the loop: the core's (`TimerID`) and the runtime's own (stall checks, lingering
/// closes). A binary min-heap on the deadline; cancelling or re-arming bumps a generation so
/// stale heap entries are skipped when they surface instead of being searched for.
struct Timers<Key: Hashable> {
    private struct Entry {
        let deadline: Int64
        let sequence: UInt64
        let key: Key
        let generation: UInt64
    }

    private var heap: [Entry] = []
    private var live: [Key: UInt64] = [:]
    private var sequence: UInt64 = 0

    var isEmpty: Bool { live.isEmpty }

    /// Arms `key` at `deadline`, replacing an earlier arming of the same key.
    mutating func set(_ key: Key, at deadline: Int64) {
        sequence += 1
        live[key] = sequence
        push(Entry(deadline: deadline, sequence: sequence, key: key, generation: sequence))
    }

    mutating func cancel(_ key: Key) { live[key] = nil }

    func isArmed(_ key: Key) -> Bool { live[key] != nil }

    /// The earliest live deadline.
    mutating func nextDeadline() -> Int64? {
        dropStale()
        return heap.first?.deadline
    }

    /// Removes and returns every key due at `now`, earliest first (ties in arming order).
    mutating func popDue(now: Int64) -> [Key] {
        var due: [Key] = []
        while let key = popNextDue(now: now, armedBefore: .max) { due.append(key) }
        return due
    }

    /// A mark of the armings so far, for `popNextDue`.
    var armingMark: UInt64 { sequence }

    /// Removes and returns the earliest key due at `now` that was armed before `mark`, or nil.
    /// One at a time, so that what firing one key does (re-arming or cancelling another due at
    /// the same time) counts: a batch taken at once would still fire the key it re-armed.
    /// Keys armed since `mark` wait for the next call with a new mark (the next loop turn), so
    /// a handler that re-arms at 0 ms cannot keep the loop in one turn for ever.
    mutating func popNextDue(now: Int64, armedBefore mark: UInt64) -> Key? {
        dropStale()
        guard let top = heap.first, top.deadline <= now, top.sequence <= mark else { return nil }
        popTop()
        live[top.key] = nil
        return top.key
    }

    private mutating func dropStale() {
        while let top = heap.first, live[top.key] != top.generation { popTop() }
    }

    private static func before(_ a: Entry, _ b: Entry) -> Bool {
        (a.deadline, a.sequence) < (b.deadline, b.sequence)
    }

    private mutating func push(_ e: Entry) {
        heap.append(e)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.before(heap[i], heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    private mutating func popTop() {
        heap.swapAt(0, heap.count - 1)
        heap.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count, Self.before(heap[l], heap[m]) { m = l }
            if r < heap.count, Self.before(heap[r], heap[m]) { m = r }
            if m == i { break }
            heap.swapAt(i, m)
            i = m
        }
    }
}
