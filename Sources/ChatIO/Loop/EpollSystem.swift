import Glibc

/// The operating system of production: the one epoll instance (`EventLoop`) and the socket
/// calls. Every method is a thin call through; the runtime reaches it through one existential
/// call per system call, which costs no allocation and is noise next to the call itself.
package final class EpollSystem: OperatingSystem {
    private let loop: EventLoop
    private let resolve: NameLookup.Resolve
    /// Lookups under way, by their eventfd.
    private var lookups: [Int32: NameLookup] = [:]

    /// `resolve`: how a redial's name is looked up (a test injects one that never answers).
    package init(resolve: @escaping NameLookup.Resolve = NameLookup.systemResolve) throws(SystemError) {
        loop = try EventLoop()
        self.resolve = resolve
    }

    package func add(_ handle: Int32, _ token: Token, _ interest: Interest) throws(SystemError) {
        try loop.add(handle, token, interest)
    }

    package func modify(_ handle: Int32, _ token: Token, _ interest: Interest) { loop.modify(handle, token, interest) }
    package func remove(_ handle: Int32) { loop.remove(handle) }

    package func wait(timeoutMillis: Int32, _ body: (Readiness) -> Void) {
        loop.wait(timeoutMillis: timeoutMillis, body)
    }

    package func listen(host: String, port: Int) throws(ListenError) -> ListeningSocket {
        // A server with many connections needs many descriptors.
        Sys.raiseDescriptorLimit()
        let (fd, real) = try Listener.bind(host: host, port: port)
        return ListeningSocket(handle: fd, port: real)
    }

    package func accept(_ listener: Int32) -> Listener.Accepted { Listener.accept(on: listener) }

    package func connect(host: String, port: Int) throws(DialError) -> (handle: Int32, remote: String) {
        let d = try Dialer.connect(host: host, port: port)
        return (d.fd, d.remote)
    }

    package func beginConnect(_ address: ResolvedAddress) -> Result<Int32, SystemError> { Dialer.begin(address) }
    package func connectResult(_ handle: Int32) -> Int32 { Dialer.pendingError(handle) }

    package func beginLookup(host: String, port: Int) throws(SystemError) -> Int32 {
        let lookup = try NameLookup.start(host: host, port: port, resolve: resolve)
        lookups[lookup.fd] = lookup
        return lookup.fd
    }

    package func finishLookup(_ handle: Int32) -> NameLookup.Answer? {
        guard let answer = lookups[handle]?.take() else { return nil }
        lookups[handle] = nil
        return answer
    }

    package func abandonLookup(_ handle: Int32) { lookups.removeValue(forKey: handle)?.abandon() }

    package func read(_ handle: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        var n: Int
        repeat { n = Glibc.read(handle, buffer.baseAddress, buffer.count) } while n < 0 && errno == EINTR
        return n
    }

    package func writev(_ handle: Int32, _ vectors: UnsafePointer<iovec>, _ count: Int32) -> Int {
        Glibc.writev(handle, vectors, count)
    }

    package func shutdownWrite(_ handle: Int32) { _ = shutdown(handle, Int32(SHUT_WR)) }
    package func close(_ handle: Int32) { _ = Glibc.close(handle) }

    package func openSignals() throws(SystemError) -> Signals? { try Signals() }
    package var standardError: Int32 { 2 }
    package var standardOutput: Int32 { 1 }
    package func randomBits() -> UInt64 { UInt64.random(in: .min ... .max) }
}
