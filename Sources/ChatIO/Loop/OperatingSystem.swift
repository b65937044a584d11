import Glibc

/// The operating system exactly as the runtime uses it, and no wider: readiness of handles,
/// the listening socket, dialling (name lookups included), reading, gathered writes, shutdown and close, signals, the
/// standard streams and chance. Time is the other half and has its own protocol
/// (`RuntimeClock`). Production runs on `EpollSystem` (epoll and the socket calls); the
/// simulations run the same `Runtime` over a simulated network (`Simulations/SimulatedOS`), as
/// TigerBeetle's simulator runs its real replica over simulated I/O.
///
/// Handles are descriptors in production and ends of simulated links in the simulations. Calls
/// that fail return -1 and leave the reason in `errno`, as the system calls do, so the code
/// above (`OutputQueue`'s write loop, `Runtime.read`) is the same for both.
package protocol OperatingSystem: AnyObject {
    // MARK: Readiness (level-triggered)

    func add(_ handle: Int32, _ token: Token, _ interest: Interest) throws(SystemError)
    func modify(_ handle: Int32, _ token: Token, _ interest: Interest)
    func remove(_ handle: Int32)
    /// Waits up to `timeoutMillis` (-1: until something is ready) and hands every report to
    /// `body`. A simulated system never waits: its time moves only when the simulator says.
    func wait(timeoutMillis: Int32, _ body: (Readiness) -> Void)

    // MARK: Sockets

    /// A listening socket on the first address `host` resolves to that works.
    func listen(host: String, port: Int) throws(ListenError) -> ListeningSocket
    func accept(_ listener: Int32) -> Listener.Accepted
    /// A connected socket to `host`, or why not; done before the loop runs.
    func connect(host: String, port: Int) throws(DialError) -> (handle: Int32, remote: String)
    /// A redial's non-blocking connect to `address`: the socket, connected or on its way (it
    /// turns writable when done, and `connectResult` says how it went).
    func beginConnect(_ address: ResolvedAddress) -> Result<Int32, SystemError>
    /// How a connect begun by `beginConnect` ended, once its socket is writable: 0 or an errno.
    func connectResult(_ handle: Int32) -> Int32
    /// Starts resolving `host`:`port` without blocking the loop: a handle that turns readable
    /// when the answer is in (`finishLookup`), or is given up (`abandonLookup`).
    func beginLookup(host: String, port: Int) throws(SystemError) -> Int32
    /// The answer of the lookup on `handle` once it is readable, nil before; the handle is
    /// released with it (remove it from readiness first).
    func finishLookup(_ handle: Int32) -> NameLookup.Answer?
    /// Gives the lookup on `handle` up: its answer, if it ever comes, is dropped.
    func abandonLookup(_ handle: Int32)
    /// read(2): bytes read, 0 at the end of the stream, -1 with `errno` (never EINTR).
    func read(_ handle: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int
    /// writev(2): bytes taken, or -1 with `errno` (EAGAIN: nothing fits now).
    func writev(_ handle: Int32, _ vectors: UnsafePointer<iovec>, _ count: Int32) -> Int
    /// shutdown(SHUT_WR): the peer reads what was written, then the end of the stream.
    func shutdownWrite(_ handle: Int32)
    func close(_ handle: Int32)

    // MARK: The rest of the process

    /// The signals the loop handles, or nil where there are none (a simulation).
    func openSignals() throws(SystemError) -> Signals?
    /// The descriptors the log and a headless transcript go to (2 and 1 in production).
    var standardError: Int32 { get }
    var standardOutput: Int32 { get }
    /// 64 random bits (a newcomer's uid): the system's generator, or the simulation's seed.
    func randomBits() -> UInt64
}

/// A listening socket: its handle, and the port it really got (the one the kernel picked
/// when 0 was asked for).
package struct ListeningSocket {
    package let handle: Int32
    package let port: Int

    package init(handle: Int32, port: Int) {
        self.handle = handle
        self.port = port
    }
}
