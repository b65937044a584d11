import ChatIO
import ChatState

/// What a seed asks of the runtime's rules beyond `Profile`, drawn from a stream of its own so
/// that every draw of the main stream, and so every seed's workload, is as it was: the frame
/// deadline, and whether readers hang under a flood (so stalls are common, not rare).
struct FlowProfile {
    var frameMillis: Int
    /// Now and then a client stops reading for good while the room floods it.
    var hangs: Bool

    static func draw(seed: UInt64) -> (FlowProfile, SimRandom) {
        var r = SimRandom(seed: seed ^ 0x5EED_F10E)
        let p = FlowProfile(frameMillis: r.pick([400, 2_000, RuntimeOptions.defaultFrameTimeoutMillis]), hangs: r.chance(1, in: 2))
        return (p, r)
    }
}

/// When the server began to read a connection's unfinished frame, and whether its deadline is
/// exactly known (no pause of reading since then: a pause stops the frame's clock).
struct FrameClock {
    var since: Int
    var exact: Bool
}

extension Simulator {
    /// A hung reader under a flood: a client stops reading for good (until the liveness phase)
    /// and the room says enough to fill its kernel buffers and the runtime's queue. Its random
    /// choices come from `side`, the flow profile's stream.
    func maybeHang() {
        guard flowProfile.hangs, side.chance(1, in: 40) else { return }
        let open = linkOrder.filter { links[$0]!.clientOpen && links[$0]!.serverOpen && links[$0]!.slowReader != 0 }
        guard !open.isEmpty else { return }
        let c = open[side.below(open.count)]
        links[c]!.slowReader = 0
        stats.hungReaders += 1
        if Self.printTrace { print("t=\(now) network: \(c) hangs, and the room floods it") }
        // A flood fills the kernel's buffers and the runtime's queue only where they are small:
        // elsewhere the reader just hangs (a flood of megabytes would cost more than the rest
        // of the run, and the liveness phase ends the hang either way).
        guard profile.network.maxQueuedBytes + profile.maxOutputBytes <= 48 * 1024 else { return }
        let line = Self.floodLine
        let speakers = live([.pychat, .original]).filter { clients[$0].conn != c }
        // The host's console is read only while sockets are (the runtime pauses both), so
        // its flood stops when reading pauses, as a typed line would wait.
        for k in 0..<16 where failure == nil && !runtime.isReadingPaused {
            if profile.hasHost {
                hostSays(line + "\(k)")
            } else if !speakers.isEmpty {
                say(speakers[side.below(speakers.count)], line + "\(k)")
            }
        }
    }

    /// Just under the longest chat (`Limits.maxTextLength`), so none is refused. Made once.
    static let floodLine = String(repeating: "a flood for a hung reader ", count: 150)

    /// After the server read a chunk of `c` (its mirror fed): a frame begins when bytes are
    /// held and none were, or when the chunk completed frames and left part of another.
    func noteServerRead(_ c: ConnID, completed: Int, buffered: Int) {
        if buffered == 0 {
            frameClocks[c] = nil
        } else if frameClocks[c] == nil || completed > 0 {
            frameClocks[c] = FrameClock(since: now, exact: !runtime.isReadingPaused)
        }
    }

    /// (11) A peer dropped for an unfinished frame began it a whole frame deadline ago (reading
    /// time counts, and a pause only stops the clock, so the simulated time since is at least
    /// that): never before.
    func checkFrameDrop(_ event: Event) {
        guard case let .disconnected(c, reason) = event else { return }
        defer { frameClocks[c] = nil }
        guard reason == frameReason else { return }
        stats.frameDeadlineDrops += 1
        guard let clock = frameClocks[c], now - clock.since >= flowProfile.frameMillis else {
            return fail(.frameDeadline, "\(c) was dropped for an unfinished frame "
                        + (frameClocks[c].map { "\(now - $0.since) ms after its first byte" } ?? "while it held no part of a frame")
                        + ", before the deadline of \(flowProfile.frameMillis) ms")
        }
    }

    /// (11), after every turn: a frame whose clock ran unpaused to its deadline has been
    /// dropped by that turn (the runtime fires what is due in every turn).
    func checkFrameDeadlines() {
        // No connection holds part of a frame (most turns): nothing can be late.
        guard !frameClocks.isEmpty else { return }
        if runtime.isReadingPaused {
            for c in frameClocks.keys { frameClocks[c]!.exact = false }
            return
        }
        for c in linkOrder {
            guard let clock = frameClocks[c], clock.exact, now - clock.since >= flowProfile.frameMillis,
                  links[c]!.serverOpen, runtime.pendingOutputBytes(c) != nil else { continue }
            return fail(.frameDeadline, "\(c) began a frame at t=\(clock.since) and has not finished it, "
                        + "\(now - clock.since) ms later, past the deadline of \(flowProfile.frameMillis) ms, and is still served")
        }
    }
}
