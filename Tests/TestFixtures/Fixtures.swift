import Foundation

/// Locates the shared test data (`../shared/fixtures` beside the package root). Tests that need
/// it skip with a clear message when it is absent.
public enum Fixtures {
    /// The package root, found from this file's path.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let root: URL = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures")

    public static var available: Bool { FileManager.default.fileExists(atPath: root.path) }

    /// True when `CHARGEREG_REQUIRE_FIXTURES=1` (CI) makes missing fixtures a failure instead
    /// of a skip.
    public static let isRequired = ProcessInfo.processInfo.environment["CHARGEREG_REQUIRE_FIXTURES"] == "1"
    public static let missingMessage = "../shared/fixtures is absent beside the package root; fixture tests skipped"

    public static func url(_ relativePath: String) -> URL { root.appendingPathComponent(relativePath) }

    public static func files(in folder: String, matching predicate: (String) -> Bool = { _ in true }) -> [URL] {
        let directory = url(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter(predicate).sorted().map { directory.appendingPathComponent($0) }
    }

    /// The whole Location examples of the OCPI specification, per version folder.
    public static func specLocationExamples() -> [(version: String, url: URL)] {
        ["2.1.1", "2.2.1", "2.3.0"].flatMap { version in
            files(in: "ocpi/\(version)") { $0.hasPrefix("location_example") && $0.hasSuffix(".json") }
                .map { (version, $0) }
        }
    }

    /// The real operators' feeds, with the party the EV24 file needs declared.
    public static func feeds() -> [(url: URL, party: String?)] {
        files(in: "ocpi-feeds") { $0.hasSuffix(".json") }.map { url in
            (url, url.lastPathComponent.contains("ev24") ? "PL*E24" : nil)
        }
    }

    /// A fresh temporary directory for one test, inside the test process's own folder.
    public static func temporaryDirectory() -> URL {
        let url = processFolder.appendingPathComponent(UUID().uuidString)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// This test process's folder of temporary files, removed when it exits (one that crashes or
    /// is killed leaves it to the system's cleaning of the temporary folder).
    static let processFolder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("chargereg-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: Fixtures.processFolder) }
        return url
    }()
}
