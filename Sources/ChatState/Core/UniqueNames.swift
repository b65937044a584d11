/// The names in use in a room, and the choice of a new one: a joiner gets the name it asked
/// for (cleaned) unless it collides with a member's (the same ignoring case, or confusable:
/// `TextRules.nameKeys`), and otherwise the name with the smallest free numeric suffix from 2
/// up (`alice2`, `alice3`, ...), cut so it stays within `Limits.maxNameLength` and `Limits.maxNameBytes`.
///
/// Trying suffixes one by one from 2 made a join cost O(members with that name): 5 000 joins
/// with one name were quadratic. Here each name that collides has a series that remembers its
/// next suffix and the suffixes its members gave back, so a join tries O(1) names amortized:
/// a suffix is tried once per series unless it was given back. A suffix skipped because
/// someone took that name literally is not tried again by that series (which is kept, even
/// when empty, so that the skip is never paid twice), so after such a collision the suffix
/// chosen can be a larger one than the smallest free.
struct UniqueNames: Sendable {
    /// A name held by a member, with what `release` needs to give it back.
    struct Claim: Equatable, Sendable {
        let name: String
        let keys: [String]
        /// The series the suffix came from, and the suffix; nil for a name taken as asked.
        let series: String?
        let suffix: Int
    }

    private struct Series: Sendable {
        var next = 2
        /// Suffixes given back by members who left, as a min-heap.
        var returned = MinHeap()
        var holders = 0
        var skipped = false
    }

    /// Every key of every name in use.
    private var taken: Set<String> = []
    private var series: [String: Series] = [:]
    /// Names tried so far (each costs a few set look-ups): what the O(1) bound is about.
    private(set) var tries = 0

    func isTaken(_ name: String) -> Bool { TextRules.nameKeys(name).contains(where: taken.contains) }

    /// A free name for `base` (already cleaned), now in use.
    mutating func claim(_ base: String) -> Claim {
        tries += 1
        let keys = TextRules.nameKeys(base)
        if !keys.contains(where: taken.contains) { return hold(Claim(name: base, keys: keys, series: nil, suffix: 0)) }
        let id = keys[keys.count - 1]
        var s = series[id] ?? Series()
        defer { series[id] = s }
        while true {
            tries += 1
            let fromReturned = s.returned.popMin()
            let n = fromReturned ?? s.next
            let suffix = String(n)
            let name = TextRules.fitted(base, characters: Limits.maxNameLength - suffix.count,
                                        bytes: Limits.maxNameBytes - suffix.count) + suffix
            let nameKeys = TextRules.nameKeys(name)
            if fromReturned == nil { s.next += 1 }
            if nameKeys.contains(where: taken.contains) {
                if fromReturned == nil { s.skipped = true }
                continue
            }
            s.holders += 1
            return hold(Claim(name: name, keys: nameKeys, series: id, suffix: n))
        }
    }

    /// A member's new name (`/nick`, already cleaned) in place of its claim, taken as asked or
    /// not at all: nil when another member's name collides with it. The member's own name does
    /// not count, so `alice` may become `Alice`.
    mutating func rename(_ claim: Claim, to base: String) -> Claim? {
        tries += 1
        let keys = TextRules.nameKeys(base)
        if keys.contains(where: { taken.contains($0) && !claim.keys.contains($0) }) { return nil }
        release(claim)
        return hold(Claim(name: base, keys: keys, series: nil, suffix: 0))
    }

    /// Gives a member's name back when it leaves.
    mutating func release(_ claim: Claim) {
        for key in claim.keys { taken.remove(key) }
        guard let id = claim.series, var s = series[id] else { return }
        s.holders -= 1
        if s.holders == 0 && !s.skipped {
            // Nothing of it is in use and nothing was skipped: starting again from 2 is exact.
            series[id] = nil
        } else {
            s.returned.push(claim.suffix)
            series[id] = s
        }
    }

    private mutating func hold(_ claim: Claim) -> Claim {
        for key in claim.keys { taken.insert(key) }
        return claim
    }
}

/// A binary min-heap of integers, for the suffixes a series may hand out again.
struct MinHeap: Sendable {
    private var items: [Int] = []

    mutating func push(_ value: Int) {
        items.append(value)
        var i = items.count - 1
        while i > 0, items[(i - 1) / 2] > items[i] {
            items.swapAt(i, (i - 1) / 2)
            i = (i - 1) / 2
        }
    }

    mutating func popMin() -> Int? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        guard !items.isEmpty else { return first }
        items[0] = last
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var smallest = i
            if l < items.count, items[l] < items[smallest] { smallest = l }
            if r < items.count, items[r] < items[smallest] { smallest = r }
            if smallest == i { return first }
            items.swapAt(i, smallest)
            i = smallest
        }
    }
}
