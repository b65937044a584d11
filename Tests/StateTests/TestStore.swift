import Testing
import ChatState

/// Exhaustive reducer testing in the style of TCA's TestStore: every step states the exact
/// effects and the exact lines shown, and a test fails on anything it did not expect.
///
/// The room log's `store` effects are stated only by the tests about it (`storing: true`, as
/// HistoryTests does); every other effect, always.
struct TestStore {
    var app: ChatApp
    let storing: Bool

    init(_ config: AppConfig, storing: Bool = false) {
        app = ChatApp(config: config)
        self.storing = storing
    }

    mutating func send(
        _ event: Event, _ effects: [Effect], shows lines: [DisplayLine] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        var (gotEffects, gotLines) = app.step(event)
        if !storing { gotEffects.removeAll { if case .store = $0 { true } else { false } } }
        #expect(gotEffects == effects, sourceLocation: sourceLocation)
        #expect(gotLines == lines, sourceLocation: sourceLocation)
    }

    /// One step's effects, as `send` compares them.
    mutating func reduce(_ event: Event) -> [Effect] {
        var effects = app.reduce(event)
        if !storing { effects.removeAll { if case .store = $0 { true } else { false } } }
        return effects
    }

    var room: Room { app.room! }
    var session: ClientSession { app.session! }
}

extension Effect {
    static func send(_ m: Message, to conns: ConnID...) -> Effect { .send(to: conns, bytes: Fix.frame(m)) }
}
