import CLinux
import Synchronization

/// Responses finished by handlers on other threads, handed to their event loop; posting wakes
/// the loop through an eventfd.
final class Mailbox: Sendable {
    struct Letter: Sendable {
        let fd: Int32
        let generation: UInt64
        let response: HTTPResponse
        let keepAlive: Bool
        let headRequest: Bool
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
