enum MigrationFiles {}
