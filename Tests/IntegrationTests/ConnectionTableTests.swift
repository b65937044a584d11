@testable import ChatIO
import ChatState
import Testing

/// The connection table on its own: ids from slots and generations, slot reuse, and that an
/// old id never reaches the connection that took its slot.
@Suite struct ConnectionTableTests {
    private func add(_ table: inout ConnectionTable) -> Connection {
        table.add { Connection(id: $0, fd: -1, remote: "test") }
    }

    @Test func idsAreSlotsAndFreedSlotsComeBackUnderANewGeneration() {
        var table = ConnectionTable()
        let a = add(&table), b = add(&table), c = add(&table)
        #expect([a, b, c].map(\.id.raw) == [1, 2, 3])
        #expect(table.count == 3)
        let removed = table.remove(b), again = table.remove(b)
        #expect(removed && !again)  // Twice is nothing.
        let d = add(&table)
        #expect(d.slot == b.slot && d.id.raw == 1 << 32 | 2)
        #expect(table.all.map(\.id) == [a.id, d.id, c.id])  // Slot order.
        #expect(table.count == 3 && !table.isEmpty)
    }

    @Test func anOldIdNeverReachesTheConnectionInItsSlot() {
        var table = ConnectionTable()
        let old = add(&table)
        table.remove(old)
        let new = add(&table)
        #expect(table[old.id] == nil && table[raw: old.id.raw] == nil)
        #expect(table[new.id] === new)
        #expect(!table.contains(old) && table.contains(new))
        var reached: [ConnID] = []
        // The old id, the new, a slot never used, the new again.
        table.forEachLive([old.id, new.id, ConnID(99), new.id]) { reached.append($0.id) }
        #expect(reached == [new.id, new.id])
        #expect(table.connection(inSlot: new.slot) === new && table.connection(inSlot: 50) == nil)
        table.remove(new)
        #expect(table.isEmpty && table.all.isEmpty)
    }
}
