import Foundation

/// The SQL migrations of each backend, shipped as resources: `sqlite/NNNN_name.sql` and
/// `postgres/NNNN_name.sql`, applied in name order and never edited once released.
public enum MigrationFiles {
    public struct File: Sendable {
        public let name: String
        public let sql: String
    }

    /// The migrations of a backend folder (`sqlite` or `postgres`), in order.
    public static func files(for backend: String) throws -> [File] {
        guard let folder = Bundle.module.url(forResource: backend, withExtension: nil) else { return [] }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }
            .sorted()
        return try names.map { name in
            File(name: name, sql: try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8))
        }
    }
}
