/// A line that names the local user: highlighted, counted while the user is away, and, when the
/// terminal is not focused, a bell and a desktop notification (`Effect.alert`).
public enum Mention {
    /// Whether `text` holds `name` as a word, ignoring case: not inside a longer word, so `bob`
    /// is named in "hi Bob!" but not in "bobby". Linear in the text: names are at most
    /// `Limits.maxNameLength` characters.
    public static func names(_ name: String, in text: String) -> Bool {
        names(Name(name), in: text)
    }

    /// `names` for a name prepared once (the own name, looked for in every line that arrives):
    /// the ASCII answer where there is one, else none when the name's bytes cannot be in the
    /// text (`cannotHold`), else the canonical one.
    static func names(_ name: Name, in text: String) -> Bool {
        if name.isPlain, let plain = asciiNames(name.utf8, in: text) { return plain }
        if let lowered = name.nfcLowered, cannotHold(lowered, text) { return false }
        return canonicalNames(name.name, in: text)
    }

    /// The own name as `names` looks for it, its bytes looked at once per rename rather than
    /// once per line (a name not in the table yet is the one configured, which may be long).
    /// Only bytes: its Characters are found only for a line that gets past `cannotHold`.
    struct Name: Sendable {
        let name: String
        let utf8: [UInt8]
        /// ASCII without CR: `asciiNames` may answer.
        let isPlain: Bool
        /// The name lowercased, when that is NFC by the quick check (each of its Characters is
        /// then its own NFC): the bytes `cannotHold` looks for.
        let nfcLowered: [UInt8]?

        init(_ name: String) {
            self.name = name
            utf8 = Array(name.utf8)
            isPlain = Mention.isPlain(utf8)
            var lowered = name.lowercased()
            nfcLowered = Mention.isNFC(&lowered) ? Array(lowered.utf8) : nil
        }
    }

    /// `names` a Character at a time, compared canonically (String's ==): any text. The
    /// general code, which `canonicalNames` must agree with.
    static func characterNames(_ name: String, in text: String) -> Bool {
        find(Array(name.lowercased()), in: Array(text.lowercased()), equal: ==, isWord: isWordCharacter)
    }

    /// `characterNames` without normalizing at every comparison: each Character is put in
    /// Normal Form C once, and two Characters are then equal exactly when their NFC bytes are
    /// (String's == compares canonically by NFC, with the standard library's own tables, which
    /// `_nfcCodeUnits` uses too). A text of 4000 characters and a name of 32 are 4000
    /// normalizations, not one or two per pair compared.
    static func canonicalNames(_ name: String, in text: String) -> Bool {
        func canonical(_ s: String) -> [(character: Character, nfc: String)] { s.lowercased().map { ($0, nfc($0)) } }
        return find(canonical(name), in: canonical(text), equal: { $0.nfc.utf8.elementsEqual($1.nfc.utf8) },
                    isWord: { isWordCharacter($0.character) })
    }

    /// Whether `text` certainly does not name the name whose lowercased NFC bytes are
    /// `loweredName`: its lowercased text is NFC by the quick check, and those bytes are not in
    /// it. Then no run of its Characters has the name's NFC bytes (each Character of a text that
    /// passes the quick check passes it, so is its own NFC), and `canonicalNames` finds none:
    /// most lines are told apart by one scan of their bytes instead of a String per Character.
    static func cannotHold(_ loweredName: [UInt8], _ text: String) -> Bool {
        var lowered = text.lowercased()
        guard !loweredName.isEmpty, isNFC(&lowered) else { return false }
        return lowered.withUTF8 { hay in
            loweredName.withUnsafeBufferPointer { needle in !contains(needle, in: hay) }
        }
    }

    /// Whether `s` is NFC by the quick check (false where it cannot tell).
    private static func isNFC(_ s: inout String) -> Bool {
        var span = s.utf8Span
        return span.checkForNFC(quickCheck: true)
    }

    /// Whether the bytes `needle` occur in `hay`: the first byte looked for, then the rest.
    private static func contains(_ needle: UnsafeBufferPointer<UInt8>, in hay: UnsafeBufferPointer<UInt8>) -> Bool {
        guard hay.count >= needle.count else { return false }
        let first = needle[0]
        for start in 0...(hay.count - needle.count) where hay[start] == first {
            var k = 1
            while k < needle.count, hay[start + k] == needle[k] { k += 1 }
            if k == needle.count { return true }
        }
        return false
    }

