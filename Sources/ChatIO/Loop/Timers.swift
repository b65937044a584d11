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
        while true {
            dropStale()
            guard let top = heap.first, top.deadline <= now else { break }
            popTop()
            live[top.key] = nil
            due.append(top.key)
        }
        return due
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
