import RegistryCore

/// K12: opening hours that say when the location is open (OCPI 2.2.1 §8.4.11, §8.4.21):
/// `twentyfourseven` or at least one regular period, weekdays 1–7, `HH:MM` local times with the
/// end after the begin, exceptional periods that end after they begin.
extension CorrectnessRules {
    func checkOpeningTimes(_ hours: Hours?, into findings: inout [Finding]) {
        guard let hours else { return }
        func flag(_ path: String, _ message: String) {
            findings.append(Finding(.openingHoursInvalid, "opening_times\(path)", message))
        }
        if hours.twentyfourseven == false && hours.regularHours.isEmpty {
            flag(".regular_hours", "twentyfourseven is false but no regular hours are given")
        }
        if hours.twentyfourseven == true && !hours.regularHours.isEmpty {
            flag(".regular_hours", "regular hours are given although twentyfourseven is true")
        }
        for (index, period) in hours.regularHours.enumerated() {
            let path = ".regular_hours[\(index)]"
            if let weekday = period.weekday, !(1...7).contains(weekday) {
                flag("\(path).weekday", "weekday \(weekday) is not 1 (Monday) … 7 (Sunday)")
            }
            let begin = period.periodBegin.flatMap(Self.minutes)
            let end = period.periodEnd.flatMap(Self.minutes)
            if let text = period.periodBegin, begin == nil { flag("\(path).period_begin", "\"\(text)\" is not HH:MM") }
            if let text = period.periodEnd, end == nil { flag("\(path).period_end", "\"\(text)\" is not HH:MM") }
            if let begin, let end, end <= begin {
                flag("\(path).period_end", "\(period.periodEnd!) is not later than \(period.periodBegin!)")
            }
        }
        for (name, periods) in [
            ("exceptional_openings", hours.exceptionalOpenings), ("exceptional_closings", hours.exceptionalClosings),
        ] {
            for (index, period) in periods.enumerated() {
                if let begin = period.periodBegin, let end = period.periodEnd, end <= begin {
                    flag(".\(name)[\(index)].period_end", "\(end) is not later than \(begin)")
                }
            }
        }
    }

    /// Minutes since midnight of `([0-1][0-9]|2[0-3]):[0-5][0-9]`, or nil.
    static func minutes(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[2] == UInt8(ascii: ":"),
            bytes.indices.allSatisfy({ $0 == 2 || (0x30...0x39).contains(bytes[$0]) })
        else { return nil }
        let hours = Int(bytes[0] - 0x30) * 10 + Int(bytes[1] - 0x30)
        let minutes = Int(bytes[3] - 0x30) * 10 + Int(bytes[4] - 0x30)
        guard hours < 24, minutes < 60 else { return nil }
        return hours * 60 + minutes
    }
}