    /// A Character in NFC: as it is when it is ASCII or the quick check knows it is NFC (most
    /// Characters), else normalized.
    private static func nfc(_ c: Character) -> String {
        let s = String(c)
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s }
        var span = s.utf8Span
        if span.checkForNFC(quickCheck: true) { return s }
        return String(decoding: s._nfcCodeUnits, as: UTF8.self)
    }

    /// Whether `needle` is in `hay` as a word (no word character on either side), elements
    /// compared by `equal`.
    private static func find<Element>(_ needle: [Element], in hay: [Element], equal: (Element, Element) -> Bool,
                                      isWord: (Element) -> Bool) -> Bool {
        guard !needle.isEmpty, hay.count >= needle.count else { return false }
        for start in 0...(hay.count - needle.count) where equal(hay[start], needle[0]) {
            let end = start + needle.count
            var k = 1
            while k < needle.count, equal(hay[start + k], needle[k]) { k += 1 }
            guard k == needle.count else { continue }
            if (start == 0 || !isWord(hay[start - 1])) && (end == hay.count || !isWord(hay[end])) {
                return true
            }
        }
        return false
    }

    private static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

    /// `names` over bytes, when both are ASCII without CR (so each byte is one Character: CR LF
    /// is the only ASCII pair Swift joins into one): the same answer without two arrays of
    /// Characters per line. Nil when the bytes do not qualify.
    static func asciiNames(_ name: String, in text: String) -> Bool? {
        let name = Array(name.utf8)
        return isPlain(name) ? asciiNames(name, in: text) : nil
    }

    /// ASCII without CR: each byte is one Character.
    private static func isPlain(_ bytes: some Collection<UInt8>) -> Bool { !bytes.contains { $0 >= 0x80 || $0 == 0x0D } }

    /// `asciiNames` for a name known plain; nil when the text is not.
    private static func asciiNames(_ name: [UInt8], in text: String) -> Bool? {
        var text = text
        return name.withUnsafeBufferPointer { needle -> Bool? in
            text.withUTF8 { hay -> Bool? in
                guard isPlain(hay) else { return nil }
                guard !needle.isEmpty else { return false }
                guard hay.count >= needle.count else { return false }
                func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
                func isWord(_ b: UInt8) -> Bool {
                    let l = lower(b)
                    return (l >= 0x61 && l <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x5F
                }
                let first = lower(needle[0])
                for start in 0...(hay.count - needle.count) where lower(hay[start]) == first {
                    let end = start + needle.count
                    var k = 1
                    while k < needle.count, lower(hay[start + k]) == lower(needle[k]) { k += 1 }
                    guard k == needle.count else { continue }
                    if (start == 0 || !isWord(hay[start - 1])) && (end == hay.count || !isWord(hay[end])) { return true }
                }
                return false
            }
        }
    }

    /// Longest text of a notification: a terminal shows a line or two of it.
    public static let maxNotificationCharacters = 200

    /// Text for an OSC notification: every control, format and bidi character dropped (an OSC
    /// string ends at BEL or ESC, and what follows would be obeyed), `;` too (it separates the
    /// fields of OSC 777), and at most `maxNotificationCharacters` characters.
    public static func notificationText(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var count = 0
        for ch in text {
            guard count < maxNotificationCharacters else { break }
            if ch.isNewline {
                out.append(" ")
                count += 1
                continue
            }
            let kept = ch.unicodeScalars.filter { s in
                !(s.value < 0x20 || (0x7F...0x9F).contains(s.value) || s == ";"
                    || CharacterClass.isBidiControl(s) || s.properties.generalCategory == .format)
            }
            if kept.isEmpty { continue }
            out.append(contentsOf: kept)
            count += 1
        }
        return String(out)
    }
}

extension ChatApp {
    /// Our own name in the room: the table's, once we have one.
    var myName: String? {
        // `room?.`, not `if let room`: that copies the whole room (every field retained) each step.
        if room != nil { return room?.host?.name }
        return session!.me.flatMap { uid in session!.users.first { $0.key == uid }?.user.username } ?? config.username
    }

    /// Whether some line is someone's chat: only those are looked at for our name.
    static func holdChat(_ lines: [DisplayLine]) -> Bool {
        lines.contains { if case .chat = $0.kind { true } else { false } }
    }

    /// The line, highlighted when someone else names us (`me`) in it.
    func marked(_ line: DisplayLine, me: Mention.Name?) -> DisplayLine {
        guard case .chat(let sender, _) = line.kind, let me, sender != me.name, Mention.names(me, in: line.text)
        else { return line }
        var line = line
        line.mentionsMe = true
        return line
    }

    /// Our own name prepared for `marked`: kept from the step before while we are not renamed
    /// (the same bytes: String's == would call a name canonically equal the same).
    mutating func mentionName() -> Mention.Name? {
        guard var me = myName else { return nil }
        let kept = mentionKey.map { key in
            var name = key.name
            return name.withUTF8 { a in me.withUTF8 { b in a.elementsEqual(b) } }
        }
        if kept != true { mentionKey = Mention.Name(me) }
        return mentionKey
    }

    /// The bell and a notification for a line that names us, unless the terminal has focus or
    /// the user said `--no-notify`.
    func alert(for line: DisplayLine) -> Effect? {
        guard config.notify != false, ui?.away.ringsForMentions == true, case .chat(let sender, _) = line.kind else { return nil }
        return .alert(title: Mention.notificationText("pychat: " + sender),
                      body: Mention.notificationText(sender + ": " + line.text))
    }

    /// ` · 3 unread, 1 mention` while the terminal is away and lines arrived.
    var unread: String { ui?.away.summary.map { " · " + $0 } ?? "" }
}
