import Hashing
import Migrations

/// Which of the program's migrations a database still needs, by the rules every backend keeps:
/// migrations apply in name order, a released migration never changes (its checksum is
/// recorded), and a database that has migrations the program does not know is refused.
struct MigrationPlan {
    struct Step {
        let file: MigrationFiles.File
        let checksum: String
    }

    let pending: [Step]
    let statuses: [MigrationStatus]

    /// `applied` maps the recorded migration names to their checksums.
    init(backend: String, applied: [String: String]) throws(StoreError) {
        let files: [MigrationFiles.File]
        do { files = try MigrationFiles.files(for: backend) } catch {
            throw .migration("cannot read the program's \(backend) migrations: \(error)")
        }
        let known = Set(files.map(\.name))
        if let unknown = applied.keys.sorted().first(where: { !known.contains($0) }) {
            throw .migration(
                "the database has migration \(unknown), which this program does not know; it is newer than the program")
        }
        var pending: [Step] = []
        var statuses: [MigrationStatus] = []
        for file in files {
            let checksum = SHA256.hex(SHA256.hash(Array(file.sql.utf8)))
            if let recorded = applied[file.name], recorded != checksum {
                throw .migration(
                    "migration \(file.name) was applied with checksum \(recorded.prefix(12))… but the program's copy has \(checksum.prefix(12))…; released migrations must never change"
                )
            }
            if applied[file.name] == nil { pending.append(Step(file: file, checksum: checksum)) }
            statuses.append(MigrationStatus(name: file.name, appliedNow: applied[file.name] == nil))
        }
        self.pending = pending
        self.statuses = statuses
    }
}
