import ChatState
import Glibc

extension Runtime {
    func perform(_ effect: Effect) {
        switch effect {
        case let .send(to, bytes):
            // One chunk for every recipient: a broadcast is never copied per connection.
            let chunk = Chunk(bytes.array)
            for id in to {
                let index = Int(id.raw & 0xFFFF_FFFF)
                guard index < slots.count, let slot = slots[index] else { continue }
                slot._withUnsafeGuaranteedRef { c in
                    guard c.id == id, !c.closing else { return }
                    c.output.append(chunk)
                    markDirty(c)
                }
            }
        case let .close(conn, _):
            // The core has already forgotten the connection (and logged why): write what is
            // queued, then close, and report nothing back.
            if let c = connections[conn.raw] { beginClose(c, linger: true) }
        case let .setTimer(id, millis):
            timers.set(.core(id), at: now + Int64(millis))
        case let .cancelTimer(id):
            timers.cancel(.core(id))
        case let .print(line):
            Sys.writeAll(1, line + "\n")
        case let .log(line):
            // With a UI the screen is the user's; the log would scribble over it.
            if frontend == nil { log(line) }
        case let .quit(code, message):
            beginQuit(code: code, message: message)
        }
    }
}
