import Glibc

/// A failed system call, with the call's name and errno, for one-line messages.
public struct SystemError: Error, CustomStringConvertible, Sendable {
    public let call: String
    public let code: Int32

    public init(_ call: String, _ code: Int32 = errno) {
        self.call = call
        self.code = code
    }

    public var description: String { "\(call): \(Sys.message(code))" }
}

/// Small wrappers over Glibc that the rest of ChatIO shares.
package enum Sys {
    package static func message(_ code: Int32) -> String { String(cString: strerror(code)) }

    static func setNonBlocking(_ fd: Int32) throws(SystemError) {
        let flags = fcntl(fd, F_GETFL)
        guard flags >= 0, fcntl(fd, F_SETFL, flags | O_NONBLOCK) >= 0 else { throw SystemError("fcntl") }
    }

    /// Milliseconds on the monotonic clock: timers and the event log's `time` use it, so a
    /// wall-clock jump moves neither.
    static func monotonicMillis() -> Int64 {
        Int64(monotonicNanos() / 1_000_000)
    }

    /// Nanoseconds on the monotonic clock, for timing (the bench's latencies).
    package static func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// A process with many connections needs many descriptors, and the soft limit is often
    /// 1024: it goes up to the hard one.
    package static func raiseDescriptorLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    /// Small frames leave at once instead of waiting for Nagle's algorithm to gather them.
    static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Unix time in milliseconds: for showing dates, never for counting time.
    static func wallMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    /// "IP:port", with IPv6 addresses in brackets, as a log reader expects.
    static func describe(_ address: UnsafePointer<sockaddr>) -> String {
        guard let (h, s) = numeric(address) else { return "?" }
        return address.pointee.sa_family == sa_family_t(AF_INET6) ? "[\(h)]:\(s)" : "\(h):\(s)"
    }

    /// The numeric host and port of a socket address.
    static func numeric(_ address: UnsafePointer<sockaddr>) -> (host: String, service: String)? {
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        var service = [CChar](repeating: 0, count: Int(NI_MAXSERV))
        let length = socklen_t(address.pointee.sa_family == sa_family_t(AF_INET6)
            ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
        let rc = getnameinfo(address, length, &host, socklen_t(host.count), &service, socklen_t(service.count),
                             NI_NUMERICHOST | NI_NUMERICSERV)
        guard rc == 0 else { return nil }
        return (text(host), text(service))
    }

    /// A peer's IP address as the per-address limits count it: numeric, and an IPv4 peer of a
    /// dual-stack socket (::ffff:a.b.c.d) as its IPv4 address, so it counts the same either way.
    static func peerAddress(_ storage: inout sockaddr_storage) -> String {
        let host = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { numeric($0)?.host }
        } ?? "?"
        let mapped = "::ffff:"
        if host.hasPrefix(mapped), host.contains(".") { return String(host.dropFirst(mapped.count)) }
        return host
    }

    /// A NUL-terminated C buffer as a String.
    static func text(_ buffer: [CChar]) -> String {
        buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    static func describe(_ storage: inout sockaddr_storage) -> String {
        withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { describe($0) } }
    }

    /// The port a bound socket actually got (the real one when 0 was asked for).
    static func localPort(_ fd: Int32) -> Int? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard rc == 0 else { return nil }
        return withUnsafePointer(to: &storage) { p -> Int? in
            switch Int32(p.pointee.ss_family) {
            case AF_INET:
                return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            case AF_INET6:
                return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            default:
                return nil
            }
        }
    }

    /// Resolves host and port for a stream socket; the caller tries the answers in order.
    /// Whether `host` is an IPv4 or IPv6 address in numbers, which getaddrinfo answers
    /// without asking the network.
    package static func isNumericAddress(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    package static func resolve(host: String, port: Int, passive: Bool) throws(ResolveError) -> [ResolvedAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = passive ? AI_PASSIVE : AI_ADDRCONFIG
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw ResolveError(host: host, message: rc == EAI_SYSTEM ? Sys.message(errno) : String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(first) }
        var out: [ResolvedAddress] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let n = node {
            if let addr = n.pointee.ai_addr {
                out.append(ResolvedAddress(family: n.pointee.ai_family, socktype: n.pointee.ai_socktype,
                                           proto: n.pointee.ai_protocol,
                                           bytes: Array(UnsafeRawBufferPointer(start: addr, count: Int(n.pointee.ai_addrlen)))))
            }
            node = n.pointee.ai_next
        }
        return out
    }
}

public struct ResolveError: Error, CustomStringConvertible, Sendable {
    public let host: String
    public let message: String
    public var description: String { "cannot resolve \(host): \(message)" }
}

/// One getaddrinfo answer, copied out so the list can be freed at once.
package struct ResolvedAddress: Sendable {
    package let family: Int32
    package let socktype: Int32
    package let proto: Int32
    let bytes: [UInt8]

    package func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        bytes.withUnsafeBytes { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
        }
    }

    var description: String { withSockaddr { p, _ in Sys.describe(p) } }
}
