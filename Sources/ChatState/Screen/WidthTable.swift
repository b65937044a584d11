/// How this terminal draws the graphemes terminals disagree on, as measured at start
/// (`WidthProbe`); the standard table is `TerminalWidth`'s, which is what a terminal that
/// clusters graphemes by Unicode (DEC mode 2027) draws.
///
/// The disagreements come in kinds, one sample of each is measured, and each kind gets a rule
/// for every grapheme of it: drawn as one cluster (the standard), drawn as the terminal's
/// pieces (each scalar with the zero-width ones after it: tmux 3.3a draws `👍🏽` as `👍` and
/// `🏽`, 4 columns, and `❤️` as a 1-column `❤`), drawn as one cell of another width, or, when
/// the terminal's answer fits none of these, not drawn at all but shown as a marker whose width
/// every terminal agrees on. Either way the screen model counts exactly the columns the
/// terminal will advance, so no edit or scroll leaves a stale cell.
public struct WidthTable: Equatable, Codable, Sendable {
    public enum Kind: String, CaseIterable, Codable, Sendable {
        /// An emoji with a skin tone (U+1F3FB–U+1F3FF): `👍🏽`.
        case emojiModifier
        /// Emoji joined by U+200D: `👨‍👩‍👧`.
        case zwjSequence
        /// A text-default base made emoji by U+FE0F: `❤️`.
        case vs16
        /// Two regional indicators: `🇫🇷`.
        case flag
        /// One East Asian wide character that is not an emoji: `漢`.
        case wide
        /// A base and combining marks: `é` as `e` + U+0301.
        case combining
    }

    public enum Rule: Equatable, Codable, Sendable {
        /// Each scalar by itself, zero-width scalars riding on the one before.
        case pieces
        /// One cell this many columns wide (1 or 2).
        case cell(width: Int)
        /// The terminal's width fits no cell: draw a marker instead (see `ScreenText`).
        case marker
    }

    /// nil: the standard width. One property per kind (not a dictionary), so that the event
    /// log writes the table the same way every time.
    public var emojiModifier: Rule?
    public var zwjSequence: Rule?
    public var vs16: Rule?
    public var flag: Rule?
    public var wide: Rule?
    public var combining: Rule?

    public static let standard = WidthTable()

    public init() {}

    public subscript(kind: Kind) -> Rule? {
        get {
            switch kind {
            case .emojiModifier: emojiModifier
            case .zwjSequence: zwjSequence
            case .vs16: vs16
            case .flag: flag
            case .wide: wide
            case .combining: combining
            }
        }
        set {
            switch kind {
            case .emojiModifier: emojiModifier = newValue
            case .zwjSequence: zwjSequence = newValue
            case .vs16: vs16 = newValue
            case .flag: flag = newValue
            case .wide: wide = newValue
            case .combining: combining = newValue
            }
        }
    }

    /// The rule that draws `sample` in exactly `columns` columns: nil when the standard width
    /// already does. Pieces are preferred to a cell of another width, since they hold for every
    /// grapheme of the kind, not only for ones as long as the sample.
    public static func rule(for sample: Character, columns: Int) -> Rule? {
        if columns == TerminalWidth.of(sample) { return nil }
        if columns == pieces(of: sample).reduce(0, { $0 + $1.width }) { return .pieces }
        if (1...2).contains(columns) { return .cell(width: columns) }
        return .marker
    }

    /// The rule for `c`: nil for a grapheme of no kind, or of a kind drawn as standard.
    func rule(for c: Character) -> Rule? {
        self == .standard ? nil : Self.kind(of: c).flatMap { self[$0] }
    }

    /// Which disagreement `c` is subject to, if any; a grapheme of several (a family with skin
    /// tones) counts as the first that applies in this order.
    static func kind(of c: Character) -> Kind? {
        let scalars = c.unicodeScalars
        guard let first = scalars.first else { return nil }
        var count = 0
        var joined = false, toned = false, presented = false, marked = false
        for s in scalars {
            count += 1
            switch s.value {
            case 0x200D: joined = true
            case 0x1F3FB...0x1F3FF: toned = count > 1
            case 0xFE0F: presented = true
            default: if count > 1, CharacterClass.isZeroWidth(s) { marked = true }
            }
        }
        if joined { return .zwjSequence }
        if toned { return .emojiModifier }
        if (0x1F1E6...0x1F1FF).contains(first.value) { return count == 2 ? .flag : nil }
        if presented { return TerminalWidth.isWide(first.value) ? nil : .vs16 }
        if TerminalWidth.isWide(first.value) { return count == 1 && !CharacterClass.isEmoji(first) ? .wide : nil }
        return marked ? .combining : nil
    }

    /// `c` as a terminal draws it when it does not cluster: each scalar with a column width of
    /// its own starts a piece, and the zero-width ones (joiners, selectors, marks) stay with it.
    static func pieces(of c: Character) -> [(text: String, width: Int)] {
        var out: [(text: String, width: Int)] = []
        for s in c.unicodeScalars {
            let alone = Character(s)
            let w = TerminalWidth.of(alone)
            if w == 0, !out.isEmpty {
                out[out.count - 1].text.unicodeScalars.append(s)
            } else {
                out.append((String(alone), w))
            }
        }
        return out
    }
}
