/// Turns terminal input bytes into keys, incrementally, as a state machine in the manner of a
/// VT500 parser (ground, escape, CSI, SS3, string states): a read may end anywhere, inside a UTF-8 character, an escape sequence or a
/// bracketed paste, and the rest simply continues with the next `feed`. Feeding the same
/// bytes in one chunk or one byte at a time gives the same keys, except that printable
/// text is batched per read: consumers must treat `.text("ab")` like `.text("a"), .text("b")`.
///
/// Time is an event here, never read from a clock: a lone ESC at the end of a read cannot be
/// told apart from the start of a sequence, so the decoder reports `isWaitingAfterEscape`
/// and the event loop calls `escapeTimeout()` when its timer fires.
///
/// Decisions:
/// - ESC followed by a digit is Alt-digit (`.altDigit`, weechat's and irssi's room keys); ESC
///   followed by any other byte that does not start a sequence (Alt+key) gives `.escape` and
///   then that byte's key, exactly what a lone ESC, a timeout and the byte would give.
/// - Unknown or malformed CSI and SS3 sequences, OSC/DCS/SOS/PM/APC strings and mouse
///   events other than the wheel are swallowed whole; they never become typed text. A
///   string ends at BEL, at ST (`ESC \`), at CAN/SUB, or at any other ESC, which starts a
///   new sequence (so a stuck string is ended by the next arrow or Escape key).
/// - Key modifiers (`CSI 1;5A`) are ignored: Ctrl-Up is `.up`; but Alt-Left and Alt-Right
///   (`CSI 1;3D`, `CSI 1;3C`, Alt with Shift or Meta too) are `.altLeft`, `.altRight`.
/// - The terminal's answers are `.report` keys: `CSI row;col R` (a cursor position; xterm's
///   Shift-F3 is spelled the same, and pychat has no F3), `CSI ? mode;value $ y` (a mode) and
///   `CSI ? ... c` (its attributes). Other replies with private markers are swallowed.
/// - NUL and 0x1c–0x1f (Ctrl-Space, Ctrl-\ ...) have no `Key` and are dropped, as are C1
///   controls in typed text.
/// - Memory is bounded: a CSI longer than `maxSequenceBytes` is discarded and skipped up to
///   its final byte, strings are skipped without being stored, and a paste keeps its first
///   `maxPasteBytes` bytes (cut at a UTF-8 boundary) and drops the rest.
public struct KeyDecoder: Sendable {
    public static let maxSequenceBytes = 64
    public static let maxPasteBytes = 1 << 20

    private enum State: Equatable, Sendable {
        case ground
        case escape
        case csi
        case csiDiscard
        case ss3
        case string(sawEscape: Bool)
        case x10Mouse
        case paste(matched: Int)
    }

    private var state = State.ground
    /// CSI parameter bytes, or the three X10 mouse bytes.
    private var sequence: [UInt8] = []
    /// A UTF-8 character begun in ground state, and how many bytes it needs in all.
    private var utf8: [UInt8] = []
    private var utf8Length = 0
    private var paste: [UInt8] = []

    public init() {}

    /// True when the input so far ends with ESC, `ESC [` or `ESC O`: what follows decides
    /// between a key sequence and Escape (or Alt-[, Alt-O), so the event loop should start
    /// its escape timer.
    public var isWaitingAfterEscape: Bool {
        switch state {
        case .escape, .ss3: return true
        case .csi: return sequence.isEmpty
        default: return false
        }
    }

