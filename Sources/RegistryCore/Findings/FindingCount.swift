/// How many of a record's findings one rule gave. A scorecard counts failures per rule, so a
/// record's findings summed this way are all it needs of them, but for a few examples.
public struct FindingCount: Sendable, Hashable {
    public var code: FindingCode
    public var count: Int

    public init(code: FindingCode, count: Int) {
        self.code = code
        self.count = count
    }
}

extension Array where Element == Finding {
    /// The findings counted per rule, each rule in the order it first appears.
    public var counts: [FindingCount] {
        var counts: [FindingCount] = []
        var index: [FindingCode: Int] = [:]
        for finding in self {
            if let known = index[finding.code] {
                counts[known].count += 1
            } else {
                index[finding.code] = counts.count
                counts.append(FindingCount(code: finding.code, count: 1))
            }
        }
        return counts
    }
}
