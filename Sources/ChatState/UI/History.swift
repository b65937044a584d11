/// The display history: a ring of at most `capacity` lines, the oldest dropped first, so a
/// long session costs constant memory and constant time per line. Pages of the room log the
/// user scrolled up to are put in front of the oldest line, while there is room.
public struct History: Equatable, Sendable {
    private var ring: Ring<DisplayLine>
    /// Lines ever appended, dropped ones included (lines put in front are not counted).
    private(set) var appended = 0

    public init(capacity: Int = Limits.historyLines) {
        ring = Ring(capacity: capacity)
    }

    public var capacity: Int { ring.capacity }
    public var count: Int { ring.count }
    public var isEmpty: Bool { ring.isEmpty }
    public var isFull: Bool { ring.isFull }

    /// Oldest first: `self[0]` is the oldest line kept, `self[count - 1]` the newest.
    public subscript(i: Int) -> DisplayLine { ring[i] }

    public var lines: [DisplayLine] { ring.elements }

    /// A number for line `i` that stays with the line as older ones are dropped, or put in
    /// front: its place among all the lines ever appended (below 0 for lines put in front).
    func sequenceNumber(of i: Int) -> Int { appended - count + i }

    /// Appends a line; returns true when the oldest had to go to make room.
    @discardableResult
    public mutating func append(_ line: DisplayLine) -> Bool {
        appended += 1
        return ring.append(line)
    }

    /// Puts older lines in front of the oldest, as many as fit; returns how many did.
    @discardableResult
    public mutating func prepend(_ older: [DisplayLine]) -> Int { ring.prepend(older) }

    public static func == (a: History, b: History) -> Bool { a.capacity == b.capacity && a.lines == b.lines }
}
