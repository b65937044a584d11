import ChatState
import Glibc

/// The terminal's side of the local user's input, and nothing else: the front end's descriptor
/// watched and read, its bytes turned into events by the front end, and when the lone-Escape
/// timer must fire. It decides; the runtime dispatches the events and keeps the timer.
struct TerminalInput {
    let frontend: any Frontend

    /// What one read of the terminal gave.
    enum Read {
        /// The events the bytes made, in order, and when the escape timer must fire: a lone
        /// Escape may still be the start of a sequence (nil: no Escape waits, cancel the timer).
        case events([Event], escapeDueAt: Int64?)
        /// Nothing to read after all (a wake-up that another read already took).
        case nothing
        /// The terminal went away: nobody is left to type.
        case ended
    }

    /// Watches the front end's descriptor, if it has one.
    func watch(in os: some OperatingSystem) {
        if let fd = frontend.inputDescriptor { try? os.add(fd, .frontend, .readOnly) }
    }

    /// Reads what the terminal sent; once it has ended, its descriptor is no longer watched.
    func read(into buffer: UnsafeMutableRawBufferPointer, in os: some OperatingSystem, now: Int64) -> Read {
        guard let fd = frontend.inputDescriptor else { return .nothing }
        let n = os.read(fd, into: buffer)
        if n > 0 {
            let events = frontend.events(from: UnsafeRawBufferPointer(start: buffer.baseAddress, count: n))
            return .events(events, escapeDueAt: frontend.escapePending ? now + Int64(TerminalFrontend.escapeTimeoutMillis) : nil)
        }
        if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return .nothing }
        os.remove(fd)
        return .ended
    }
}
