import Testing
@testable import ChatState

/// A real room and a real reconnecting client (`ResumePair`), alice in #rust with carol, cut off
/// while carol talks there: once back, alice's #rust buffer shows every line carol said, once and
/// in order, from memory, from the store past it, and past the bound the newest page under a
/// line saying how many more were missed; her own chat is not shown twice; the room's live lines
/// that come while the store answers wait behind what she missed.
@Suite struct ClientRoomResumeTests {
    static let carol = ConnID(91)

    /// alice and carol in #rust, the server without a chat rate (carol says hundreds of lines).
    static func pair() -> ResumePair {
        var p = ResumePair(server: RoomsTests.config)
        _ = p.serverStep(.accepted(conn: carol, uid: Fix.uid3, remote: "c"))
        _ = p.serverStep(.received(conn: carol, bytes: RoomsTests.roomsSign))
        _ = p.serverStep(.received(conn: carol, bytes: Fix.frame(.joinRequest(username: "carol", color: "cc00cc"))))
        _ = p.serverStep(.received(conn: carol, bytes: RoomsTests.command("/join #rust")))
        p.aliceTypes("/join #rust")
        p.pump()
        return p
    }

    static func carolSays(_ text: String, _ p: inout ResumePair) {
        _ = p.serverStep(.received(conn: carol, bytes: RoomCommandTests.ext(.say(room: "rust", text: text))))
    }

    /// The chats alice's #rust buffer was shown, in order.
    static func rustChats(_ p: ResumePair) -> [String] {
        p.shown.compactMap { line in
            guard line.room == "rust", case .chat = line.kind else { return nil }
            return line.text
        }
    }

    @Test(arguments: [50, 150, 999])
    func everyLineSaidInTheRoomWhileCutOffIsShownOnceInOrder(said: Int) {
        var p = Self.pair()
        Self.carolSays("before", &p)
        p.pump()
        p.cut()
        for n in 1...said { Self.carolSays("line \(n)", &p) }
        p.reconnect()
        Self.carolSays("after", &p)
        p.pump()
        #expect(Self.rustChats(p) == ["before"] + (1...said).map { "line \($0)" } + ["after"])
        #expect(p.client.session?.rooms.joined == ["rust"])
        #expect(!p.shown.contains { $0.text.contains("were missed") })
    }

    @Test func pastTheBoundTheNewestPageComesUnderALineSayingHowManyWereMissed() {
        var p = Self.pair()
        p.cut()
        for n in 1...1_200 { Self.carolSays("line \(n)", &p) }
        p.reconnect()
        let rust = p.shown.filter { $0.room == "rust" }
        // 1 201 missed: her own leave at the cut, and carol's lines.
        let notice = rust.firstIndex { $0.text == "── 1101 earlier entries of #rust were missed while disconnected ──" }
        #expect(notice != nil)
        #expect(Self.rustChats(p) == (1_101...1_200).map { "line \($0)" })
        #expect(rust.firstIndex { $0.text == "line 1101" }.map { $0 > (notice ?? .max) } == true)
    }

    @Test func herOwnChatBeforeTheCutIsNotShownTwice() {
        var p = Self.pair()
        p.aliceTypes("mine")
        p.pump()
        p.cut()
        Self.carolSays("missed", &p)
        p.reconnect()
        #expect(Self.rustChats(p) == ["mine", "missed"])
    }

    @Test func liveLinesWhileTheStoreAnswersWaitBehindWhatWasMissed() {
        var p = Self.pair()
        p.cut()
        for n in 1...150 { Self.carolSays("line \(n)", &p) }
        p.answering = false
        p.reconnect()
        #expect(p.asked.count == 1)
        Self.carolSays("live", &p)
        p.pump()
        #expect(Self.rustChats(p).isEmpty)
        p.answering = true
        p.pump()
        #expect(Self.rustChats(p) == (1...150).map { "line \($0)" } + ["live"])
        // Cut again at once: the newest entry shown is "live", so nothing comes twice.
        p.cut()
        Self.carolSays("later", &p)
        p.reconnect()
        #expect(Self.rustChats(p) == (1...150).map { "line \($0)" } + ["live", "later"])
    }
}
