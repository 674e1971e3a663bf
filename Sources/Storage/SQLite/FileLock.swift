#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive `flock(2)` on a file: one holder per machine at a time, released by the kernel
/// when the holder closes it or dies.
enum FileLock {
    /// Runs `body` holding the lock at `path`, or returns nil at once if someone else holds it.
    static func withLock<T>(at path: String, _ body: () async throws -> T) async throws -> T? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw StoreError.unavailable("cannot open lock file '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            if errno == EWOULDBLOCK { return nil }
            throw StoreError.unavailable("cannot lock '\(path)': \(String(cString: strerror(errno)))")
        }
        return try await body()
    }
}
