#if canImport(Glibc)
    import Glibc
#endif
import CLinux
import Dispatch
import Foundation
import Synchronization

/// An HTTP/1.1 server over POSIX sockets: one epoll loop per core, each on its own thread, sharing
/// one listening socket; handlers are async and run on Swift's pool, never on a loop.
///
/// The address is this process's alone: no SO_REUSEPORT, so a second server on it fails with
/// "Address already in use" instead of silently taking a share of the clients.
public final class HTTPServer: Sendable {
    private let state: ServerState
    private let loops: [EventLoop]
    /// The port actually bound (useful with port 0).
    public let port: Int
    private let finished: DispatchGroup

    /// Binds and starts serving at once.
    public init(
        configuration: HTTPServerConfiguration, router: HTTPRouter, metrics: HTTPMetrics = HTTPMetrics(),
        accessLog: @escaping @Sendable (String) -> Void = { line in
            var text = line + "\n"
            text.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
        }
    ) throws {
        signal(SIGPIPE, SIG_IGN)
        state = ServerState(configuration: configuration, router: router, metrics: metrics, accessLog: accessLog)
        var port = configuration.port
        let listener = try Self.listen(host: configuration.host, port: &port)
        var loops: [EventLoop] = []
        do {
            for _ in 0..<max(1, configuration.eventLoops) {
                loops.append(try EventLoop(server: state, listener: listener))
            }
        } catch {
            close(listener)
            throw error
        }
        self.loops = loops
        self.port = port
        finished = DispatchGroup()
        for (index, loop) in loops.enumerated() {
            finished.enter()
            let group = finished
            let thread = Thread {
                loop.run()
                group.leave()
            }
            thread.name = "http.loop.\(index)"
            thread.start()
        }
    }

    /// Stops accepting, lets requests in flight finish (up to the grace period), then returns.
    public func shutdown() async {
        state.draining.store(true, ordering: .relaxed)
        for loop in loops { loop.wake() }
        let group = finished
        let grace = state.configuration.shutdownGrace
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                _ = group.wait(timeout: .now() + grace)
                continuation.resume()
            }
        }
    }

    /// Serves until SIGTERM or SIGINT, then shuts down gracefully.
    public func runUntilSignalled() async {
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let queue = DispatchQueue(label: "http.signals")
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = OnceFlag()
            let sources = [SIGTERM, SIGINT].map { DispatchSource.makeSignalSource(signal: $0, queue: queue) }
            for source in sources {
                source.setEventHandler {
                    if once.claim() { continuation.resume() }
                }
                source.resume()
            }
            SignalSources.keep(sources)
        }
        await shutdown()
    }

    /// Connections open now.
    public var connectionCount: Int { state.connectionCount.load(ordering: .relaxed) }

    /// Connections served at once: the configured maximum within what the open-file limit leaves.
    public var maximumConnections: Int { state.maximumConnections }

    /// Raises this process's soft open-file limit (RLIMIT_NOFILE) to its hard limit, so that the
    /// connection maximum is not cut to the common default of 1,024 descriptors; returns the soft
    /// limit before and after, or nil when the limits cannot be read.
    public static func raiseOpenFileLimit() -> (before: Int, after: Int)? { System.raiseOpenFileLimit() }

    private static func listen(host: String, port: inout Int) throws -> Int32 {
        let fd = socket(
            AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HTTPServerError("socket: \(System.errorText())") }
        var one: Int32 = 1
        // SO_REUSEADDR only lets a restart bind while old connections linger in TIME_WAIT; on
        // Linux it never lets two listeners share the address.
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw HTTPServerError("'\(host)' is not an IPv4 address")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound, CLinux.listen(fd, 1024) == 0 else {
            let reason = System.errorText()
            close(fd)
            throw HTTPServerError("cannot listen on \(host):\(port): \(reason)")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        return fd
    }
}

/// True once: the first `claim` wins.
private final class OnceFlag: Sendable {
    private let claimed = Atomic<Bool>(false)
    func claim() -> Bool { !claimed.exchange(true, ordering: .relaxed) }
}

/// Keeps signal sources alive for the life of the process.
private enum SignalSources {
    nonisolated(unsafe) static var kept: [any DispatchSourceSignal] = []
    static func keep(_ sources: [any DispatchSourceSignal]) { kept += sources }
}
