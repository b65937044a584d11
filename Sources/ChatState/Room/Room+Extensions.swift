/// pychat's extension frames (kind 0x02, see `ExtensionMessage`): what a pychat client asks
/// for, and the room sizes sent to those who asked. Original clients never ask, so they never
/// receive one.
extension Room {
    mutating func handleExtension(_ body: [UInt8], from conn: ConnID, _ out: inout StepOutput) {
        let message: ExtensionMessage
        do {
            message = try ExtensionCodec.decode(body)
        } catch .unknownType {
            return  // from a later pychat: not for us
        } catch {
            violation(conn, "extension frame: \(error.description)", &out)
            return
        }
        switch message {
        case let .hello(features):
            guard var c = connections[conn], !c.saidHello else {
                violation(conn, "second Hello ignored", &out)
                return
            }
            c.saidHello = true
            c.wantsRoomSize = features.contains(ExtensionMessage.Feature.roomSize)
            connections[conn] = c
            guard c.wantsRoomSize else { return }
            roomSizeListeners += 1
            if c.member != nil { sendRoomSize(to: [conn], &out) }
        case .roomSize:
            violation(conn, "RoomSize is not for the server; ignored", &out)
        }
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
