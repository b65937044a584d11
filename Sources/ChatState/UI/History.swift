/// The display history: a ring of at most `capacity` lines, the oldest dropped first, so a
/// long session costs constant memory and constant time per line.
public struct History: Equatable, Sendable {
    public let capacity: Int
    private var storage: [DisplayLine] = []
    private var head = 0
    /// Lines ever appended, dropped ones included.
    private(set) var appended = 0

    public init(capacity: Int = Limits.historyLines) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    /// Oldest first: `self[0]` is the oldest line kept, `self[count - 1]` the newest.
    public subscript(i: Int) -> DisplayLine { storage[(head + i) % storage.count] }

    public var lines: [DisplayLine] { (0..<count).map { self[$0] } }

    /// A number for line `i` that stays with the line as older ones are dropped: its place
    /// among all the lines ever appended.
    func sequenceNumber(of i: Int) -> Int { appended - count + i }

    /// Appends a line; returns true when the oldest had to go to make room.
    @discardableResult
    public mutating func append(_ line: DisplayLine) -> Bool {
        appended += 1
        if storage.count < capacity {
            storage.append(line)
            return false
        }
        storage[head] = line
        head = (head + 1) % capacity
        return true
    }

    public static func == (a: History, b: History) -> Bool { a.capacity == b.capacity && a.lines == b.lines }
}
