@testable import ChatIO
import ChatState
import Glibc
import Testing

/// Found by the simulations once they ran the real runtime (seed 2292684769571989531): a
/// sender paused for its chat rate whose held frames are protocol errors is closed by the core
/// while still paused. A closing connection is watched for input (to see the peer's close), but
/// the readiness handler skipped it as paused, so whatever the peer sent after our close was
/// reported by the level-triggered loop again and again and never read: a busy loop until the
/// peer's close or the linger timer, 2 s later.
@Suite(.serialized) struct RuntimePausedCloseTests {
    @Test func aClosingSenderPausedForItsRateIsReadToItsEnd() async throws {
        let failure = try await onOwnThread { try Self.pausedThenClosed() }
        #expect(failure == nil)
    }

    static func pausedThenClosed() throws -> String? {
        let server = try InProcessRuntime.server()
        defer { _ = server.stop() }
        let mallory = try RawSocket(port: server.port)
        let uid = UID(randomBits: 7, 7)
        var bytes = FrameCodec.frame(.joinRequest(username: "mallory", color: "000000"))
        for i in 0...AppConfig.defaultChatBurst { bytes += FrameCodec.frame(.chat(uid: uid, text: "chat \(i)")) }
        // Held behind the last chat: frames of bad JSON, enough protocol errors to be closed for.
        let bad: [UInt8] = [1] + Array("{bad".utf8)
        for _ in 0..<8 { bytes += [0, 0, 0, UInt8(bad.count)] + bad }
        mallory.send(bytes)
        func connection() -> Connection? { server.runtime.connections.all.first }
        guard server.turn(until: { connection()?.readPaused == true }) else { return "the sender was never paused" }
        // The held chats go out one release at a time; then the core closes the connection.
        for _ in 0..<20 where connection()?.closing != true {
            server.clock.advance(millis: 500)
            _ = server.turn(until: { connection()?.closing == true }, maxTurns: 5)
        }
        guard let c = connection(), c.closing, c.readPaused else {
            return "not closed while paused: \(connection().map { "closing \($0.closing), paused \($0.readPaused)" } ?? "gone")"
        }
        // Our side is written and shut; the peer still talks. Its bytes must be read (and
        // dropped) now, not left in the socket for the loop to be told of again and again.
        guard server.turn(until: { connection()?.shutDown == true }) else { return "the write side was never shut" }
        let fd = c.fd
        mallory.send(FrameCodec.frame(.chat(uid: uid, text: "still talking")))
        var unread: Int32 = 0
        // Loopback queues the bytes before send returns: they are there, unread.
        _ = ioctl(fd, UInt(FIONREAD), &unread)
        guard unread > 0 else { return "the peer's bytes did not arrive" }
        let drained = server.turn(until: {
            _ = ioctl(fd, UInt(FIONREAD), &unread)
            return unread == 0 && server.runtime.connections.contains(c)
        }, maxTurns: 50)
        return drained ? nil : "\(unread) bytes of the closing peer were never read: the loop spins on them until linger"
    }
}
