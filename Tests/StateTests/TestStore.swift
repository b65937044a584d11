import Testing
import ChatState

/// Exhaustive reducer testing in the style of TCA's TestStore: every step states the exact
/// effects and the exact lines shown, and a test fails on anything it did not expect.
struct TestStore {
    var app: ChatApp

    init(_ config: AppConfig) { app = ChatApp(config: config) }

    mutating func send(
        _ event: Event, _ effects: [Effect], shows lines: [DisplayLine] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let (gotEffects, gotLines) = app.step(event)
        #expect(gotEffects == effects, sourceLocation: sourceLocation)
        #expect(gotLines == lines, sourceLocation: sourceLocation)
    }

    var room: Room { app.room! }
    var session: ClientSession { app.session! }
}

extension Effect {
    static func send(_ m: Message, to conns: ConnID...) -> Effect { .send(to: conns, bytes: Fix.frame(m)) }
}
