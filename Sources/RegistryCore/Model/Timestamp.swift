/// An instant in UTC with nanosecond precision, as OCPI DateTime carries it (RFC 3339, UTC;
/// fractional seconds allowed since 2.2; a missing zone designator means UTC; ocpi.md §4.7).
///
/// Formatting writes `Z` and milliseconds at most (`.123`, three digits, or none when they are
/// zero): an OCPI DateTime is at most 25 characters (OCPI 2.2.1 §16.2), and parsers that take
/// only 3 or 6 fraction digits (Python's before 3.11) read it. The registry's own times are kept
/// at that precision (`RegistryClock`), so what it writes is exactly what it holds.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let seconds: Int64
    /// 0 ..< 1_000_000_000.
    public let nanoseconds: Int32

    public init(seconds: Int64, nanoseconds: Int32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// Microseconds since the epoch: the integer the stores index and compare.
    public var microseconds: Int64 { seconds * 1_000_000 + Int64(nanoseconds / 1000) }

    public init(microseconds: Int64) {
        var seconds = microseconds / 1_000_000
        var micros = microseconds % 1_000_000
        if micros < 0 {
            seconds -= 1
            micros += 1_000_000
        }
        self.init(seconds: seconds, nanoseconds: Int32(micros * 1000))
    }

    /// The same instant without its sub-millisecond part.
    public var truncatedToMilliseconds: Timestamp {
        Timestamp(seconds: seconds, nanoseconds: nanoseconds / 1_000_000 * 1_000_000)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// The result of reading a DateTime leniently.
    public struct Parsed: Sendable {
        public var timestamp: Timestamp
        /// The text had a zone offset other than `Z`/`+00:00` (converted to UTC).
        public var hadOffset: Bool
        /// The text had no zone designator (UTC implied).
        public var lackedZone: Bool
    }

    /// Reads `YYYY-MM-DD[T ]HH:MM:SS[.f+][Z|±HH:MM|±HHMM]` (nanoseconds kept, further fraction digits
    /// dropped); nil for anything else.
    public static func parse(_ text: String) -> Parsed? {
        let b = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= b.count else { return nil }
            var value = 0
            for index in start..<(start + count) {
                guard b[index] >= 0x30 && b[index] <= 0x39 else { return nil }
                value = value * 10 + Int(b[index] - 0x30)
            }
            return value
        }
        guard b.count >= 19, let year = number(0, 4), b[4] == 0x2D, let month = number(5, 2), b[7] == 0x2D,
            let day = number(8, 2), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == 0x20,
            let hour = number(11, 2), b[13] == 0x3A, let minute = number(14, 2), b[16] == 0x3A,
            let second = number(17, 2), (1...12).contains(month), (1...daysIn(month, year)).contains(day),
            hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var nanos = 0
        if index < b.count && b[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < b.count, b[index] >= 0x30, b[index] <= 0x39 {
                if digits < 9 { nanos = nanos * 10 + Int(b[index] - 0x30) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            // Digits beyond the ninth are read and dropped (RFC 3339 §5.6 sets no limit).
            for _ in min(digits, 9)..<9 { nanos *= 10 }
        }
        var offsetSeconds = 0
        var lackedZone = false
        if index == b.count {
            lackedZone = true
        } else if b[index] == UInt8(ascii: "Z") || b[index] == UInt8(ascii: "z") {
            index += 1
        } else if b[index] == UInt8(ascii: "+") || b[index] == UInt8(ascii: "-") {
            let sign = b[index] == UInt8(ascii: "-") ? -1 : 1
            guard let offsetHours = number(index + 1, 2), offsetHours < 24 else { return nil }
            var minutesStart = index + 3
            if minutesStart < b.count && b[minutesStart] == 0x3A { minutesStart += 1 }
            guard let offsetMinutes = number(minutesStart, 2), offsetMinutes < 60 else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
            index = minutesStart + 2
        }
        guard index == b.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        return Parsed(
            timestamp: Timestamp(seconds: seconds, nanoseconds: Int32(nanos)), hadOffset: offsetSeconds != 0,
            lackedZone: lackedZone)
    }

    /// `2015-06-29T20:39:09Z`, or with milliseconds (`.200Z`, `.123Z`; finer digits dropped).
    public var description: String {
        let days = Int(seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400)
        let secondOfDay = Int(seconds - Int64(days) * 86400)
        let (year, month, day) = Self.civilFromDays(days)
        var text: [UInt8] = []
        text.reserveCapacity(30)
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        if year < 0 { text.append(UInt8(ascii: "-")) }
        digits(abs(year), abs(year) < 10000 ? 4 : String(abs(year)).count)
        for (separator, value) in [
            (UInt8(ascii: "-"), month), (UInt8(ascii: "-"), day), (UInt8(ascii: "T"), secondOfDay / 3600),
            (UInt8(ascii: ":"), secondOfDay / 60 % 60), (UInt8(ascii: ":"), secondOfDay % 60),
        ] {
            text.append(separator)
            digits(value, 2)
        }
        let milliseconds = Int(nanoseconds) / 1_000_000
        if milliseconds > 0 {
            text.append(UInt8(ascii: "."))
            digits(milliseconds, 3)
        }
        text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }

    private static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }

    private static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let dayOfEra = z - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
