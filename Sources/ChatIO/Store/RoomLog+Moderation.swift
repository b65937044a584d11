import ChatState
import CSQLite

/// The room log's file also keeps what moderation must remember across restarts (see
/// `ModerationSchema`). Changes are rare (a command each), so each is written at once, in a
/// transaction of its own, when the core's effect is performed: before any socket write of
/// that turn, as entries are, so a kick's line never goes out before its ban is on disk.
extension RoomLog {
    /// Everything kept, for `Event.restoredModeration`.
    public func moderationRecords() throws(RoomLogError) -> ModerationRecords {
        var records = ModerationRecords()
        do {
            let identities = try db.prepare(ModerationSchema.identities)
            while try identities.step() {
                let fingerprint = identities.text(0)
                if !identities.isNull(1) {
                    records.names.append(.init(identity: fingerprint, name: identities.text(1)))
                }
                if identities.int64(2) != 0 { records.ops.append(fingerprint) }
            }
            let bans = try db.prepare(ModerationSchema.bans)
            while try bans.step() {
                guard let subject = ModerationSubject(kind: bans.text(0), value: bans.text(1)) else { continue }
                records.bans.append(Ban(subject: subject, name: bans.text(2), by: bans.text(3),
                                        reason: bans.isNull(4) ? nil : bans.text(4), setAtWallMillis: bans.int64(5),
                                        expiresAtWallMillis: bans.isNull(6) ? nil : bans.int64(6)))
            }
            let mutes = try db.prepare(ModerationSchema.mutes)
            while try mutes.step() {
                guard let subject = ModerationSubject(kind: mutes.text(0), value: mutes.text(1)) else { continue }
                records.mutes.append(Mute(subject: subject, untilWallMillis: mutes.isNull(2) ? nil : mutes.int64(2)))
            }
            let drops = try db.prepare(ModerationSchema.drops)
            while try drops.step() {
                records.drops.append(RoomDrop(room: drops.text(0), throughSeq: drops.int64(1), by: drops.text(2),
                                              reason: drops.isNull(3) ? nil : drops.text(3), wallMillis: drops.int64(4)))
            }
            let messages = try db.prepare(ModerationSchema.messages)
            while try messages.step() {
                let uid = messages.blob(1)
                guard uid.count == 16 else { continue }
                let rgb = messages.int64(3)
                records.messages.append(HeldMessage(
                    identity: messages.text(0),
                    fromUID: UID(high: UInt64(bigEndian: uid.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                                 low: UInt64(bigEndian: uid.loadUnaligned(fromByteOffset: 8, as: UInt64.self))),
                    from: messages.text(2),
                    color: RGB(r: UInt8(truncatingIfNeeded: rgb >> 16), g: UInt8(truncatingIfNeeded: rgb >> 8),
                               b: UInt8(truncatingIfNeeded: rgb)),
                    to: messages.text(4), text: messages.text(5), wallMillis: messages.int64(6)))
            }
        } catch {
            throw RoomLogError(path: path, error)
        }
        return records
    }

    /// Writes one change (autocommit: its own transaction).
    public func keep(_ change: ModerationChange) throws(RoomLogError) {
        do {
            let s: SQLiteStatement
            switch change {
            case let .holdName(identity, name):
                s = try db.prepare(ModerationSchema.holdName)
                s.bindCopy(1, identity)
                s.bindCopy(2, name)
            case let .setOp(identity, op):
                s = try db.prepare(ModerationSchema.setOp)
                s.bindCopy(1, identity)
                s.bind(2, op ? 1 : 0)
            case let .ban(ban):
                s = try db.prepare(ModerationSchema.ban)
                s.bindSubject(ban.subject)
                s.bindCopy(3, ban.name)
                s.bindCopy(4, ban.by)
                s.bindCopy(5, ban.reason)
                s.bind(6, ban.setAtWallMillis)
                if let expires = ban.expiresAtWallMillis { s.bind(7, expires) } else { s.bindNull(7) }
            case let .unban(subject):
                s = try db.prepare(ModerationSchema.unban)
                s.bindSubject(subject)
            case let .mute(mute):
                s = try db.prepare(ModerationSchema.mute)
                s.bindSubject(mute.subject)
                if let until = mute.untilWallMillis { s.bind(3, until) } else { s.bindNull(3) }
            case let .unmute(subject):
                s = try db.prepare(ModerationSchema.unmute)
                s.bindSubject(subject)
            case let .keepMessage(m):
                s = try db.prepare(ModerationSchema.keepMessage)
                s.bindCopy(1, m.identity)
                var uid = (m.fromUID.high.bigEndian, m.fromUID.low.bigEndian)
                withUnsafeBytes(of: &uid) { _ = sqlite3_bind_blob(s.handle, 2, $0.baseAddress, 16, shim_sqlite3_transient()) }
                s.bindCopy(3, m.from)
                s.bind(4, Int64(m.color.r) << 16 | Int64(m.color.g) << 8 | Int64(m.color.b))
                s.bindCopy(5, m.to)
                s.bindCopy(6, m.text)
                s.bind(7, m.wallMillis)
            case let .dropRoom(drop):
                return try keepDrop(drop)
            case let .deliveredMessages(identity):
                s = try db.prepare(ModerationSchema.deliveredMessages)
                s.bindCopy(1, identity)
            }
            try s.run()
        } catch {
            throw RoomLogError(path: path, error)
        }
    }
}

extension SQLiteStatement {
    /// A ban's or a mute's subject as parameters 1 and 2, the tables' key.
    func bindSubject(_ subject: ModerationSubject) {
        bindCopy(1, subject.kind)
        bindCopy(2, subject.value)
    }

    /// Binds a copy of the text (NULL for nil): for statements bound once and run at once,
    /// where `bindText`'s no-copy binding would need a closure per parameter.
    func bindCopy(_ index: Int32, _ text: String?) {
        guard let text else { return bindNull(index) }
        _ = sqlite3_bind_text(handle, index, text, -1, shim_sqlite3_transient())
    }
}
