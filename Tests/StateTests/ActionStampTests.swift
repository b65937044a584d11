import Testing
@testable import ChatState

/// `/me` to a pychat client that negotiated `history`: its `Action` frame is stamped as a chat
/// is, so the line shows the server's time and a resume after a cut does not send it again.
@Suite struct ActionStampTests {
    @Test func anActionIsStampedShowsTheServersTimeAndIsNotResentOnResume() {
        var p = ResumePair()
        _ = p.serverStep(.timer(.announce))
        p.pump()
        p.tick(5_000)
        let effects = p.serverStep(.inputLine("/me stretches"))
        p.pump()
        let entry = p.server.room!.log.newest(1)[0]
        #expect(entry.kind == .action)
        // The stamp, then the Action, to alice; bob (an original client) reads a SystemMessage.
        let toAlice = effects.compactMap { e -> [UInt8]? in
            if case let .send(to, bytes) = e, to.contains(p.conn!) { return bytes.array }
            return nil
        }
        #expect(toAlice.map { String(decoding: $0.dropFirst(5), as: UTF8.self) } == [String(decoding: ExtensionCodec.frame(.stamp(seq: entry.seq, wallMillis: entry.wallMillis)).dropFirst(5), as: UTF8.self),
                            String(decoding: ExtensionCodec.frame(.action(uid: RoomTests.config.hostUID!, name: "host", color: RGB.cleaned("00aa00"),
                                                         text: "stretches")).dropFirst(5), as: UTF8.self)])
        let line = p.shown.last!
        #expect(line.text == "* host stretches")
        #expect(line.time == 1_700_000_005_000)
        #expect(p.client.session!.link.lastSeen == entry.seq)
        // A cut, a reconnect: what alice saw is not sent again.
        p.cut()
        p.tick(2_000)
        p.reconnect()
        #expect(p.shown.filter { $0.text == "* host stretches" }.count == 1, "\(p.shown.map(\.text))")
    }
}
