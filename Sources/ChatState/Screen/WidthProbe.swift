/// Asks the terminal at start how it draws what terminals disagree on, and turns its answers
/// into a `WidthTable`. Pure: the front end writes `request`, hands over every `TerminalReport`
/// the key decoder finds, and calls `expire()` when its deadline passes.
///
/// One write asks everything, so the answers take one round trip:
/// 1. DECRQM for mode 2027 (grapheme clustering). A terminal that has it (set, or settable:
///    the front end then sets it) draws by Unicode's clusters, which is the standard table,
///    and its cursor reports are not needed.
/// 2. For each sample, move to the top-left corner, write the sample and ask for the cursor
///    position (CPR): its column minus one is how wide the terminal drew the sample.
/// 3. DA1, which every terminal answers, in order: once it is answered, nothing asked before
///    it will be (a terminal without CPR, or one that ignores DECRQM, as tmux 3.3a does).
/// The samples are drawn on the alternate screen before the first frame, which clears it.
public struct WidthProbe: Sendable {
    /// A terminal that answers nothing in this time gets the standard table.
    public static let deadlineMillis = 500

    public static let clusteringMode = 2027

    /// One text of a kind terminals disagree on.
    public struct Sample: Sendable {
        public let kind: WidthTable.Kind
        public let text: Character
    }

    public static let samples: [Sample] = [
        Sample(kind: .emojiModifier, text: "\u{1F44D}\u{1F3FD}"),
        Sample(kind: .zwjSequence, text: "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"),
        Sample(kind: .vs16, text: "\u{2764}\u{FE0F}"),
        Sample(kind: .flag, text: "\u{1F1EB}\u{1F1F7}"),
        Sample(kind: .wide, text: "\u{6F22}"),
        Sample(kind: .combining, text: "e\u{0301}"),
    ]

    /// What the front end writes to ask.
    public static let request: [UInt8] = {
        var s = "\u{1b}[?\(clusteringMode)$p"
        for sample in samples { s += "\u{1b}[1;1H" + String(sample.text) + "\u{1b}[6n" }
        s += "\u{1b}[c"
        return Array(s.utf8)
    }()

    /// Turns grapheme clustering on, and back off on leaving.
    public static let enableClustering = Array("\u{1b}[?\(clusteringMode)h".utf8)
    public static let disableClustering = Array("\u{1b}[?\(clusteringMode)l".utf8)

    public struct Result: Equatable, Sendable {
        public var widths: WidthTable
        /// The terminal can cluster graphemes but does not yet: the front end sets mode 2027.
        public var setsClustering: Bool
    }

    /// The columns each sample took, in the order asked.
    private var columns: [Int] = []
    private var clustering: Int?
    public private(set) var result: Result?

    public init() {}

    public var isDone: Bool { result != nil }

    /// One answer. Answers after the probe is done (late ones, or CPRs a clustering terminal
    /// was asked for anyway) change nothing.
    public mutating func take(_ report: TerminalReport) {
        guard result == nil else { return }
        switch report {
        case .mode(Self.clusteringMode, let value):
            clustering = value
            if [1, 2, 3].contains(value) { result = Result(widths: .standard, setsClustering: value == 2) }
        case .mode:
            break
        case .cursor(_, let col):
            columns.append(max(0, col - 1))
            if columns.count == Self.samples.count { finish() }
        case .deviceAttributes:
            finish()
        }
    }

    /// The deadline passed: what was measured counts, the rest is standard.
    public mutating func expire() {
        if result == nil { finish() }
    }

    private mutating func finish() {
        var table = WidthTable.standard
        for (sample, measured) in zip(Self.samples, columns) {
            table[sample.kind] = WidthTable.rule(for: sample.text, columns: measured)
        }
        result = Result(widths: table, setsClustering: false)
    }
}
