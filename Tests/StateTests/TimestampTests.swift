import Testing
@testable import ChatState

/// Every line with its time: arrival time from `Event.time`, the server's from a Stamp (see
/// ClientHistoryTests), in the zone the interpreter gave; Ctrl-T and `/timestamps` toggle; a line
/// where the day changes.
@Suite struct TimestampTests {
    /// 2026-12-01 23:58:00 UTC.
    static let lateEvening: Int64 = 1_796_169_480_000

    static func time(_ wall: Int64, offset: Int = 0) -> Event {
        .time(Instant(monotonicMillis: wall / 1000, wallMillis: wall, utcOffsetSeconds: offset))
    }

    static func chat(_ text: String) -> Event {
        .received(conn: NewUserFixTests.conn, bytes: Fix.frame(.chat(uid: Fix.uid2, text: text)))
    }

    @Test func linesShowTheirArrivalTimeInTheLocalZone() {
        var app = NewUserFixTests.joinedClient(cols: 40)
        _ = app.reduce(Self.time(Self.lateEvening, offset: -5 * 3600))
        _ = app.reduce(Self.chat("evening"))
        #expect(app.frame!.lines()[1...2] == [
            "│Connected to server h:1               │",  // before the interpreter told the time
            "│18:58        bob:  evening            │",
        ])
        // Ctrl-T hides the times, /timestamps shows them again; neither is sent.
        _ = app.reduce(.key(.ctrl("t")))
        #expect(app.frame!.lines()[2] == "│       bob:  evening                  │")
        _ = app.reduce(.key(.tab))
        for key: Key in [.text("/timestamps"), .enter] {
            #expect(!app.reduce(.key(key)).contains { if case .send = $0 { true } else { false } })
        }
        #expect(app.frame!.lines()[2] == " 18:58        bob:  evening")  // the input has the border now
    }

    @Test func aLineMarksTheChangeOfDay() {
        var app = NewUserFixTests.joinedClient(cols: 40)
        _ = app.reduce(Self.time(Self.lateEvening))
        _ = app.reduce(Self.chat("late"))
        _ = app.reduce(Self.time(Self.lateEvening + 3 * 60_000))
        _ = app.reduce(Self.chat("early"))
        _ = app.reduce(Self.chat("still early"))
        #expect(app.frame!.lines()[2...5] == [
            "│23:58        bob:  late               │",
            "│── Wednesday 2 December 2026 ──       │",
            "│00:01        bob:  early              │",
            "│00:01        bob:  still early        │",
        ])
    }

    @Test func wrappedRowsStartUnderTheText() {
        var app = NewUserFixTests.joinedClient(cols: 32)
        _ = app.reduce(Self.time(Self.lateEvening))
        _ = app.reduce(Self.chat("one two three four"))
        let f = app.frame!
        #expect(f.lines()[2...3] == [
            "│23:58        bob:  one two    │",
            "│                   three four │",
        ])
        // The time column is not part of the coloured message block.
        #expect(f[3, 1].style == .plain && f[3, 7].style.background == ChatView.chatBackground)
    }

    @Test func daysAndClocks() {
        #expect(ClockText.hhmm(0) == "00:00")
        #expect(ClockText.hhmm(-60_000) == "23:59")
        #expect(ClockText.hhmm(Self.lateEvening, offsetSeconds: 5 * 3600 + 1800) == "05:28")
        #expect(ClockText.dayName(ClockText.day(Self.lateEvening)) == "Tuesday 1 December 2026")
        #expect(ClockText.dayName(0) == "Thursday 1 January 1970")
        #expect(ClockText.dayName(-1) == "Wednesday 31 December 1969")
        #expect(ClockText.dayName(ClockText.day(951_782_400_000)) == "Tuesday 29 February 2000")
    }
}
