import Foundation
import Testing

/// The width probe on the real binary in tmux 3.3a, which draws a skin-toned emoji as its two
/// pieces (4 columns) and `❤️` as a 1-column heart: what pychat draws must be exactly what tmux
/// shows, cell for cell, after typing, editing, sending and scrolling. tmux's own widths are
/// measured independently, by where its cursor ends after `printf` of the same text.
@Suite(.serialized) struct TerminalWidthTests {
    static let text = "A\u{1F44D}\u{1F3FD}B \u{2764}\u{FE0F}x \u{1F1EB}\u{1F1F7} \u{6F22} e\u{0301}\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}z"
    /// `text` after deleting its emoji with the skin tone (the issue's `A👍🏽B` edit).
    static let edited = "AB \u{2764}\u{FE0F}x \u{1F1EB}\u{1F1F7} \u{6F22} e\u{0301}\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}z"

    /// How many columns tmux itself advances for `text`.
    static func tmuxWidth(_ tmux: Tmux, _ text: String, name: String) async throws -> Int {
        let quoted = "'" + text + "'"
        let w = try tmux.window(name, "printf '%s\\n' x; printf '%s' \(quoted); exec sleep 600")
        _ = try await tmux.waitFor(w, "the printed text") { $0.count > 1 && $0[1].hasPrefix("A") }
        return try #require(Int(tmux.display(w, "#{cursor_x}")))
    }

    /// The input pane's first row as it must be: `│`, the text, blanks to the right border.
    static func inputRow(_ text: String, width: Int) -> String {
        "│" + text + String(repeating: " ", count: 98 - width) + "│"
    }

    @Test func whatPychatDrawsIsWhatTmuxShows() async throws {
        let tmux = try Tmux()
        let width = try await Self.tmuxWidth(tmux, Self.text, name: "w1")
        let editedWidth = try await Self.tmuxWidth(tmux, Self.edited, name: "w2")
        // What tmux 3.3a does, so that the test is about what it claims (👍🏽 4, ❤️ 1, the rest
        // as pychat's own table says): 1+4+1+1+1+1+1+2+1+2+1+1+2+1.
        #expect(width == 20 && editedWidth == 16, "tmux drew the text \(width) and \(editedWidth) wide")

        let host = try tmux.window("host", "\(Binary.pychat) -s -H 127.0.0.1 -P 0 -u host --ephemeral")
        _ = try await tmux.waitFor(host, text: "Server started on 127.0.0.1:")
        try tmux.keys(host, "Tab")
        try tmux.type(host, Self.text)
        let typed = try await tmux.waitFor(host, text: "z ")
        #expect(typed[26] == Self.inputRow(Self.text, width: width), "\(typed[26].debugDescription)")

        // Delete the emoji with the skin tone: nothing of the old row stays behind.
        try tmux.keys(host, "Home", "Right", "Right", "BSpace")
        let edited = try await tmux.waitFor(host, "the edited input") { $0[26].hasPrefix("│AB ") }
        #expect(edited[26] == Self.inputRow(Self.edited, width: editedWidth), "\(edited[26].debugDescription)")

        // Sent, and many times more, so that the history scrolls: every row that holds the text
        // ends at the members pane's border, with tmux's widths.
        try tmux.keys(host, "End", "C-u")
        for _ in 0..<30 {
            try tmux.type(host, Self.text)
            try tmux.keys(host, "Enter")
        }
        func historyRowsAgree(_ screen: [String]) -> Bool {
            let rows = screen.filter { $0.contains("host:  A") }
            return !rows.isEmpty && rows.allSatisfy { row in
                guard let start = row.range(of: "host:  ") else { return false }
                // 20 columns of time and name before the text; at column 79 the history pane's
                // border (when focused) or a blank, at 80 the members pane's.
                let pad = String(repeating: " ", count: 79 - 20 - width)
                let rest = row[start.upperBound...]
                return rest.hasPrefix(Self.text + pad + "││") || rest.hasPrefix(Self.text + pad + " │")
            }
        }
        let sent = try await tmux.waitFor(host, "30 lines sent") { $0.filter { $0.contains("host:  A") }.count >= 20 }
        #expect(historyRowsAgree(sent), "\(sent.joined(separator: "\n"))")
        try tmux.keys(host, "Tab")
        try tmux.keys(host, "PageUp")
        let up = try await tmux.waitFor(host, text: "more below")
        #expect(historyRowsAgree(up), "\(up.joined(separator: "\n"))")
        try tmux.keys(host, "End")
        let down = try await tmux.waitFor(host, "back at the newest") { !$0.contains { $0.contains("more below") } }
        #expect(historyRowsAgree(down), "\(down.joined(separator: "\n"))")
    }
}
