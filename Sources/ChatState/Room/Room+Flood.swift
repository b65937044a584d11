/// Flood control: each member has a token bucket (`AppConfig.chatBurst`, then
/// `AppConfig.chatRate` chats a second, like ergo's fakelag). A chat that finds the bucket
/// empty is not dropped: it and every frame after it are held, in order, the interpreter is
/// told to stop reading the connection, and a timer lets them go as tokens return. So a paste
/// arrives whole and in order, only slower, and what the sender sends meanwhile waits in the
/// kernel (its TCP window fills, its writes block): never a ban, never a lost line.
extension Room {
    /// nil: a token was taken (or there is no rate). Otherwise the milliseconds until one.
    mutating func takeChatToken(_ conn: ConnID) -> Int64? {
        guard config.chatRate > 0 else { return nil }
        let time = now
        return withConnection(conn, { $0.bucket?.take(at: time) }) ?? nil
    }

    /// Keeps `frames` until the sender has a token again; the first of them is the chat that
    /// found none.
    mutating func hold(_ frames: ArraySlice<RawFrame>, from conn: ConnID, wait: Int64, _ out: inout StepOutput) {
        guard var c = connections[conn] else { return }
        c.held = frames
        if !c.paused {
            c.paused = true
            out.effects.append(.pauseReading(conn: conn))
        }
        connections[conn] = c
        out.effects.append(.setTimer(.floodRelease(conn), millis: Int(clamping: max(1, wait))))
    }

    /// The release timer: act on the held frames as far as the tokens go.
    mutating func releaseHeld(_ conn: ConnID, _ out: inout StepOutput) {
        guard var c = connections[conn], c.paused else { return }
        let frames = c.held
        c.held = []
        connections[conn] = c
        process(frames, from: conn, &out)
    }

    /// Nothing is held any more: the interpreter may read the connection again.
    mutating func resume(_ conn: ConnID, _ out: inout StepOutput) {
        connections[conn]?.paused = false
        out.effects.append(.resumeReading(conn: conn))
    }

    /// Frames held for a member over its chat rate (none when it is not).
    public func heldFrames(of conn: ConnID) -> ArraySlice<RawFrame> { connections[conn]?.held ?? [] }
    public func isPaused(_ conn: ConnID) -> Bool { connections[conn]?.paused ?? false }
}
