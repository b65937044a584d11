/// Every input of the core. The interpreter stamps nothing into the state but what is here:
/// connection ids and uids are chosen by it and arrive in events, and time only as timers and
/// `time` events.
public enum Event: Equatable, Codable, Sendable {
    /// The interpreter's clock moved: sent at the start of a loop turn whose time differs from
    /// the last one told, so every event after it happened at this time (to the millisecond).
    case time(Instant)

    // Server side.
    /// The server listens on this address (the real port when 0 was asked for).
    case listening(host: String, port: Int)
    /// A connection was accepted; `uid` will be its user's uid if it joins. `address` is the
    /// peer's IP address, counted against the per-address limits (nil: not counted).
    case accepted(conn: ConnID, uid: UID, remote: String, address: String? = nil)
    /// What the room log holds, loaded before the server listens: the room's next sequence
    /// number and its latest entries, oldest first (so joins are answered from memory). A server
    /// without a log (`--ephemeral`) sends none, and the room starts at sequence 1. One for each
    /// room the log has; `topic`: the room's latest topic entry, however old (nil: never set).
    case restored(room: String, nextSeq: Int64, latest: [RoomEntry], topic: RoomEntry? = nil)
    /// The room log's identity, chosen by the interpreter at start: a log on disk keeps its own
    /// (the same across restarts, its numbers going on); a server without one (`--ephemeral`)
    /// draws a new one each start, since its numbers start again from 1. A resuming client
    /// that saw another log is sent the latest entries, not those "after" a number of another log.
    case logIdentity(String)
    /// The log's answer to an `Effect.queryHistory`, matched to it by `HistoryAnswer.id`.
    case historyAnswered(HistoryAnswer)
    /// A TLS connection's client certificate (its SHA-256 fingerprint, lowercase hex), once its
    /// handshake is done and before any of its frames.
    case identified(conn: ConnID, fingerprint: String)
    /// The names certificates hold, the ops and the bans, loaded before the server listens.
    case restoredModeration(ModerationRecords)
    /// The room log stopped recording (a full disk, an I/O error: the room goes on without it)
    /// or records again; `detail` says why, or how many entries it missed.
    case roomLogRecording(Bool, detail: String)

    // Client side.
    /// The connection to the server is established (TLS included, if any).
    case connected(conn: ConnID, remote: String)
    /// An `Effect.connect` did not reach the server (refused, unreachable, TLS refused).
    case dialFailed(reason: String)

    // Both.
    case received(conn: ConnID, bytes: Bytes)
    /// The peer closed, or the connection failed; `reason` says which.
    case disconnected(conn: ConnID, reason: String)
    case timer(TimerID)

    // The local user.
    case key(Key)
    case resize(cols: Int, rows: Int)
    /// One line of standard input in headless mode: a message to send.
    case inputLine(String)
    /// Standard input ended (headless mode).
    case inputClosed
    /// What the user sent to this server in earlier runs, oldest first (the interpreter keeps
    /// them in the state folder): for Up and Ctrl-R in the input.
    case recalled([String])
    /// How the terminal draws what terminals disagree on, as the interpreter measured it at
    /// start (`WidthProbe`): the screen is drawn with these widths from now on.
    case terminalWidths(WidthTable)
}

/// Every output of the core: what the interpreter must do.
public enum Effect: Equatable, Codable, Sendable {
    /// Write these bytes (whole frames) to each connection, in order.
    case send(to: [ConnID], bytes: Bytes)
    /// Close the connection (after writing what was already queued for it).
    case close(conn: ConnID, reason: String)
    case setTimer(TimerID, millis: Int)
    case cancelTimer(TimerID)
    /// Stop reading this connection (its sender is over its chat rate) until `resumeReading`:
    /// what the peer sends meanwhile waits in the kernel.
    case pauseReading(conn: ConnID)
    case resumeReading(conn: ConnID)
    /// A transcript line for standard output (headless client).
    case print(String)
    /// A diagnostic line for the log (headless server: standard error).
    case log(String)
    /// Append these entries to the room log. The interpreter commits once per loop turn, before
    /// any socket write of that turn: a chat is sent to anyone only once it is on disk.
    case store([RoomEntry])
    /// Ask the room log; the answer comes back as `Event.historyAnswered` with the same id.
    case queryHistory(HistoryQuery)
    /// Dial the server again (a client that lost it): answered by `Event.connected` or
    /// `Event.dialFailed`, with a new TLS handshake when on TLS.
    case connect
    /// Ring the terminal's bell and, where the terminal can, post a desktop notification: a line
    /// named the user while the terminal was not focused. Both texts are already cleaned for an
    /// OSC string (see `Mention.notificationText`).
    case alert(title: String, body: String)
    /// Keep this text among what the user sent to this server, for later runs (`Event.recalled`).
    case remember(String)
    /// Keep this change to names held, ops or bans in the database (see `ModerationRecords`).
    case keepModeration(ModerationChange)
    /// End the process once every connection's output has been written.
    case quit(code: Int32, message: String?)
}

/// A moment on the interpreter's clocks. `monotonicMillis` is what the core counts with (rates,
/// throttles); `wallMillis` (Unix time) is carried for what will show dates, never for counting.
public struct Instant: Equatable, Codable, Sendable {
    public var monotonicMillis: Int64
    public var wallMillis: Int64?
    /// The local time zone's offset from UTC then, in seconds east: the screen shows times in
    /// it (the core has no zone of its own).
    public var utcOffsetSeconds: Int?

    public init(monotonicMillis: Int64, wallMillis: Int64? = nil, utcOffsetSeconds: Int? = nil) {
        self.monotonicMillis = monotonicMillis
        self.wallMillis = wallMillis
        self.utcOffsetSeconds = utcOffsetSeconds
    }
}
