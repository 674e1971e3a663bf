#if canImport(Glibc)
    import Glibc
#endif

/// Output files that appear only when complete: written beside the target as `FILE.partial` and
/// renamed at the end, so a failed run never leaves a truncated file that a mirror or a later
/// ingest would take for the whole.
enum OutputFile {
    /// A device or pipe (`/dev/null`, `/dev/stdout`, a FIFO) is written in place: renaming onto it
    /// would replace it with a file.
    static func write<T>(_ path: String, _ body: (Int32) async throws -> T) async throws -> T {
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG, status.st_mode & S_IFMT != S_IFDIR {
            let fd = open(path, O_WRONLY)
            guard fd >= 0 else {
                throw CommandFailure(description: "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            defer { close(fd) }
            return try await body(fd)
        }
        let partial = path + ".partial"
        let fd = open(partial, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            throw CommandFailure(description: "cannot write \(partial): \(String(cString: strerror(errno)))")
        }
        let result: T
        do {
            result = try await body(fd)
            close(fd)
        } catch {
            close(fd)
            unlink(partial)
            throw error
        }
        guard rename(partial, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(partial)
            throw CommandFailure(description: "cannot write \(path): \(reason)")
        }
        return result
    }

    /// Writes all of `bytes`, retrying short writes.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw CommandFailure(description: "cannot write: \(String(cString: strerror(errno)))")
            }
            offset += count
        }
    }
}
