import RegistryCore

/// Collects the findings of one record while it is decoded.
final class FindingLog {
    var findings: [Finding] = []

    func add(_ code: FindingCode, _ path: String, _ message: String) {
        findings.append(Finding(code, path, message))
    }
}
