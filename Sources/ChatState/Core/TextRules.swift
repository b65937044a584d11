/// The room's rules for names and chat texts, in one place for server and client.
public enum TextRules {
    public static let anonymous = "Anonymous"

    /// A name as the room stores it: invisible characters removed, trimmed, each character cut
    /// to `Limits.maxClusterScalars` code points, at most `Limits.maxNameLength` characters and
    /// `Limits.maxNameBytes` bytes on the wire, `Anonymous` when nothing is left.
    public static func cleanName(_ raw: String) -> String {
        asciiCleanName(raw) ?? generalCleanName(raw)
    }

    /// `cleanName` the general way, a Character at a time: the reference `asciiCleanName` is held to.
    static func generalCleanName(_ raw: String) -> String {
        let visible = hasInvisible(raw) ? withoutInvisibles(raw) : raw
        // One walk over the characters of what may be a 64 KiB name: leading white space is
        // skipped as it is fitted, and only the fitted name is trimmed at its end.
        let name = fitted(visible, characters: Limits.maxNameLength, bytes: Limits.maxNameBytes,
                          skippingLeadingSpace: true).trimmed()
        return name.isEmpty ? anonymous : name
    }

    /// `cleanName` of a name of printable ASCII (nil for any other), from its bytes: each byte is
    /// a Character, none invisible, and the only white space is the space, so the name is its
    /// bytes after the leading spaces, as many as the limits let through, without trailing ones.
    static func asciiCleanName(_ raw: String) -> String? {
        var raw = raw
        return raw.withUTF8 { u -> String? in
            guard u.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
            var start = 0
            while start < u.count, u[start] == 0x20 { start += 1 }
            var end = start, count = 0, size = 0
            while end < u.count, count < Limits.maxNameLength {
                size += u[end] == 0x22 || u[end] == 0x5C ? 2 : 1
                guard size <= Limits.maxNameBytes else { break }
                count += 1
                end += 1
            }
            while end > start, u[end - 1] == 0x20 { end -= 1 }
            return end == start ? anonymous : String(decoding: UnsafeBufferPointer(rebasing: u[start..<end]), as: UTF8.self)
        }
    }

