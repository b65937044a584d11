/// How a session ends: once asked to quit it takes no more steps, and every connection gets
/// its queued output and a close, within a wait that ends when all are done or when none has
/// taken a byte for `flushMillis` (a slow but moving peer still gets all of its output).
/// Every decision takes the time as a parameter, so the rules are tested without waiting.
struct QuitProtocol {
    let flushMillis: Int64
    /// The exit code and last words, once quitting.
    private(set) var request: (code: Int32, message: String?)?
    /// While quitting: pushed back whenever some output is written.
    private(set) var deadline: Int64 = 0

    init(flushMillis: Int64) { self.flushMillis = flushMillis }

    var isQuitting: Bool { request != nil }

    /// Starts quitting; false if already quitting (the first request wins).
    mutating func begin(code: Int32, message: String?, now: Int64) -> Bool {
        guard request == nil else { return false }
        request = (code, message)
        deadline = now + flushMillis
        return true
    }

    /// Some connection took output: the wait goes on.
    mutating func outputProgressed(now: Int64) {
        if request != nil { deadline = now + flushMillis }
    }

    /// Whether the session is over, with `openConnections` still open at `now`.
    func isOver(openConnections: Int, now: Int64) -> Bool {
        request != nil && (openConnections == 0 || now >= deadline)
    }
}
