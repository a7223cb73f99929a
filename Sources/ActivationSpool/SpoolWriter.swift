public import Foundation

/// Writes records into a spool as every front must: `tmp/<name>`, fsync, rename to
/// `new/<name>.json`, fsync `new/` — so intake never sees a partial record.
public enum SpoolWriter {
    /// Writes `record` (already validated by the caller) and returns the file name in `new/`.
    @discardableResult
    public static func write(_ record: Data, to spool: SpoolDirectory) throws(SpoolError) -> String {
        let tmpPath = try spool.writeTmp(record, mode: 0o640)
        let name = String(tmpPath.split(separator: "/").last!) + ".json"
        try spool.renameTmp(tmpPath, to: spool.new + "/" + name)
        try SpoolDirectory.fsyncDirectory(spool.new)
        return name
    }
}
