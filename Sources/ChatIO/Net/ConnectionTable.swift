import ChatState

/// The runtime's live connections, by slot. A connection's id is its slot in the low 32 bits
/// and the slot's generation above them, so an id leads to its connection with no hashing
/// (which matters at millions of deliveries per second), a freed slot is reused, and an old
/// id never reaches a new connection. Slot 0 is never used, so the first id is 1.
///
/// The table owns its connections; the delivery path (`forEachLive`) reads them through unretained
/// references, with no reference counting per delivery. Iteration is in slot order, so
/// nothing the runtime does depends on a dictionary's order.
struct ConnectionTable {
    private var owners: [Connection?] = [nil]
    private var unretained: [Unmanaged<Connection>?] = [nil]
    private var generations: [UInt32] = [0]
    private var freeSlots: [Int] = []
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    /// The id the next `add` hands out.
    var nextID: ConnID {
        let slot = freeSlots.last ?? owners.count
        return ConnID(UInt64(slot < generations.count ? generations[slot] : 0) << 32 | UInt64(slot))
    }

    /// Adds the connection `make` builds for a fresh id, and returns it.
    mutating func add(_ make: (ConnID) -> Connection) -> Connection {
        let id = nextID
        let slot = Int(id.raw & 0xFFFF_FFFF)
        if slot == owners.count {
            owners.append(nil)
            unretained.append(nil)
            generations.append(0)
        } else {
            freeSlots.removeLast()
        }
        let c = make(id)
        precondition(c.id == id, "a connection must take the id it was made for")
        owners[slot] = c
        unretained[slot] = Unmanaged.passUnretained(c)
        count += 1
        return c
    }

    /// The live connection with this id (raw, as an epoll token carries it), if any.
    subscript(raw id: UInt64) -> Connection? {
        let slot = Int(id & 0xFFFF_FFFF)
        guard slot < owners.count, let c = owners[slot], c.id.raw == id else { return nil }
        return c
    }

    subscript(id: ConnID) -> Connection? { self[raw: id.raw] }

    /// The live connection in this slot (flow control names readers by slot).
    func connection(inSlot slot: Int) -> Connection? { slot < owners.count ? owners[slot] : nil }

    /// Whether this very connection is still in the table (not a closed one with a reused slot).
    func contains(_ c: Connection) -> Bool { connection(inSlot: c.slot) === c }

    /// Runs `body` with each live connection among `ids`, in order, without retaining them:
    /// the delivery path. One call for all recipients, so the table is looked at once per
    /// delivery, not once per recipient. `body` must not add or remove connections.
    func forEachLive(_ ids: [ConnID], _ body: (Connection) -> Void) {
        unretained.withUnsafeBufferPointer { slots in
            for id in ids {
                let slot = Int(id.raw & 0xFFFF_FFFF)
                guard slot < slots.count, let u = slots[slot] else { continue }
                u._withUnsafeGuaranteedRef { c in
                    if c.id == id { body(c) }
                }
            }
        }
    }

    /// Removes the connection; its slot's generation moves on, so its id is dead for good.
    /// False if it was not in the table.
    @discardableResult
    mutating func remove(_ c: Connection) -> Bool {
        guard contains(c) else { return false }
        let slot = c.slot
        owners[slot] = nil
        unretained[slot] = nil
        generations[slot] &+= 1
        freeSlots.append(slot)
        count -= 1
        return true
    }

    /// Every live connection, in slot order: a copy, so the caller may add or remove meanwhile.
    var all: [Connection] { owners.compactMap { $0 } }
}
