#if canImport(Glibc)
    import Glibc
#endif
import CLinux
import Synchronization

/// One epoll loop on its own thread: accepts on the listening socket it shares with the other
/// loops (EPOLLEXCLUSIVE wakes one of them), reads and parses requests, hands each to the router
/// as an async task and writes responses in request order. Blocking never happens here: sockets
/// are non-blocking and handlers run elsewhere.
final class EventLoop: @unchecked Sendable {
    // @unchecked: everything but `mailbox` and `server` is touched only by the loop's thread.
    private let server: ServerState
    private let listener: Int32
    private let epoll: Int32
    let mailbox: Mailbox
    private var connections: [Int32: Connection] = [:]
    private var nextGeneration: UInt64 = 0
    private var listening = true
    private var lastSweep = 0.0
    /// Where `recv` reads into; one per loop, reused for every read.
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)
    /// A descriptor held back so that a client can still be told `503` when descriptors run out
    /// (otherwise the listener stays readable and accept fails in a spin).
    private var spareDescriptor: Int32 = -1

    init(server: ServerState, listener: Int32) throws(HTTPServerError) {
        self.server = server
        self.listener = listener
        mailbox = try Mailbox()
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw HTTPServerError("epoll_create1: \(System.errorText())") }
        register(listener, EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue)
        register(mailbox.eventFD, EPOLLIN.rawValue)
        spareDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
    }

    deinit {
        CLinux.close(epoll)
        if spareDescriptor >= 0 { CLinux.close(spareDescriptor) }
    }

    private func register(_ fd: Int32, _ events: UInt32) {
        var event = epoll_event(events: events, data: epoll_data_t(fd: fd))
        epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event)
    }

    /// Runs until shutdown has drained every connection.
    func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        while true {
            let count = epoll_wait(epoll, &events, Int32(events.count), 250)
            let now = System.now()
            if count > 0 {
                for event in events[0..<Int(count)] {
                    let fd = event.data.fd
                    if fd == listener {
                        accept(now: now)
                    } else if fd == mailbox.eventFD {
                        deliver(now: now)
                    } else if let connection = connections[fd] {
                        handle(connection, events: event.events, now: now)
                    }
                }
            }
            if server.draining.load(ordering: .relaxed) {
                drain()
                if connections.isEmpty { break }
            }
            if now - lastSweep > 0.25 {
                lastSweep = now
                sweep(now: now)
            }
        }
    }

    // MARK: - Accepting

    private func accept(now: Double) {
        while listening {
            var client: UInt32 = 0
            let fd = clinux_accept(listener, &client)
            guard fd >= 0 else {
                // EAGAIN: no more waiting clients. Out of descriptors: the spare one lets the next
                // client in to be told so, and the listener is no longer readable.
                guard errno == EMFILE || errno == ENFILE, spareDescriptor >= 0 else { return }
                CLinux.close(spareDescriptor)
                let refused = clinux_accept(listener, &client)
                if refused >= 0 { turnAway(refused, "the server has no descriptor free") }
                spareDescriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
                if refused < 0 { return }
                continue
            }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            guard server.admit(client: client) else {
                turnAway(fd, "too many connections")
                continue
            }
            nextGeneration += 1
            let connection = Connection(
                fd: fd, generation: nextGeneration, client: client, limits: server.configuration.limits, now: now)
            connections[fd] = connection
            connection.interest = EPOLLIN.rawValue | EPOLLRDHUP.rawValue
            register(fd, connection.interest)
        }
    }

    /// A fast `503` on a connection that is not admitted (a fresh socket's buffer takes it whole).
    /// What the client already sent is read first: closing with unread bytes would reset the
    /// connection (RFC 9112 §9.6), and a reset can destroy the 503 before the client reads it.
    private func turnAway(_ fd: Int32, _ reason: String) {
        let body = #"{"error":"503","message":"\#(reason); retry later"}"#
        let busy = Array(
            ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
                + "Retry-After: 1\r\nConnection: close\r\n\r\n" + body).utf8)
        _ = send(fd, busy, busy.count, Int32(MSG_NOSIGNAL))
        shutdown(fd, Int32(SHUT_WR))
        while readBuffer.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, 0) }) > 0 {}
        CLinux.close(fd)
    }

    // MARK: - Reading and parsing

    private func handle(_ connection: Connection, events: UInt32, now: Double) {
        if events & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
            // The peer is gone: nothing more can be read or written.
            return connection.awaitingResponse ? detach(connection) : close(connection)
        }
        if connection.lingeringSince != nil { return discardInput(connection) }
        if events & EPOLLOUT.rawValue != 0 {
            flush(connection, now: now)
            // The client read some of what waited: requests already buffered may go on.
            if connections[connection.fd] === connection { process(connection, now: now) }
        }
        guard connections[connection.fd] === connection, !connection.closeAfterWrite else { return }
        if events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue) != 0 { read(connection, now: now) }
    }

    /// Reads until a request is complete (then the next waits for its response) or the socket is
    /// empty, so that a connection holds at most one buffer beyond the request being read.
    private func read(_ connection: Connection, now: Double) {
        var peerClosed = false
        while true {
            let count = readBuffer.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                let wasMidRequest = connection.parser.isMidRequest
                readBuffer.withUnsafeBytes { connection.parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                connection.lastActivity = now
                if !wasMidRequest { connection.requestStartedAt = now }
                process(connection, now: now)
                if connections[connection.fd] !== connection { return }
                if count < readBuffer.count || !connection.wantsInput(server.configuration) { break }
            } else if count < 0 && errno == EINTR {
                continue
            } else if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                break
            } else {
                peerClosed = true
                break
            }
        }
        process(connection, now: now)
        if peerClosed {
            // Requests that arrived whole are still answered; then the connection closes.
            if connections[connection.fd] !== connection { return }
            if connection.awaitingResponse || connection.hasPendingOutput {
                connection.closeAfterWrite = true
                updateInterest(connection)
            } else {
                close(connection)
            }
        }
    }

    /// Stops watching a connection whose peer vanished while its handler works; the response is
    /// dropped when it arrives.
    private func detach(_ connection: Connection) {
        epoll_ctl(epoll, EPOLL_CTL_DEL, connection.fd, nil)
        connection.detached = true
    }

    /// Dispatches the next complete request unless one is already with a handler.
    private func process(_ connection: Connection, now: Double) {
        guard connection.wantsInput(server.configuration) else { return updateInterest(connection) }
        let request: HTTPRequest
        do {
            guard var next = try connection.parser.next() else { return updateInterest(connection) }
            next.clientAddress = connection.clientAddress
            request = next
        } catch {
            server.log(method: "-", target: "-", status: error.status.code, duration: 0, requestID: nil)
            let refusal = ServerResponses.error(error.status, error.message, method: connection.parser.methodInProgress)
            return respond(connection, with: refusal, close: true, now: now)
        }
        connection.awaitingResponse = true
        connection.requestStartedAt = connection.parser.isMidRequest ? now : nil
        let target = Mailbox.Target(fd: connection.fd, generation: connection.generation)
        let summary = Mailbox.HTTPRequestSummary(
            keepAlive: request.keepAlive, head: request.method == "HEAD", minorVersion: request.minorVersion)
        let (mailbox, server) = (mailbox, server)
        Task {
            let response = await server.respond(to: request)
            mailbox.post(.response(target, response, request: summary))
            guard let stream = response.stream, !summary.head else { return }
            do {
                try await stream(HTTPBodyWriter(mailbox: mailbox, target: target))
                mailbox.post(.end(target, failed: false))
            } catch {
                mailbox.post(.end(target, failed: true))
            }
        }
        updateInterest(connection)
    }

    // MARK: - Writing

    private func deliver(now: Double) {
        for letter in mailbox.collect() {
            switch letter {
            case .response(let target, let response, let request):
                guard let connection = live(target) else { continue }
                // Decided now, not when the request came: a shutdown since then closes the connection.
                let chunked = request.minorVersion >= 1
                let keepAlive =
                    request.keepAlive && !server.draining.load(ordering: .relaxed)
                    && (response.stream == nil || chunked || request.head)
                let bytes = response.serialized(keepAlive: keepAlive, headRequest: request.head, chunked: chunked)
                if response.stream != nil && !request.head {
                    connection.streaming = Connection.Streaming(chunked: chunked, keepAlive: keepAlive)
                    respond(connection, with: bytes, close: false, endsResponse: false, now: now)
                } else {
                    finish(connection, with: bytes, keepAlive: keepAlive, now: now)
                }
            case .chunk(let target, let bytes, let continuation):
                guard let connection = live(target), let streaming = connection.streaming else {
                    continuation.resume(throwing: HTTPServerError("the client closed the connection"))
                    continue
                }
                let framed =
                    streaming.chunked
                    ? Array((String(bytes.count, radix: 16) + "\r\n").utf8) + bytes + [13, 10] : bytes
                connection.writerWaiting = continuation
                respond(connection, with: framed, close: false, endsResponse: false, now: now)
            case .end(let target, let failed):
                guard let connection = live(target), let streaming = connection.streaming else { continue }
                connection.streaming = nil
                // A body cut short must not look complete: the connection is reset, not closed.
                if failed { connection.awaitingResponse = false; abort(connection); continue }
                finish(
                    connection, with: streaming.chunked ? Array("0\r\n\r\n".utf8) : [], keepAlive: streaming.keepAlive,
                    now: now)
            }
        }
    }

    /// The connection a letter is for, if it is still open; one whose peer vanished is closed now.
    private func live(_ target: Mailbox.Target) -> Connection? {
        guard let connection = connections[target.fd], connection.generation == target.generation else { return nil }
        if connection.detached {
            connection.awaitingResponse = false
            close(connection)
            return nil
        }
        return connection
    }

    /// Writes the end of a response, then reads the next request (or closes).
    private func finish(_ connection: Connection, with bytes: [UInt8], keepAlive: Bool, now: Double) {
        connection.awaitingResponse = false
        respond(connection, with: bytes, close: !keepAlive, now: now)
        if connections[connection.fd] === connection { process(connection, now: now) }
    }

    private func respond(
        _ connection: Connection, with bytes: [UInt8], close: Bool, endsResponse: Bool = true, now: Double
    ) {
        connection.queue(bytes, endsResponse: endsResponse)
        if close { connection.closeAfterWrite = true }
        flush(connection, now: now)
    }

    private func flush(_ connection: Connection, now: Double) {
        while connection.hasPendingOutput {
            let sent = connection.output.withUnsafeBytes { bytes in
                send(
                    connection.fd, bytes.baseAddress! + connection.written, bytes.count - connection.written,
                    Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                connection.wrote(sent)
                connection.lastActivity = now
            } else if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                // A streaming handler may go on while what waits is small.
                if connection.output.count - connection.written < Self.streamHighWater,
                    let writer = connection.writerWaiting
                {
                    connection.writerWaiting = nil
                    writer.resume()
                }
                return updateInterest(connection)
            } else if sent < 0 && errno == EINTR {
                continue
            } else {
                return close(connection)
            }
        }
        connection.queue([], endsResponse: false)
        if let writer = connection.writerWaiting {
            connection.writerWaiting = nil
            writer.resume()
        }
        if connection.closeAfterWrite && !connection.awaitingResponse { return linger(connection, now: now) }
        updateInterest(connection)
    }

    /// Closes after a last response without resetting the connection (RFC 9112 §9.6): the
    /// sending side is shut, and what the client still sends is read and dropped until it closes
    /// too, or `lingerSeconds` or `lingerBytes` run out. Closing with unread input would send a
    /// reset, and a reset can destroy the response before the client has read it.
    private func linger(_ connection: Connection, now: Double) {
        guard !connection.detached else { return close(connection) }
        shutdown(connection.fd, Int32(SHUT_WR))
        connection.lingeringSince = now
        updateInterest(connection)
        discardInput(connection)
    }

    static let lingerSeconds = 2.0
    static let lingerBytes = 1 << 20

    private func discardInput(_ connection: Connection) {
        while true {
            let count = readBuffer.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                connection.discarded += count
                if connection.discarded > Self.lingerBytes { return close(connection) }
            } else if count < 0 && errno == EINTR {
                continue
            } else if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                return
            } else {
                return close(connection)
            }
        }
    }

    private func updateInterest(_ connection: Connection) {
        guard !connection.detached else { return }
        var wanted: UInt32 = 0
        if connection.wantsInput(server.configuration) || connection.lingeringSince != nil {
            wanted |= EPOLLIN.rawValue | EPOLLRDHUP.rawValue
        }
        if connection.hasPendingOutput { wanted |= EPOLLOUT.rawValue }
        guard wanted != connection.interest else { return }
        connection.interest = wanted
        var event = epoll_event(events: wanted, data: epoll_data_t(fd: connection.fd))
        epoll_ctl(epoll, EPOLL_CTL_MOD, connection.fd, &event)
    }

    /// Bytes a streamed body may have waiting for the client before its handler waits.
    static let streamHighWater = 256 * 1024

    /// Closes with a reset (RFC 9293 §3.10.5, ABORT; SO_LINGER of 0): a response cut short must not
    /// end like a complete one, which for a body delimited by the connection's close it would.
    private func abort(_ connection: Connection) {
        var reset = CLinux.linger(l_onoff: 1, l_linger: 0)
        setsockopt(connection.fd, SOL_SOCKET, SO_LINGER, &reset, socklen_t(MemoryLayout<CLinux.linger>.size))
        close(connection)
    }

    private func close(_ connection: Connection) {
        if let writer = connection.writerWaiting {
            connection.writerWaiting = nil
            writer.resume(throwing: HTTPServerError("the client closed the connection"))
        }
        if !connection.detached { epoll_ctl(epoll, EPOLL_CTL_DEL, connection.fd, nil) }
        CLinux.close(connection.fd)
        connections[connection.fd] = nil
        server.release(client: connection.client)
    }

    // MARK: - Timeouts and shutdown

    /// Closes idle connections and answers `408` to requests that take too long to arrive.
    private func sweep(now: Double) {
        let configuration = server.configuration
        for connection in Array(connections.values) {
            if let since = connection.lingeringSince, now - since > Self.lingerSeconds { close(connection) }
        }
        // A client that stopped reading what it asked for: its response is cut, so it is reset.
        for connection in Array(connections.values)
        where connection.hasPendingOutput && now - connection.lastActivity > configuration.idleTimeout {
            connection.awaitingResponse = false
            abort(connection)
        }
        for connection in Array(connections.values)
        where !connection.awaitingResponse && !connection.hasPendingOutput && connection.lingeringSince == nil {
            if connection.parser.isMidRequest, let started = connection.requestStartedAt,
                now - started > configuration.readTimeout
            {
                respond(
                    connection,
                    with: ServerResponses.error(
                        .requestTimeout, "the request did not arrive within \(configuration.readTimeout) s",
                        method: connection.parser.methodInProgress),
                    close: true, now: now)
            } else if !connection.parser.isMidRequest && now - connection.lastActivity > configuration.idleTimeout {
                close(connection)
            }
        }
    }

    /// Stops accepting and closes every connection with nothing under way; the others close once
    /// their response is written.
    private func drain() {
        if listening {
            listening = false
            epoll_ctl(epoll, EPOLL_CTL_DEL, listener, nil)
            if server.listenerWatchers.subtract(1, ordering: .relaxed).newValue == 0 { CLinux.close(listener) }
        }
        for connection in Array(connections.values)
        where connection.lingeringSince != nil
            || (!connection.awaitingResponse && !connection.hasPendingOutput && !connection.parser.isMidRequest)
        {
            close(connection)
        }
    }

    func wake() { mailbox.wake() }
}
