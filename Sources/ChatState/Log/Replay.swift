/// Re-runs a recorded session through the pure core. Because the core is deterministic, the
/// same events must give the same effects; the first step where they do not is reported.
public enum Replay {
    public struct Divergence: Equatable, Sendable {
        public var step: Int
        public var event: Event
        public var expected: [Effect]
        public var actual: [Effect]
    }

    /// A line the user was shown, and the step that showed it.
    public struct TranscriptLine: Equatable, Sendable {
        public var step: Int
        public var line: DisplayLine
    }

    public struct Result: Sendable {
        public var header: EventLog.Header?
        /// The state after the last step replayed.
        public var app: ChatApp?
        public var stepsReplayed = 0
        public var transcript: [TranscriptLine] = []
        /// The first step whose effects differ from the recorded ones.
        public var divergence: Divergence?
        /// Where reading stopped because the log was truncated or corrupted.
        public var damage: EventLog.Damage?

        public var isFaithful: Bool { divergence == nil && damage == nil && header != nil }
    }

    /// Replays a whole log text. It goes on past a divergence (to show the rest of the
    /// transcript) only when `stopAtDivergence` is false, and always stops at damage.
    /// With `through`, replay stops after that step (to look at the state, or the screen, then).
    public static func run(_ text: String, stopAtDivergence: Bool = true, through lastStep: Int? = nil,
                           eachStep: ((Int, ChatApp) -> Void)? = nil) -> Result {
        var result = Result()
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // A final newline leaves one empty piece; a missing one leaves a truncated last line.
        if lines.last == "" { lines.removeLast() }
        guard let first = lines.first else {
            result.damage = EventLog.Damage(line: 1, reason: "empty log: no header")
            return result
        }
        do {
            result.header = try EventLog.header(first)
        } catch {
            result.damage = error
            return result
        }
        var app = ChatApp(config: result.header!.config)
        var expectedStep = 1
        for (index, text) in lines.enumerated().dropFirst() {
            let step: EventLog.Step
            do {
                step = try EventLog.step(text, lineNumber: index + 1)
            } catch {
                result.damage = error
                break
            }
            guard step.step == expectedStep else {
                result.damage = EventLog.Damage(line: index + 1, reason: "step \(step.step) where step \(expectedStep) was expected")
                break
            }
            let (effects, shown) = app.step(step.event)
            result.stepsReplayed = step.step
            result.transcript += shown.map { TranscriptLine(step: step.step, line: $0) }
            eachStep?(step.step, app)
            if effects != step.effects, result.divergence == nil {
                result.divergence = Divergence(step: step.step, event: step.event, expected: step.effects, actual: effects)
                if stopAtDivergence { break }
            }
            expectedStep += 1
            if let lastStep, step.step >= lastStep { break }
        }
        result.app = app
        return result
    }
}
