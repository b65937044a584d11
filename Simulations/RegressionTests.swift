import ChatState
import Testing

/// Bugs the simulator found, pinned down as plain scenarios too: a seed's meaning changes
/// whenever the simulator's workload changes, these do not.
@Suite struct SimulatorRegressionTests {
    let alice = UID(randomBits: 1, 1), bob = UID(randomBits: 2, 2)

    /// Seed 3250521859483920707: a chat followed, in the same read, by a header announcing
    /// more than the frame limit was dropped with the connection; read separately, it was
    /// relayed. The room's behaviour must not depend on how TCP cut the stream.
    @Test func framesBeforeAnOversizedHeaderCount() {
        for split in [false, true] {
            var app = ChatApp(config: AppConfig(role: .server))
            _ = app.step(.accepted(conn: ConnID(1), uid: alice, remote: "a"))
            _ = app.step(.accepted(conn: ConnID(2), uid: bob, remote: "b"))
            _ = app.step(.received(conn: ConnID(1), bytes: Bytes(FrameCodec.frame(.joinRequest(username: "alice", color: "")))))
            _ = app.step(.received(conn: ConnID(2), bytes: Bytes(FrameCodec.frame(.joinRequest(username: "bob", color: "")))))
            let chat = FrameCodec.frame(.chat(uid: alice, text: "last words"))
            let n = UInt32(Limits.maxFrameLength + 1)
            let oversized: [UInt8] = [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF), 1]
            var effects: [Effect] = []
            if split {
                effects += app.step(.received(conn: ConnID(1), bytes: Bytes(chat))).effects
                effects += app.step(.received(conn: ConnID(1), bytes: Bytes(oversized))).effects
            } else {
                effects += app.step(.received(conn: ConnID(1), bytes: Bytes(chat + oversized))).effects
            }
            // bob's join, held behind alice's announcement, goes out first; then the chat.
            #expect(effects.contains(.send(to: [ConnID(2)], bytes: Bytes(chat))), "split: \(split)")
            #expect(effects.contains { if case .close(ConnID(1), _) = $0 { true } else { false } }, "split: \(split)")
            #expect(app.room!.isConnected(ConnID(1)) == false)
        }
    }
}
