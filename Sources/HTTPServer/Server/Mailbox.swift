import CLinux
import Synchronization

/// Responses finished by handlers on other threads, handed to their event loop; posting wakes
/// the loop through an eventfd.
final class Mailbox: Sendable {
    /// One connection, told apart from a later one on the same descriptor.
    struct Target: Sendable {
        let fd: Int32
        let generation: UInt64
    }

    enum Letter: Sendable {
        /// A handler's response (for a streamed one, its head).
        case response(Target, HTTPResponse, request: HTTPRequestSummary)
        /// A piece of a streamed body; the continuation resumes when the connection can take more.
        case chunk(Target, [UInt8], CheckedContinuation<Void, any Error>)
        /// A streamed body ended, completely or not.
        case end(Target, failed: Bool)
    }

    /// What the loop needs to know of the request a response answers.
    struct HTTPRequestSummary: Sendable {
        let keepAlive: Bool
        let head: Bool
        let minorVersion: Int
    }

    let eventFD: Int32
    private let letters = Mutex<[Letter]>([])

    init() throws(HTTPServerError) {
        eventFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard eventFD >= 0 else { throw HTTPServerError("eventfd: \(System.errorText())") }
    }

    deinit { close(eventFD) }

    func post(_ letter: Letter) {
        letters.withLock { $0.append(letter) }
        wake()
    }

    func wake() {
        var one: UInt64 = 1
        _ = write(eventFD, &one, 8)
    }

    /// Everything posted since the last call.
    func collect() -> [Letter] {
        var count: UInt64 = 0
        _ = read(eventFD, &count, 8)
        return letters.withLock { letters in
            defer { letters.removeAll() }
            return letters
        }
    }
}

/// Why the server could not start.
public struct HTTPServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
