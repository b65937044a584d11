import ChatIO
import ChatState
import Glibc

// A writer for the durability test: appends entries to a room log in batches and, after each
// commit returns, prints "committed SEQ" (written straight to the descriptor, no buffer).
// Whatever it printed, someone may have seen: the test kills it with SIGKILL at any moment and
// checks that every printed entry is in the log, and that no commit is half there.
//
//   RoomLogWriter PATH BATCH    (runs until killed)

let arguments = CommandLine.arguments
guard arguments.count == 3, let batch = Int(arguments[2]), batch > 0 else {
    say("usage: RoomLogWriter PATH BATCH", to: 2)
    exit(2)
}
let log: RoomLog
do {
    log = try RoomLog(path: arguments[1])
} catch {
    say(error.description, to: 2)
    exit(1)
}
let room = RoomEntry.generalRoom
var seq = log.nextSeq(room: room)
while true {
    var entries: [RoomEntry] = []
    for _ in 0..<batch {
        // Every third a join, so both kinds (indexed and not) are in every batch.
        entries.append(RoomEntry(room: room, seq: seq, wallMillis: seq, kind: seq % 3 == 0 ? .join : .chat,
                                 author: "writer", authorUID: nil, color: .defaultUser,
                                 text: seq % 3 == 0 ? "" : "entry \(seq) durable"))
        seq += 1
    }
    log.append(entries)
    let statuses = log.commit(now: 0)
    if !statuses.isEmpty {
        say("\(statuses)", to: 2)
        exit(1)
    }
    say("committed \(seq - 1)", to: 1)
}

/// One line, written at once with no buffer in between.
func say(_ text: String, to fd: Int32) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
}
