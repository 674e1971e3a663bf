#if canImport(Glibc)
    import Glibc
#endif
import Testing

@testable import AccessPoint

/// The quality scan's threads run at the lowest priority, and only they: the priority is the
/// thread's own and never reaches the threads that answer requests.
@Suite struct BackgroundThreadTests {
    static func niceness() -> Int32 {
        #if os(Linux)
            errno = 0
            return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #else
            return 0
        #endif
    }

    @Test func backgroundThreadsAreNiceAndNoOtherIs() async throws {
        let before = Self.niceness()
        let inside = try await BackgroundThread.run { Self.niceness() }
        #if os(Linux)
            #expect(inside == 19)
        #endif
        #expect(Self.niceness() == before)
        let elsewhere = try await BackgroundThread.run { 1 }
        #expect(elsewhere == 1 && Self.niceness() == before)
    }
}
