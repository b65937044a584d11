/// The pychat sign and extension frames (kind 0x02) on the server's side: a client that gave the
/// sign (`PeerSign`) is welcomed and then sent what it negotiated; an original client never gives
/// it, so it is never sent a frame outside the original protocol.
extension Room {
    /// A client's SystemMessage: the pychat sign, or a message no client should send.
    mutating func handleSystemMessage(_ text: String, from conn: ConnID, _ out: inout StepOutput) {
        switch PeerSign.read(text) {
        case .notASign:
            violation(conn, "SystemMessage is not for the server; ignored", &out)
        case let .malformed(why):
            violation(conn, "pychat sign: \(why)", &out)
        case let .sign(theirs):
            guard var c = connections[conn], c.common == nil else {
                violation(conn, "second pychat sign ignored", &out)
                return
            }
            let common = Capabilities.ours.common(with: theirs)
            c.common = common
            connections[conn] = c
            out.log("pychat peer \(conn): protocol \(common.version), features: \(common.featureList)")
            if c.wantsRoomSize { roomSizeListeners += 1 }
            // Nothing reaches a connection before it joins: a sign given first is answered then.
            guard c.member != nil else { return }
            welcome(conn, &out)
            if c.wantsRoomSize { sendRoomSize(to: [conn], &out) }
            if c.wantsHistory { beginHistory(conn, &out) }
        }
    }

    /// The answer to a member's sign, before anything else it negotiated is sent to it.
    func welcome(_ conn: ConnID, _ out: inout StepOutput) {
        guard let common = connections[conn]?.common else { return }
        out.send(ExtensionCodec.frame(.welcome(common)), to: [conn])
    }

    /// A kind-2 frame from a client. Only a client that gave the sign may send one, and only for
    /// a feature both named: `history`'s requests and searches (see `Room+History.swift`). nil:
    /// acted on; otherwise the milliseconds to hold it for, as an over-rate chat is held.
    mutating func handleExtension(_ body: [UInt8], from conn: ConnID, _ out: inout StepOutput) -> Int64? {
        guard connections[conn]?.common != nil else {
            violation(conn, "an extension frame before the pychat sign", &out)
            return nil
        }
        do {
            let message = try ExtensionCodec.decode(body)
            switch message {
            case .historyRequest, .search, .contextRequest:
                return query(message, from: conn, &out)
            case let .resume(session, after, logID):
                resume(session: session, after: after, log: logID, from: conn, &out)
            case let .chat(id, text):
                return chat(id: id, text: text, from: conn, &out)
            case let .say(room, text):
                return say(text, in: room, from: conn, &out)
            case let .command(line, room, after):
                guard let c = connections[conn], c.member != nil, c.wantsCommands else {
                    violation(conn, "Command " + (connections[conn]?.member == nil ? "before JoinRequest" : "without the commands feature"), &out)
                    return nil
                }
                // A command costs a chat's token: a rename or a /who costs the room more than a chat.
                if let wait = takeChatToken(conn) { return wait }
                commandFrame(line, typedIn: room, after: after, from: conn, &out)
            case .welcome, .roomSize, .stamp, .history, .searchResults, .resumed, .ack, .notice, .action, .privateMessage, .who, .whois, .context,
                 .roomEntry, .join, .part, .dropped, .rooms, .removed, .marks:
                violation(conn, "\(message.typeName) is not for the server; ignored", &out)
            }
        } catch {
            violation(conn, "extension frame: \(error.description)", &out)
        }
        return nil
    }

    /// The room's size to these connections.
    func sendRoomSize(to conns: [ConnID], _ out: inout StepOutput) {
        out.send(ExtensionCodec.frame(.roomSize(users: members.count)), to: conns)
    }

    /// The room's size to every member that asked for it: sent with each announcement, so at
    /// most once per `Limits.announceMillis` however fast members come and go.
    func broadcastRoomSize(_ out: inout StepOutput) {
        guard roomSizeListeners > 0 else { return }
        sendRoomSize(to: joined.filter { connections[$0]?.wantsRoomSize == true }, &out)
    }
}
