#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import HTTPServer

/// Where a dump's bytes go, chunk by chunk, so that memory stays bounded whatever the dataset:
/// an HTTP response body (waiting while the client is slow) or a file.
public protocol DumpSink: Sendable {
    func write(_ bytes: [UInt8]) async throws
}

extension HTTPBodyWriter: DumpSink {}

/// A file descriptor (a file being written, standard output).
public struct FileDescriptorSink: DumpSink {
    public let fd: Int32

    public init(fd: Int32) { self.fd = fd }

    public func write(_ bytes: [UInt8]) async throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { raw in
                #if canImport(Glibc)
                    Glibc.write(fd, raw.baseAddress, raw.count)
                #else
                    Darwin.write(fd, raw.baseAddress, raw.count)
                #endif
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw DumpError.cannotWrite(String(cString: strerror(errno)))
            }
            offset += count
        }
    }
}

/// Why a dump stopped.
public enum DumpError: Error, CustomStringConvertible {
    case cannotWrite(String)
    case unreadableDocument(String)

    public var description: String {
        switch self {
        case .cannotWrite(let reason): "cannot write the dump: \(reason)"
        case .unreadableDocument(let key): "the stored document of \(key) cannot be read back"
        }
    }
}
