import ChatState
import Glibc

extension Runtime {
    /// Performs one step's effects in order. Sends in a row to the same recipients (a burst of
    /// chats read at once from one member) are queued as one chunk: each recipient takes one
    /// reference for the whole burst instead of one per frame, which was most of a busy
    /// server's work. The recorded effects stay one per frame; only the queueing is batched.
    func perform(_ effects: [Effect]) {
        var run: (to: [ConnID], bytes: [UInt8])?
        for effect in effects {
            if case let .send(to, bytes) = effect {
                // The room hands a talking member's recipients over as the same array, so this
                // comparison is usually an identity check.
                if run?.to == to {
                    run!.bytes.append(contentsOf: bytes.array)
                    continue
                }
                if let r = run { queue(r.bytes, to: r.to) }
                run = (to, bytes.array)
                continue
            }
            if let r = run {
                queue(r.bytes, to: r.to)
                run = nil
            }
            perform(effect)
        }
        if let r = run { queue(r.bytes, to: r.to) }
    }

    /// One chunk for every recipient: a broadcast is never copied per connection.
    private func queue(_ bytes: [UInt8], to recipients: [ConnID]) {
        let chunk = Chunk(bytes)
        connections.forEachLive(recipients) { c in
            guard !c.closing else { return }
            c.output.append(chunk)
            markDirty(c)
        }
    }

    private func perform(_ effect: Effect) {
        switch effect {
        case let .send(to, bytes):
            queue(bytes.array, to: to)
        case let .close(conn, _):
            // The core has already forgotten the connection (and logged why): write what is
            // queued, then close, and report nothing back.
            if let c = connections[conn] { beginClose(c, linger: true) }
        case let .setTimer(id, millis):
            timers.set(.core(id), at: now + Int64(millis))
        case let .cancelTimer(id):
            timers.cancel(.core(id))
        case let .pauseReading(conn), let .resumeReading(conn):
            guard let c = connections[conn] else { return }
            if case .pauseReading = effect { c.readPaused = true } else { c.readPaused = false }
            updateInterest(c)
        case let .print(line):
            output(.standardOutput).append(line)
        case let .log(line):
            // With a UI the screen is the user's; the log would scribble over it.
            if frontend == nil { log(line) }
        case let .quit(code, message):
            beginQuit(code: code, message: message)
        case .connect:
            redialServer()
        case let .store(entries):
            roomLogKeeper?.append(entries)
        case let .queryHistory(query):
            pendingQueries.append(query)
        case let .remember(text):
            inputHistory?.append(text)
        case let .alert(title, body):
            frontend?.alert(title: title, body: body)
        case let .keepModeration(change):
            keepModeration(change)
        }
    }
}
