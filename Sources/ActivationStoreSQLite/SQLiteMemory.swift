import GRDBSQLite

/// SQLite's own heap in this process: every connection's page cache, prepared statements and
/// schema. It grows as the file does, up to each connection's cache limit (2 MiB by default), and
/// shows whether a growing RSS is SQLite's caches filling or something else.
public enum SQLiteMemory {
    /// Bytes SQLite has allocated and not freed.
    public static var used: Int64 { sqlite3_memory_used() }
}
