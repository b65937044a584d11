/// A ring of at most `capacity` elements, the oldest dropped first: constant memory and constant
/// time per element however long a session runs. The display history and the room's memory of
/// its log are both rings.
public struct Ring<Element: Sendable>: Sendable {
    public let capacity: Int
    private var storage: [Element] = []
    /// Where the oldest element is once the ring is full (0 until then).
    private var head = 0

    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }
    public var isFull: Bool { storage.count == capacity }

    /// Oldest first: `self[0]` is the oldest element kept, `self[count - 1]` the newest.
    public subscript(i: Int) -> Element { storage[(head + i) % storage.count] }

    public var first: Element? { isEmpty ? nil : self[0] }
    public var last: Element? { isEmpty ? nil : self[count - 1] }
    public var elements: [Element] { (0..<count).map { self[$0] } }

    /// Appends an element; returns true when the oldest had to go to make room.
    @discardableResult
    public mutating func append(_ element: Element) -> Bool {
        if storage.count < capacity {
            storage.append(element)
            return false
        }
        storage[head] = element
        head = (head + 1) % capacity
        return true
    }

    /// Puts elements older than all the others in front of them, as many as there is room for
    /// (the newest of `older` first, since they are the nearest to what is kept); returns how
    /// many were kept. The newest are never dropped for older ones. O(count).
    @discardableResult
    public mutating func prepend(_ older: [Element]) -> Int {
        let room = capacity - storage.count
        guard room > 0, !older.isEmpty else { return 0 }
        // While the ring is not full, head is 0 and storage is in order.
        let kept = older.suffix(room)
        storage.insert(contentsOf: kept, at: 0)
        return kept.count
    }
}
