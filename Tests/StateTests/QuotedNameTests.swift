import Testing
@testable import ChatState

/// A NAME with spaces (the original's names may hold them) is written in double quotes, in
/// every command that takes one; anything else gets one line saying how to write it.
@Suite struct QuotedNameTests {
    func read(_ line: String) -> TypedLine { CommandParser.read(line) }

    @Test func everyCommandThatTakesANameReadsAQuotedOne() {
        #expect(read(#"/msg "mary jane" hi there"#) == .command(.msg(to: "mary jane", text: "hi there")))
        #expect(read(#"/whois "mary jane""#) == .command(.whois("mary jane")))
        #expect(read(#"/ignore  "mary jane"  "#) == .command(.ignore("mary jane")))
        #expect(read(#"/kick "mary jane" spam, again"#) == .command(.moderate(.kick(name: "mary jane", reason: "spam, again"))))
        #expect(read(#"/ban "mary jane" 2h flood"#) == .command(.moderate(.ban(name: "mary jane", duration: 7_200_000, reason: "flood"))))
        #expect(read(#"/ban "mary jane""#) == .command(.moderate(.ban(name: "mary jane", duration: nil, reason: nil))))
        #expect(read(#"/mute "mary jane" 10m"#) == .command(.moderate(.mute(name: "mary jane", duration: 600_000))))
        #expect(read(#"/op "mary jane""#) == .command(.moderate(.op("mary jane"))))
        #expect(read(#"/unban "mary jane""#) == .command(.moderate(.unban("mary jane"))))
        // A quote inside a name is the name's, unless a space follows it.
        #expect(read(#"/msg "say "hi"" ok"#) == .command(.msg(to: #"say "hi""#, text: "ok")))
        // Names without spaces are read as before, quotes or not.
        #expect(read("/msg bob hi") == .command(.msg(to: "bob", text: "hi")))
        #expect(read(#"/msg "bob" hi"#) == .command(.msg(to: "bob", text: "hi")))
    }

    @Test func aQuoteNotClosedOrAnExtraWordSaysHowToWriteIt() {
        let hint = #"a NAME with spaces goes in double quotes: "mary jane""#
        #expect(read(#"/msg "mary jane hi"#) == .wrong("/msg has a NAME whose quote is not closed: \(hint). Usage: /msg NAME TEXT"))
        #expect(read(#"/msg "" hi"#) == .wrong("/msg has a NAME whose quote is not closed: \(hint). Usage: /msg NAME TEXT"))
        #expect(read(#"/kick "mary"#) == .wrong("/kick has a NAME whose quote is not closed: \(hint). Usage: /kick NAME [REASON]"))
        #expect(read(#"/msg "mary jane""#) == .wrong("/msg needs a TEXT after the NAME. Usage: /msg NAME TEXT"))
        #expect(read("/whois mary jane") == .wrong("/whois takes one NAME (\(hint)). Usage: /whois NAME"))
        #expect(read(#"/op "mary jane" x"#) == .wrong("/op takes one NAME (\(hint)). Usage: /op NAME"))
        // One pass over the line, whatever its quotes: the last one closes the name.
        let quotes = String(repeating: "\"", count: 50_000)
        #expect(read("/msg " + quotes) == .wrong("/msg needs a TEXT after the NAME. Usage: /msg NAME TEXT"))
        #expect(read("/msg " + quotes + " x") == .command(.msg(to: String(repeating: "\"", count: 49_998), text: "x")))
    }

    @Test func aMemberWithSpacesIsReachedByTheQuotedNameAndTheUnquotedOneSaysHow() {
        var s = TestStore(RoomTests.config)
        _ = s.reduce(.accepted(conn: Fix.c1, uid: Fix.uid1, remote: "10.0.0.1:1", address: "10.0.0.1"))
        _ = s.reduce(.received(conn: Fix.c1, bytes: Fix.frame(.joinRequest(username: "mary jane", color: "ff8800"))))
        _ = s.reduce(.timer(.announce))
        _ = s.reduce(.timer(.tableRefresh))
        s.send(.inputLine(#"/msg "Mary Jane" hi"#), [.send(.system(text: "[private] host: hi"), to: Fix.c1)],
               shows: [.chat("host", RGB.cleaned("00aa00"), "[private to mary jane] hi")])
        s.send(.inputLine("/msg mary jane hi"), [], shows: [
            .notice(#"No one here is called mary. Did you mean "mary jane"? A NAME with spaces goes in double quotes."#),
        ])
        let kick = s.reduce(.inputLine(#"/kick "mary jane" spam"#))
        #expect(kick.contains(.close(conn: Fix.c1, reason: "kicked by host")))
        #expect(s.room.members.map(\.name) == ["host"])
    }
}