    /// Whether some code point of a name is invisible in it (`isInvisibleInName`). Most names
    /// have none (printable ASCII, an accented or CJK name, one of 30 000 accents): looked at a
    /// scalar at a time, but not rebuilt one at a time.
    static func hasInvisible(_ raw: String) -> Bool {
        !raw.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) && raw.unicodeScalars.contains(where: CharacterClass.isInvisibleInName)
    }

    /// The name without its invisible code points, rebuilt a scalar at a time.
    static func withoutInvisibles(_ raw: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: raw.unicodeScalars.filter { !CharacterClass.isInvisibleInName($0) })
        return String(scalars)
    }

    /// The longest prefix of `s` with at most `characters` characters and `bytes` bytes on
    /// the wire, cut between characters, each character cut to `Limits.maxClusterScalars`
    /// code points. One pass, whatever the clusters are made of.
    static func fitted(_ s: String, characters: Int, bytes: Int, skippingLeadingSpace: Bool = false) -> String {
        var out = String.UnicodeScalarView()
        var count = 0, size = 0
        for character in s {
            guard count < characters else { break }
            if skippingLeadingSpace, count == 0, character.isWhitespace { continue }
            let kept = character.unicodeScalars.prefix(Limits.maxClusterScalars)
            let cost = kept.reduce(0) { $0 + JSONWriter.encodedLength($1) }
            guard size + cost <= bytes else { break }
            out.append(contentsOf: kept)
            count += 1
            size += cost
        }
        return String(out)
    }

    /// The keys under which a name collides with another: its UTS #39 skeleton (so `аlice` with
    /// a Cyrillic а, `alice` and `aIice` with a capital I meet), lowercased, taken of the name as
    /// it is and lowercased, since case folding and the skeleton do not commute (`ALICE` and
    /// `aIice`). Two names collide when they share a key; `alice` and `ALICE` always do.
    public static func nameKeys(_ name: String) -> [String] {
        let asIs = skeleton(name).lowercased()
        let folded = skeleton(name.lowercased()).lowercased()
        return asIs == folded ? [asIs] : [asIs, folded]
    }

    /// The UTS #39 skeleton of `s` for the common scripts (see `skeletons`): each code point
    /// replaced by its prototype. Normalisation is left to String's canonical equivalence.
    static func skeleton(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            if let mapped = skeletons[scalar.value] {
                out.append(contentsOf: mapped.unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// A chat text as it is relayed: control characters other than newline and tab removed.
    public static func cleanText(_ raw: String) -> String {
        // Most texts hold no control character and stay as they are: one look at the bytes.
        hasControl(raw) ? withoutControlBytes(raw) : raw
    }

    /// Whether some UTF-8 byte of `raw` may be a control `cleanText` removes: a C0 control
    /// other than tab and newline, DEL, or C2, the lead byte of the C1 controls (U+0080-U+009F).
    static func hasControl(_ raw: String) -> Bool {
        var raw = raw
        return raw.withUTF8 { bytes in
            bytes.contains { b in (b < 0x20 && b != 0x0A && b != 0x09) || b == 0x7F || b == 0xC2 }
        }
    }

    /// `cleanText`'s removal over the UTF-8 bytes (what a text with an escape sequence in it
    /// costs): the same scalars as `withoutControls`, without an array of scalars appended one
    /// at a time. In valid UTF-8 a byte below 80 is an ASCII scalar, and C2 followed by 80-9F
    /// is a C1 control, so whole scalars are dropped and the rest stays valid.
    static func withoutControlBytes(_ raw: String) -> String {
        var raw = raw
        return raw.withUTF8 { bytes in
            var kept: [UInt8] = []
            kept.reserveCapacity(bytes.count)
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                if b == 0xC2, i + 1 < bytes.count, bytes[i + 1] < 0xA0 {
                    i += 2
                    continue
                }
                if (b >= 0x20 || b == 0x0A || b == 0x09) && b != 0x7F { kept.append(b) }
                i += 1
            }
            return String(decoding: kept, as: UTF8.self)
        }
    }

    /// `cleanText`'s removal, a scalar at a time: the general code `withoutControlBytes` is held to.
    static func withoutControls(_ raw: String) -> String {
        var scalars = String.UnicodeScalarView()
        // The control characters (category Cc) are exactly C0, DEL and C1.
        scalars.append(contentsOf: raw.unicodeScalars.filter { s in
            s.value == 0x0A || s.value == 0x09 || !(s.value < 0x20 || (0x7F...0x9F).contains(s.value))
        })
        return String(scalars)
    }

    /// Whether a cleaned text says nothing at all (empty or only white space): not relayed.
    public static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
    }

    /// A text's length in characters, as its limit counts them: a character (grapheme cluster)
    /// of more than `Limits.maxClusterScalars` code points counts one per code point, so a
    /// single "a" with 1000 accents is 1001 characters, not one.
    public static func length(_ text: String) -> Int {
        if let n = scalarsAreCharacters(text) { return n }
        return segmentedLength(text)
    }

    /// `length` a Character at a time: any text.
    static func characterLength(_ text: String) -> Int {
        var n = 0
        for character in text {
            let scalars = character.unicodeScalars.count
            n += scalars > Limits.maxClusterScalars ? scalars : 1
        }
        return n
    }

    /// `characterLength`, with Characters found only where they may hold more than one scalar
    /// (4095 letters typed after an accent cost no grapheme breaking). Two scalars below U+0300
    /// (where the combining marks begin) are always two Characters but for CR LF: below U+0300
    /// nothing extends a cluster, joins one (ZWJ), is a regional indicator, a Hangul jamo or a
    /// prefix (Prepend). So the text is cut between any two such scalars, and only the pieces of
    /// more than one scalar are broken into Characters.
    static func segmentedLength(_ text: String) -> Int {
        var text = text
        return text.withUTF8 { bytes in
            var n = 0, start = 0, scalars = 0
            var previousSimple = false, previousCR = false
            func countPiece(endingAt end: Int) {
                // One scalar is one Character; more are broken into Characters.
                n += scalars <= 1 ? scalars
                    : characterLength(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
            }
            for i in bytes.indices where bytes[i] & 0xC0 != 0x80 {
                // A lead byte below CC begins a scalar below U+0300.
                let simple = bytes[i] < 0xCC
                if previousSimple, simple, !(previousCR && bytes[i] == 0x0A) {
                    countPiece(endingAt: i)
                    start = i
                    scalars = 0
                }
                scalars += 1
                previousSimple = simple
                previousCR = bytes[i] == 0x0D
            }
            countPiece(endingAt: bytes.count)
            return n
        }
    }

    /// The number of scalars, when each is a Character of its own: every scalar below U+0300
    /// (where combining marks begin; below it no scalar extends a cluster) and no CR (which
    /// joins a following LF). Nil otherwise. One look at the bytes, no grapheme breaking.
    static func scalarsAreCharacters(_ text: String) -> Int? {
        var text = text
        return text.withUTF8 { bytes -> Int? in
            var n = 0
            for b in bytes {
                // Lead bytes from CC up begin U+0300 and above.
                if b == 0x0D || b >= 0xCC { return nil }
                if b & 0xC0 != 0x80 { n += 1 }
            }
            return n
        }
    }

    /// Why a cleaned text may not be sent; nil when it may. A text is refused when it has
    /// more than `Limits.maxTextLength` characters or takes more than `Limits.maxTextBytes`
    /// bytes on the wire, so that its frame always fits.
    public static func refusal(_ text: String) -> TextRefusal? {
        // Each byte of UTF-8 is at most one character and six bytes on the wire.
        if text.utf8.count <= Limits.maxTextLength { return nil }
        // A character counts one or its code points, so a text has at most as many characters
        // as code points: only past the limit in code points are its characters counted (a
        // text of 4999 letters and an emoji is not broken into 5000 clusters to find it fits).
        if text.unicodeScalars.count > Limits.maxTextLength {
            let n = length(text)
            if n > Limits.maxTextLength { return .tooLong(characters: n) }
        }
        let bytes = JSONWriter.encodedLength(text)
        if bytes > Limits.maxTextBytes { return .tooBig(bytes: bytes) }
        return nil
    }

    /// The notice a sender gets for a text over the limit.
    public static func tooLongNotice(length: Int) -> String {
        TextRefusal.tooLong(characters: length).notice
    }
}

/// A text refused for its size, which its sender is told.
public enum TextRefusal: Equatable, Sendable {
    case tooLong(characters: Int)
    case tooBig(bytes: Int)

    public var notice: String {
        switch self {
        case let .tooLong(n): return "Message not sent: it has \(n) characters, the limit is \(Limits.maxTextLength)."
        case let .tooBig(n): return "Message not sent: it takes \(n) bytes to send, the limit is \(Limits.maxTextBytes)."
        }
    }

    /// Its size as the server's log line says it: "5000-character", "72000-byte".
    var size: String {
        switch self {
        case let .tooLong(n): return "\(n)-character"
        case let .tooBig(n): return "\(n)-byte"
        }
    }
}

extension String {
    func trimmed() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
