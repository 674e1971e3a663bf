extension PostgresConnection {
    /// Applies the pending migrations of `Migrations/postgres` in one transaction (PostgreSQL's
    /// DDL is transactional: all or nothing) under an advisory lock, so that instances starting
    /// together never apply a migration twice.
    func migrate(now: Int64) throws(StoreError) -> [MigrationStatus] {
        try transaction { client throws(StoreError) in
            try client.query(
                "SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ':' || $1, 0))",
                [.text(Self.migrationLock)])
            try client.execute(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    name text PRIMARY KEY, checksum text NOT NULL, applied_at bigint NOT NULL)
                """)
            var applied: [String: String] = [:]
            let rows = try client.query("SELECT name, checksum FROM schema_migrations")
            for row in 0..<rows.count { applied[rows.text(row, 0)!] = rows.text(row, 1)! }
            let plan = try MigrationPlan(backend: "postgres", applied: applied)
            for step in plan.pending {
                try client.execute(step.file.sql)
                try client.query(
                    "INSERT INTO schema_migrations (name, checksum, applied_at) VALUES ($1, $2, $3)",
                    [.text(step.file.name), .text(step.checksum), .integer(now)])
            }
            return plan.statuses
        }
    }

    static let migrationLock = "chargereg.migrate"
}
