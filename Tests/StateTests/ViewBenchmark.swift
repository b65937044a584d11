import Foundation
import Testing
@testable import ChatState

/// Prints the view's numbers; asserts nothing about time. Run it in release:
///   PYCHAT_BENCH=1 swift test -c release --filter ViewBenchmark
@Suite(.enabled(if: ProcessInfo.processInfo.environment["PYCHAT_BENCH"] == "1"))
struct ViewBenchmark {
    @Test func frameAndDiffOnABigScreen() {
        var ui = UIState(size: TerminalSize(cols: 200, rows: 50))
        let colors = [RGB(r: 255, g: 136, b: 0), RGB(r: 0, g: 0, b: 255), RGB(r: 0, g: 128, b: 0)]
        for n in 0..<Limits.historyLines {
            ui.append(.chat("user\(n % 7)", colors[n % 3], "message number \(n) with some words to wrap 😀 中文 " + String(repeating: "x", count: n % 150)))
        }
        _ = ui.handle(.tab)
        let clock = ContinuousClock()
        // A renderer keeps the rows it drew, as the terminal front end does.
        var cache = WrapCache()
        var previous = ChatView.render(ui, cache: &cache)
        _ = FrameDiff.render(previous: nil, next: previous, colors: .trueColor)

        // Every byte sent to the terminal goes into one checksum, so a change that should only
        // make the view faster can be seen to leave its output exactly as it was.
        var checksum: UInt64 = 0xCBF2_9CE4_8422_2325
        func sum(_ bytes: [UInt8]) -> Int {
            for b in bytes { checksum = (checksum ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
            return bytes.count
        }
        // A chat line arriving: a new frame, diffed against the last.
        var bytesPerMessage = 0
        let rounds = 500
        let messageTime = clock.measure {
            for n in 0..<rounds {
                ui.append(.chat("user\(n % 7)", colors[n % 3], "a new message \(n)"))
                let next = ChatView.render(ui, cache: &cache)
                bytesPerMessage += sum(FrameDiff.render(previous: previous, next: next, colors: .trueColor))
                previous = next
            }
        }
        // A key typed into the input.
        var bytesPerKey = 0
        let keyTime = clock.measure {
            for n in 0..<rounds {
                _ = ui.handle(.text(String(UnicodeScalar(UInt8(97 + n % 26)))))
                if n % 60 == 59 { _ = ui.handle(.ctrl("u")) }
                let next = ChatView.render(ui, cache: &cache)
                bytesPerKey += sum(FrameDiff.render(previous: previous, next: next, colors: .trueColor))
                previous = next
            }
        }
        let frame = ChatView.render(ui, cache: &cache)
        #expect(frame == ChatView.render(ui), "a frame drawn from the cache differs from one drawn afresh")
        let viewTime = clock.measure { for _ in 0..<rounds { _ = ChatView.render(ui, cache: &cache) } }
        let diffTime = clock.measure { for _ in 0..<rounds { _ = FrameDiff.render(previous: previous, next: frame, colors: .trueColor) } }
        // What a line costs the moment it arrives: it is wrapped once, for as long as it shows.
        let arriving = (0..<rounds).map { n in
            DisplayLine.chat("user\(n % 7)", colors[n % 3], "message number \(n) with some words to wrap 😀 中文 " + String(repeating: "x", count: n % 150))
        }
        let wrapTime = clock.measure { for line in arriving { _ = ChatView.rows(of: line, width: 198) } }
        let perMessage = messageTime / rounds, perKey = keyTime / rounds
        print("""
        view benchmark, 200x50 screen, \(ui.history.count) history lines:
          frame + diff per incoming chat line: \(perMessage), \(bytesPerMessage / rounds) bytes to the terminal
          frame + diff per typed key:          \(perKey), \(bytesPerKey / rounds) bytes to the terminal
          of which the view alone:             \(viewTime / rounds); a diff of one key's change: \(diffTime / rounds)
          wrapping one history line:           \(wrapTime / rounds)
          checksum of every byte sent:         \(String(checksum, radix: 16))
        """)
    }
}