    /// Bytes held for an unfinished character, sequence or paste.
    public var bufferedByteCount: Int { sequence.count + utf8.count + paste.count }

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Key] {
        var out = Output()
        for b in bytes { step(b, &out) }
        return out.finish()
    }

    /// The escape timer fired: whatever was waiting after ESC is taken as typed keys.
    public mutating func escapeTimeout() -> [Key] {
        guard isWaitingAfterEscape else { return [] }
        let keys: [Key]
        switch state {
        case .ss3: keys = [.escape, .text("O")]
        case .csi: keys = [.escape, .text("[")]
        default: keys = [.escape]
        }
        state = .ground
        sequence = []
        return keys
    }

    // MARK: the state machine

    private mutating func step(_ b: UInt8, _ out: inout Output) {
        switch state {
        case .ground: ground(b, &out)
        case .escape: escape(b, &out)
        case .csi: csi(b, &out)
        case .csiDiscard: csiDiscard(b, &out)
        case .ss3: ss3(b, &out)
        case .string(let sawEscape): string(b, sawEscape: sawEscape, &out)
        case .x10Mouse: x10Mouse(b, &out)
        case .paste(let matched): pasteByte(b, matched: matched, &out)
        }
    }

    private mutating func ground(_ b: UInt8, _ out: inout Output) {
        if utf8Length > 0 {
            if isValidContinuation(b) {
                utf8.append(b)
                if utf8.count == utf8Length { finishScalar(&out) }
                return
            }
            out.text(replacement)
            utf8 = []
            utf8Length = 0
        }
        switch b {
        case 0x1b: state = .escape
        case 0x09: out.key(.tab)
        case 0x0a, 0x0d: out.key(.enter)
        case 0x08, 0x7f: out.key(.backspace)
        case 0x01...0x1a: out.key(.ctrl(Character(Unicode.Scalar(b + 0x60))))
        case 0x00, 0x1c...0x1f: break
        case 0x20..<0x80: out.text(Unicode.Scalar(b))
        case 0xc2...0xdf: beginScalar(b, length: 2)
        case 0xe0...0xef: beginScalar(b, length: 3)
        case 0xf0...0xf4: beginScalar(b, length: 4)
        default: out.text(replacement)
        }
    }

    private mutating func beginScalar(_ b: UInt8, length: Int) {
        utf8 = [b]
        utf8Length = length
    }

    /// Rejects overlong forms, surrogates and values past U+10FFFF at the second byte, so each
    /// maximal invalid subpart becomes one U+FFFD (the Unicode recommendation).
    private func isValidContinuation(_ b: UInt8) -> Bool {
        guard utf8.count == 1 else { return (0x80...0xbf).contains(b) }
        switch utf8[0] {
        case 0xe0: return (0xa0...0xbf).contains(b)
        case 0xed: return (0x80...0x9f).contains(b)
        case 0xf0: return (0x90...0xbf).contains(b)
        case 0xf4: return (0x80...0x8f).contains(b)
        default: return (0x80...0xbf).contains(b)
        }
    }

    private mutating func finishScalar(_ out: inout Output) {
        var v = UInt32(utf8[0]) & (0xff >> (utf8Length + 1))
        for c in utf8.dropFirst() { v = v << 6 | UInt32(c & 0x3f) }
        utf8 = []
        utf8Length = 0
        if (0x80...0x9f).contains(v) { return }  // C1 controls are not typed text
        out.text(Unicode.Scalar(v) ?? replacement)
    }

    private mutating func escape(_ b: UInt8, _ out: inout Output) {
        switch b {
        case 0x5b:  // [
            state = .csi
            sequence = []
        case 0x4f:  // O
            state = .ss3
        case 0x5d, 0x50, 0x58, 0x5e, 0x5f:  // ] P X ^ _
            state = .string(sawEscape: false)
        case 0x1b:
            out.key(.escape)
        case 0x30...0x39:
            out.key(.altDigit(Int(b - 0x30)))
            state = .ground
        default:
            out.key(.escape)
            state = .ground
            ground(b, &out)
        }
    }

    private mutating func csi(_ b: UInt8, _ out: inout Output) {
        switch b {
        case 0x20...0x3f:
            sequence.append(b)
            if sequence.count > Self.maxSequenceBytes {
                sequence = []
                state = .csiDiscard
            }
        case 0x40...0x7e:
            let params = sequence
            sequence = []
            state = .ground
            dispatchCSI(params, final: b, &out)
        default:
            abortSequence(b, &out)
        }
    }

    private mutating func csiDiscard(_ b: UInt8, _ out: inout Output) {
        switch b {
        case 0x20...0x3f: break
        case 0x40...0x7e: state = .ground
        default: abortSequence(b, &out)
        }
    }

    /// A byte that cannot continue a sequence ends it unfinished (dropped); an ESC starts
    /// the next sequence, anything else is decoded afresh.
    private mutating func abortSequence(_ b: UInt8, _ out: inout Output) {
        sequence = []
        if b == 0x1b {
            state = .escape
        } else {
            state = .ground
            ground(b, &out)
        }
    }

    /// The final byte that names the same key after CSI and after SS3: arrows, Home, End.
    private static func cursorKey(_ final: UInt8) -> Key? {
        switch final {
        case 0x41: return .up
        case 0x42: return .down
        case 0x43: return .right
        case 0x44: return .left
        case 0x48: return .home
        case 0x46: return .end
        default: return nil
        }
    }

    private mutating func ss3(_ b: UInt8, _ out: inout Output) {
        guard (0x40...0x7e).contains(b) else {
            out.key(.escape)
            out.text(Unicode.Scalar(0x4f))
            state = .ground
            ground(b, &out)
            return
        }
        state = .ground
        if let key = Self.cursorKey(b) {
            out.key(key)
        } else if b == 0x4d {
            out.key(.enter)  // keypad Enter
        } else if b == 0x50 {
            out.key(.f1)  // ESC O P
        }  // F2–F4 and other keypad keys: no Key for them
    }

    private mutating func string(_ b: UInt8, sawEscape: Bool, _ out: inout Output) {
        if sawEscape {
            if b == 0x5c {  // ESC \ is ST
                state = .ground
            } else {
                state = .escape
                escape(b, &out)
            }
            return
        }
        switch b {
        case 0x07, 0x18, 0x1a: state = .ground
        case 0x1b: state = .string(sawEscape: true)
        default: break
        }
    }

    private mutating func x10Mouse(_ b: UInt8, _ out: inout Output) {
        sequence.append(b)
        guard sequence.count == 3 else { return }
        let button = Int(sequence[0]) - 32
        sequence = []
        state = .ground
        if let key = Self.wheel(button) { out.key(key) }
    }

    private mutating func dispatchCSI(_ params: [UInt8], final: UInt8, _ out: inout Output) {
        if params.isEmpty && final == 0x4d {  // CSI M: X10 mouse, three raw bytes follow
            state = .x10Mouse
            return
        }
        if params.first == 0x3c {  // CSI < ... M/m: SGR mouse
            if final == 0x4d, let fields = Self.numbers(params.dropFirst()), let button = fields.first ?? nil,
                let key = Self.wheel(button)
            {
                out.key(key)
            }
            return
        }
        if let report = Self.report(params, final: final) {
            out.key(.report(report))
            return
        }
        guard let fields = Self.numbers(params[...]) else { return }  // private markers: replies, not keys
        let first = fields.first ?? nil
        if let key = Self.cursorKey(final) {
            // xterm's modifier field is 1 + Shift 1, Alt 2, Ctrl 4, Meta 8: Alt-Left is `1;3D`.
            let alt = fields.count == 2 && (fields[1] ?? 1) > 1 && ((fields[1] ?? 1) - 1) & 0b1010 != 0
                && ((fields[1] ?? 1) - 1) & 0b0100 == 0
            out.key(alt && key == .left ? .altLeft : alt && key == .right ? .altRight : key)
            return
        }
        switch final {
        case 0x5a: out.key(.backTab)
        case 0x49 where params.isEmpty: out.key(.focusIn)  // CSI I
        case 0x4f where params.isEmpty: out.key(.focusOut)  // CSI O
        case 0x50 where first == 1 || params.isEmpty: out.key(.f1)  // CSI P, CSI 1;2P (a modified F1)
        case 0x7e:
            switch first {
            case 1, 7: out.key(.home)
            case 4, 8: out.key(.end)
            case 3: out.key(.delete)
            case 5: out.key(.pageUp)
            case 6: out.key(.pageDown)
            case 11: out.key(.f1)  // the VT220 and rxvt form
            case 200:
                out.flush()
                paste = []
                state = .paste(matched: 0)
            default: break
            }
        default: break
        }
    }

    /// The terminal's answers to the width probe's questions (see `TerminalReport`).
    private static func report(_ params: [UInt8], final: UInt8) -> TerminalReport? {
        switch final {
        case 0x52:  // R
            guard let f = numbers(params[...]), f.count == 2, let row = f[0], let col = f[1] else { return nil }
            return .cursor(row: row, col: col)
        case 0x79:  // y, after `?` and with `$` as the last parameter byte
            guard params.first == 0x3f, params.last == 0x24,
                let f = numbers(params.dropFirst().dropLast()), f.count == 2, let mode = f[0], let value = f[1]
            else { return nil }
            return .mode(mode, value: value)
        case 0x63:  // c
            guard params.first == 0x3f, numbers(params.dropFirst()) != nil else { return nil }
            return .deviceAttributes
        default:
            return nil
        }
    }

    /// `;`-separated decimal fields (empty ones are nil), or nil if anything else is there.
    private static func numbers(_ bytes: ArraySlice<UInt8>) -> [Int?]? {
        var fields: [Int?] = []
        var current: Int? = nil
        for b in bytes {
            switch b {
            case 0x30...0x39: current = min(99_999, (current ?? 0) * 10 + Int(b - 0x30))
            case 0x3b:
                fields.append(current)
                current = nil
            default: return nil
            }
        }
        fields.append(current)
        return fields
    }

    /// Mouse button codes 64/65 are the wheel; Shift, Alt and Ctrl add 4, 8 and 16.
    private static func wheel(_ button: Int) -> Key? {
        switch button & ~(4 | 8 | 16) {
        case 64: return .wheelUp
        case 65: return .wheelDown
        default: return nil
        }
    }

    // MARK: bracketed paste

    private static let pasteEnd: [UInt8] = [0x1b, 0x5b, 0x32, 0x30, 0x31, 0x7e]  // ESC [ 2 0 1 ~

    private mutating func pasteByte(_ b: UInt8, matched: Int, _ out: inout Output) {
        if b == Self.pasteEnd[matched] {
            if matched + 1 == Self.pasteEnd.count {
                let text = Self.pasteText(paste)
                paste = []
                state = .ground
                if !text.isEmpty { out.key(.paste(text)) }
            } else {
                state = .paste(matched: matched + 1)
            }
            return
        }
        // A false start of the terminator was content after all; ESC cannot recur inside it,
        // so the current byte can only begin a new match if it is ESC.
        for m in Self.pasteEnd[..<matched] { keepPasted(m) }
        if b == Self.pasteEnd[0] {
            state = .paste(matched: 1)
        } else {
            keepPasted(b)
            state = .paste(matched: 0)
        }
    }

    private mutating func keepPasted(_ b: UInt8) {
        if paste.count < Self.maxPasteBytes { paste.append(b) }
    }

    /// Pasted bytes as text: invalid UTF-8 becomes U+FFFD, CR LF and CR become LF, and control
    /// characters other than LF and tab are dropped.
    static func pasteText(_ bytes: [UInt8]) -> String {
        var end = bytes.count
        if end == maxPasteBytes {
            // The cut may have split a character: drop its partial bytes.
            var lead = end - 1
            while lead > 0, end - lead < 4, bytes[lead] & 0xc0 == 0x80 { lead -= 1 }
            let b = bytes[lead]
            let need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1
            if end - lead < need { end = lead }
        }
        var result = String.UnicodeScalarView()
        var afterCR = false
        for s in String(decoding: bytes[..<end], as: UTF8.self).unicodeScalars {
            let v = s.value
            defer { afterCR = v == 0x0d }
            switch v {
            case 0x0d: result.append("\n")
            case 0x0a: if !afterCR { result.append("\n") }
            case 0x09: result.append(s)
            case 0x00..<0x20, 0x7f...0x9f: break
            default: result.append(s)
            }
        }
        return String(result)
    }
}

private let replacement = Unicode.Scalar(0xfffd)!

/// Keys produced by one `feed`, with consecutive typed characters batched into one `.text`.
private struct Output {
    private var keys: [Key] = []
    private var run = String.UnicodeScalarView()

    mutating func text(_ s: Unicode.Scalar) { run.append(s) }

    mutating func key(_ k: Key) {
        flush()
        keys.append(k)
    }

    mutating func flush() {
        guard !run.isEmpty else { return }
        keys.append(.text(String(run)))
        run = String.UnicodeScalarView()
    }

    mutating func finish() -> [Key] {
        flush()
        return keys
    }
}
