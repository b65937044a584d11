import Glibc

/// Connects to the server: every address the name resolves to, IPv4 and IPv6, in the
/// resolver's order. Done before the loop starts (a client has nothing else to do meanwhile),
/// with a bounded wait per address so an unroutable one cannot hang the start.
package enum Dialer {
    static let connectTimeoutMillis: Int32 = 10_000

    package struct Dialled {
        package let fd: Int32
        package let remote: String
        /// The address that answered: the bench opens its other connections to it.
        package let address: ResolvedAddress
    }

    package static func connect(host: String, port: Int) throws(DialError) -> Dialled {
        let addresses: [ResolvedAddress]
        do {
            addresses = try Sys.resolve(host: host, port: port, passive: false)
        } catch {
            throw DialError(description: "cannot connect to \(host):\(port): \(error.message)")
        }
        var last = "no address"
        for a in addresses {
            let fd: Int32
            switch begin(a) {
            case .success(let started): fd = started
            case .failure(let error):
                last = Sys.message(error.code)
                continue
            }
            if let failure = finishConnect(fd) {
                last = failure
                close(fd)
                continue
            }
            return Dialled(fd: fd, remote: a.description, address: a)
        }
        throw DialError(description: "cannot connect to \(host):\(port): \(last)")
    }

    /// A non-blocking socket for `a`, its connect started: connected, or on its way (then it
    /// turns writable when done, and `pendingError` says how it went).
    package static func begin(_ a: ResolvedAddress) -> Result<Int32, SystemError> {
        let fd = socket(a.family, a.socktype | Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), a.proto)
        guard fd >= 0 else { return .failure(SystemError("socket")) }
        Sys.setNoDelay(fd)
        let rc = a.withSockaddr { Glibc.connect(fd, $0, $1) }
        guard rc == 0 || errno == EINPROGRESS else {
            let error = SystemError("connect")
            close(fd)
            return .failure(error)
        }
        return .success(fd)
    }

    /// How a connect started by `begin` ended, once its socket is writable: 0 or an errno.
    package static func pendingError(_ fd: Int32) -> Int32 {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        return error
    }

    /// nil on success, else why not.
    private static func finishConnect(_ fd: Int32) -> String? {
        var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        var ready: Int32
        repeat { ready = poll(&p, 1, connectTimeoutMillis) } while ready < 0 && errno == EINTR
        if ready == 0 { return "timed out" }
        let error = pendingError(fd)
        return error == 0 ? nil : Sys.message(error)
    }
}

public struct DialError: Error, CustomStringConvertible, Sendable {
    public let description: String

    package init(description: String) { self.description = description }
}
