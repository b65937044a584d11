import Testing
@testable import ChatState

/// Input history (Up, Down, Ctrl-R, kept across runs through `Event.recalled`/`Effect.remember`)
/// and Tab completion of names and commands, as screens and states.
@Suite struct RecallAndCompletionTests {
    static func typed(_ app: inout ChatApp, _ text: String) -> [Effect] {
        _ = app.reduce(.key(.text(text)))
        return app.reduce(.key(.enter))
    }

    @Test func upRecallsEarlierMessagesAndDownGoesBack() {
        var app = NewUserFixTests.joinedClient()
        _ = app.reduce(.recalled(["from last run"]))
        _ = app.reduce(.key(.tab))
        #expect(Self.typed(&app, "first").contains(.remember("first")))
        _ = Self.typed(&app, "second\nline")
        _ = app.reduce(.key(.text("draft")))
        _ = app.reduce(.key(.up))
        #expect(app.ui!.input.text == "second\nline")
        #expect(app.frame!.lines()[8...9] == ["│second                                │", "│line                                  │"])
        // Up on the second line of a recalled message moves within it first.
        _ = app.reduce(.key(.up))
        _ = app.reduce(.key(.up))
        #expect(app.ui!.input.text == "first")
        _ = app.reduce(.key(.up))
        #expect(app.ui!.input.text == "from last run")
        _ = app.reduce(.key(.up))  // the oldest: nothing older, and the history does not scroll away
        #expect(app.ui!.input.text == "from last run")
        for _ in 0..<2 { _ = app.reduce(.key(.down)) }
        #expect(app.ui!.input.text == "second\nline")
        _ = app.reduce(.key(.down))
        #expect(app.ui!.input.text == "draft")
    }

    @Test func ctrlRSearchesWhatWasSent() {
        var app = NewUserFixTests.joinedClient()
        _ = app.reduce(.recalled(["deploy the app", "lunch?", "deploy again", "hello"]))
        _ = app.reduce(.key(.tab))
        _ = app.reduce(.key(.text("half")))
        _ = app.reduce(.key(.ctrl("r")))
        _ = app.reduce(.key(.text("DEP")))
        #expect(app.ui!.input.text == "deploy again")
        #expect(app.frame!.lines()[8...9] == ["│search sent messages: DEP             │", "│deploy again                          │"])
        _ = app.reduce(.key(.ctrl("r")))
        #expect(app.ui!.input.text == "deploy the app")
        // Escape gives the draft back; Return keeps the match to edit, and sends nothing.
        _ = app.reduce(.key(.escape))
        #expect(app.ui!.input.text == "half" && app.ui!.recall.query == nil)
        _ = app.reduce(.key(.ctrl("r")))
        _ = app.reduce(.key(.text("lun")))
        #expect(app.reduce(.key(.enter)).isEmpty)
        #expect(app.ui!.input.text == "lunch?")
        #expect(app.reduce(.key(.enter)).contains(.remember("lunch?")))
    }

    @Test func recallKeepsTheNewestThousand() {
        var r = InputRecall()
        r.load((0..<1_500).map(String.init))
        r.add("new")
        #expect(r.entries.count == InputRecall.capacity && r.entries.first == "501" && r.entries.last == "new")
        r.add("new")
        #expect(r.entries.count == InputRecall.capacity)
    }

    @Test func tabCompletesNamesAndCyclesThenRotatesFocusElsewhere() {
        var app = NewUserFixTests.joinedClient()
        _ = app.reduce(.received(conn: NewUserFixTests.conn, bytes: Fix.serverInfo(
            [(Fix.uid1, "alice", "ff8800"), (Fix.uid2, "bob", "0000ff"), (Fix.uid3, "Bobby", "00ff00")], for: Fix.uid1)))
        _ = app.reduce(.key(.tab))
        _ = app.reduce(.key(.text("hi bo")))
        _ = app.reduce(.key(.tab))
        #expect(app.ui!.input.text == "hi bob " && app.ui!.focus == .input)
        #expect(app.frame!.lines()[8] == "│hi bob                                │")
        _ = app.reduce(.key(.tab))
        #expect(app.ui!.input.text == "hi Bobby ")
        _ = app.reduce(.key(.tab))
        #expect(app.ui!.input.text == "hi bob ")
        // Another key ends the cycle; after a space there is no word to complete, so Tab moves
        // focus, as in the original.
        _ = app.reduce(.key(.end))
        _ = app.reduce(.key(.tab))
        #expect(app.ui!.focus == .history)
    }

    @Test func tabCompletesCommandsAtTheStart() {
        var app = NewUserFixTests.joinedClient()
        _ = app.reduce(.key(.tab))
        _ = app.reduce(.key(.text("/ti")))
        _ = app.reduce(.key(.tab))
        #expect(app.ui!.input.text == "/timestamps ")
        // Every command in the table, `/context` too; Tab again offers the next match.
        var context = NewUserFixTests.joinedClient()
        _ = context.reduce(.key(.tab))
        _ = context.reduce(.key(.text("/co")))
        _ = context.reduce(.key(.tab))
        #expect(context.ui!.input.text == "/context ")
        #expect(Completion.commands.contains("/msg") && Completion.commands.contains("/kick") && Completion.commands.contains("/search"))
        // A word that starts nothing: focus moves.
        var other = NewUserFixTests.joinedClient()
        _ = other.reduce(.key(.tab))
        _ = other.reduce(.key(.text("zz")))
        _ = other.reduce(.key(.tab))
        #expect(other.ui!.focus == .history && other.ui!.input.text == "zz")
    }
}
