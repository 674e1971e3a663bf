#if canImport(Glibc)
    import Glibc
#endif
import CLinux
import Foundation

@testable import HTTPServer

/// A blocking loopback client for live-socket tests, with a receive timeout. Its waits run on a
/// dispatch thread (`await client.response()`), never on Swift's cooperative pool, where they
/// would starve the server's own handlers. Used by one task at a time.
final class TestClient: @unchecked Sendable {
    let fd: Int32
    private var pending: [UInt8] = []

    init(port: Int, timeout: Double = 30) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var time = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { throw HTTPServerError("connect: \(System.errorText())") }
    }

    deinit { close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    typealias Response = (status: Int, headers: [String: String], body: String)

    /// Reads one response (status line, fields, Content-Length body); nil on close or timeout.
    func response() async -> Response? {
        await Self.offPool { self.blockingResponse() }
    }

    /// True when the server closed the connection (EOF) within the timeout.
    func isClosedByServer() async -> Bool {
        await Self.offPool {
            var byte: UInt8 = 0
            return recv(self.fd, &byte, 1, 0) == 0
        }
    }

    /// Everything the server sends until it closes the connection.
    func untilClosed() async -> String {
        await Self.offPool {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { break }
                self.pending += buffer[0..<count]
            }
            return String(decoding: self.pending, as: UTF8.self)
        }
    }

    /// Runs a blocking wait on a thread of its own: neither Swift's pool nor dispatch's (which
    /// the pool shares on Linux) is held while the server needs it.
    private static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    private func blockingResponse() -> Response? {
        while true {
            if let parsed = parse() { return parsed }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return nil }
            pending += buffer[0..<count]
        }
    }

    private func parse() -> (status: Int, headers: [String: String], body: String)? {
        let separator = Array("\r\n\r\n".utf8)
        guard let end = pending.indices.first(where: { pending[$0...].starts(with: separator) }) else { return nil }
        let head = String(decoding: pending[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            headers[parts[0].lowercased()] = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        }
        let status = Int(head[0].split(separator: " ")[1]) ?? 0
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
