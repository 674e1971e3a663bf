#if canImport(Glibc)
    import Glibc
#endif
import Foundation

/// A blocking loopback client for live-socket tests, with a receive timeout, that can speak from
/// another loopback address (127.0.0.2 is another client to the server). Its waits run on a
/// thread of their own (`await client.response()`), never on Swift's cooperative pool, where they
/// would starve the server's own handlers. Used by one task at a time.
public final class TestClient: @unchecked Sendable {
    public let fd: Int32
    private var pending: [UInt8] = []

    public struct ConnectError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(port: Int, timeout: Double = 30, from source: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ConnectError(description: "socket: \(String(cString: strerror(errno)))") }
        var time = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        if let source {
            var local = Self.address(source, port: 0)
            let bound = withUnsafePointer(to: &local) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            guard bound else {
                defer { close(fd) }
                throw ConnectError(description: "bind \(source): \(String(cString: strerror(errno)))")
            }
        }
        var address = Self.address("127.0.0.1", port: port)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            defer { close(fd) }
            throw ConnectError(description: "connect: \(String(cString: strerror(errno)))")
        }
    }

    private static func address(_ host: String, port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr(host)
        return address
    }

    deinit { close(fd) }

    public func send(_ text: String) { send(Array(text.utf8)) }

    /// Sends all of `bytes` (or as much as the peer takes before an error or the send timeout).
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Int {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL))
            }
            guard count > 0 else { break }
            sent += count
        }
        return sent
    }

    /// Closes the sending side: the server sees the end of the request stream (a half-close).
    public func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    public typealias Response = (status: Int, headers: [String: String], body: String)

    /// Reads one response (status line, fields, Content-Length or chunked body); nil on close or timeout.
    public func response() async -> Response? {
        await Self.offPool { self.blockingResponse() }
    }

    /// `response()` on the calling thread, for code already off the pool.
    public func blockingResponse() -> Response? {
        while true {
            if let parsed = parse() { return parsed }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return nil }
            pending += buffer[0..<count]
        }
    }

    /// True when the server closed the connection (EOF) within the timeout.
    public func isClosedByServer() async -> Bool {
        await Self.offPool {
            var byte: UInt8 = 0
            return recv(self.fd, &byte, 1, 0) == 0
        }
    }

    /// Everything the server sends until it closes the connection (or the timeout).
    public func untilClosed() async -> String {
        await Self.offPool { String(decoding: self.blockingUntilClosed(), as: UTF8.self) }
    }

    /// The raw bytes until the server closes the connection (or the timeout), on the calling thread.
    public func blockingUntilClosed() -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            pending += buffer[0..<count]
        }
        defer { pending = [] }
        return pending
    }

    /// Runs a blocking wait on a thread of its own: neither Swift's pool nor dispatch's (which
    /// the pool shares on Linux) is held while the server needs it.
    public static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    private func parse() -> Response? {
        let separator = Array("\r\n\r\n".utf8)
        guard let end = pending.indices.first(where: { pending[$0...].starts(with: separator) }) else { return nil }
        let head = String(decoding: pending[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard let name = parts.first else { continue }
            headers[name.lowercased()] = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        }
        let statusParts = head[0].split(separator: " ")
        let status = statusParts.count > 1 ? Int(statusParts[1]) ?? 0 : 0
        if headers["transfer-encoding"] == "chunked" {
            // size CRLF data CRLF …, ending with 0 CRLF CRLF.
            var index = end + 4
            var body: [UInt8] = []
            while true {
                guard let lineEnd = pending[index...].firstIndex(of: 13), lineEnd + 1 < pending.count else {
                    return nil
                }
                guard let size = Int(String(decoding: pending[index..<lineEnd], as: UTF8.self), radix: 16) else {
                    return nil
                }
                let dataStart = lineEnd + 2
                guard pending.count >= dataStart + size + 2 else { return nil }
                if size == 0 {
                    pending.removeSubrange(0..<(dataStart + 2))
                    return (status, headers, String(decoding: body, as: UTF8.self))
                }
                body += pending[dataStart..<(dataStart + size)]
                index = dataStart + size + 2
            }
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        guard pending.count >= end + 4 + length else { return nil }
        let body = String(decoding: pending[(end + 4)..<(end + 4 + length)], as: UTF8.self)
        pending.removeSubrange(0..<(end + 4 + length))
        return (status, headers, body)
    }
}
