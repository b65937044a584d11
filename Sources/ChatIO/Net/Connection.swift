import ChatState
import Glibc

/// One socket of the loop and everything the runtime keeps for it. The chat state of the
/// connection lives in the core; this is only bytes, readiness and flow control.
final class Connection {
    let id: ConnID
    let fd: Int32
    let remote: String
    var transport: Transport
    /// What the core sent, not yet written (plain) or not yet sealed (layered).
    var output = OutputQueue()
    /// The interest currently registered with epoll, so it is changed only when it differs.
    var registered: Interest = .readOnly
    /// Queued in the runtime's list of connections to flush this turn.
    var isDirty = false

    /// The core has closed this connection (or the process is quitting): its output is written,
    /// then the write side shut down, then input is discarded until the peer closes too.
    var closing = false
    var shutDown = false
    /// The layer's own goodbye (TLS close_notify) has been queued.
    var layerClosed = false
    /// Whether the core knows this connection yet, and has been told its certificate.
    var gate = ConnectionGate.open
    /// A client's redial whose connect has not finished (watched for writability only).
    var dialing = false

    /// The core paused reading this connection (its sender is over its chat rate).
    var readPaused = false

    /// Sealed bytes waiting for the socket (layered transports only).
    var sealed = OutputQueue()

    init(id: ConnID, fd: Int32, remote: String, transport: Transport = .plain) {
        self.id = id
        self.fd = fd
        self.remote = remote
        self.transport = transport
    }

    /// Its index in the runtime's slots (and in its flow control): the id's low 32 bits.
    var slot: Int { Int(id.raw & 0xFFFF_FFFF) }

    /// Bytes still to be written, whatever layer holds them.
    var pendingBytes: Int { output.byteCount + sealed.byteCount }

    enum FlushResult: Equatable {
        case drained, blocked
        case failed(String)
    }

    /// Writes what the socket takes now.
    func flush(iovecs: UnsafeMutableBufferPointer<iovec>, os: any OperatingSystem) -> FlushResult {
        switch transport {
        case .plain:
            switch output.write(iovecs: iovecs, with: { os.writev(fd, $0, $1) }) {
            case .drained: return .drained
            case .blocked: return .blocked
            case .failed(let code): return .failed(Self.reason(code))
            }
        case .layered(let layer):
            // Seal in slices of at most 64 KiB so one flush does not build a huge buffer.
            while true {
                switch sealed.write(iovecs: iovecs, with: { os.writev(fd, $0, $1) }) {
                case .drained: break
                case .blocked: return .blocked
                case .failed(let code): return .failed(Self.reason(code))
                }
                let more = layer.takeOutgoing()
                if !more.isEmpty {
                    sealed.append(bytes: more)
                    continue
                }
                if output.isEmpty {
                    // Everything the core sent is sealed and written: now the goodbye.
                    guard closing && !layerClosed else { return .drained }
                    layerClosed = true
                    layer.close()
                    continue
                }
                do {
                    try layer.send(output.take(upTo: 64 * 1024))
                } catch {
                    return .failed(error.description)
                }
            }
        }
    }

    /// A disconnect reason as the core's log shows it.
    static func reason(_ code: Int32) -> String {
        switch code {
        case ECONNRESET: return "connection reset"
        case EPIPE: return "broken pipe"
        case ETIMEDOUT: return "connection timed out"
        default: return Sys.message(code)
        }
    }
}
