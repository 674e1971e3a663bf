#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import RegistryCore

/// Where the registry's own times (first seen, changed, confirmed) come from: the system clock
/// in production, a fixed or stepping clock in tests.
public struct RegistryClock: Sendable {
    public let now: @Sendable () -> Timestamp

    /// Every reading is cut to the millisecond: the precision OCPI DateTimes are written in.
    public init(now: @escaping @Sendable () -> Timestamp) { self.now = { now().truncatedToMilliseconds } }

    public static let system = RegistryClock {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(seconds: Int64(spec.tv_sec), nanoseconds: Int32(spec.tv_nsec))
    }
}
