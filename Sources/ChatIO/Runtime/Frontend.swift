import ChatState

/// Where a terminal UI plugs into the runtime. The runtime owns the loop; a front-end only
/// turns its input bytes into events and draws the app after each step. Headless sessions
/// run without one.
public protocol Frontend: AnyObject {
    /// The descriptor to watch for the user's input (the terminal), if any.
    var inputDescriptor: Int32? { get }
    /// Bytes read from `inputDescriptor`, as events (keys). Incomplete sequences stay with
    /// the front-end until more bytes arrive (the core's escape timer settles a lone Escape).
    func events(from bytes: UnsafeRawBufferPointer) -> [Event]
    /// True while a lone Escape byte could still be the start of a sequence: the runtime then
    /// calls `escapeTimeout` if nothing more arrives within `escapeTimeoutMillis`.
    var escapePending: Bool { get }
    func escapeTimeout() -> [Event]
    /// How long the runtime waits, from start, for the terminal to answer the front end's
    /// questions (see `WidthProbe`); nil: nothing asked. Then it calls `probeExpired`.
    var probeDeadlineMillis: Int? { get }
    func probeExpired() -> [Event]
    /// The terminal's size now; asked on SIGWINCH.
    func currentSize() -> TerminalSize?
    /// Draws the app; called after every step that may have changed it, and again once
    /// `screenOutput` has written what was waiting.
    func render(_ app: ChatApp)
    /// Where the drawing goes, if it may have to wait: the runtime flushes it whenever the
    /// descriptor is writable (see `Runtime+Output`).
    var screenOutput: NonBlockingOutput? { get }
    /// Puts the terminal back as it was; called once, before the process exits.
    func restore()
    /// The bell, and a desktop notification where the terminal can show one.
    func alert(title: String, body: String)
}

extension Frontend {
    public var screenOutput: NonBlockingOutput? { nil }
    public var probeDeadlineMillis: Int? { nil }
    public func probeExpired() -> [Event] { [] }
    public func alert(title: String, body: String) {}
}
