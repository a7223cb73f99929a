import ActivationCore
import Foundation

extension DaemonConfiguration {
    /// The store a `--from`/`--to` URL names. A PostgreSQL URL takes its password, TLS and pool
    /// size from this configuration's `store.*` keys (the URL never holds a password).
    public func storeLocation(url: String) throws(ConfigurationError) -> StoreLocation {
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
            return try ConfigurationValues.store(url)
        }
        var location = try ConfigurationValues.postgres(url)
        if case .postgres(let configured) = store {
            location.password = configured.password
            location.tls = configured.tls
            location.caFile = configured.caFile
            location.poolSize = configured.poolSize
        }
        return .postgres(location)
    }
}

extension OperatorCommands {
    /// `store copy --from URL [--to URL]`: copies every row of one store into another, empty one
    /// (`--to` defaults to the configured `store.url`), then reads both back and compares them.
    ///
    /// Run it with the daemons stopped. Exits 0 when the target holds exactly the source's rows,
    /// 65 when the target is not empty (nothing written), 70 when the check after the copy fails.
    public static func storeCopy(from: String, to: String?, _ configuration: DaemonConfiguration) async throws
        -> CommandOutcome
    {
        let source = try configuration.storeLocation(url: from)
        let target = try to.map { url throws(ConfigurationError) in try configuration.storeLocation(url: url) }
            ?? configuration.store
        guard source != target else {
            return CommandOutcome(status: .usage, error: "store copy: --from and --to name the same store")
        }
        if case .sqlite(let path) = source, !FileManager.default.fileExists(atPath: path) {
            return CommandOutcome(status: .noInput, error: "store copy: \(path) does not exist")
        }
        return try await StoreOpener.withStore(source) { from in
            try await StoreOpener.withStore(target) { into in
                let snapshot = try await from.snapshot().sorted
                do {
                    try await into.restore(snapshot)
                } catch let error as StoreNotEmpty {
                    return CommandOutcome(status: .dataError, error: "store copy: \(error); nothing was copied")
                }
                let copied = try await into.snapshot().sorted
                let lines = snapshot.counts.sorted { $0.key < $1.key }.map { name, count in
                    "\(name): \(count) copied, \(copied.counts[name] ?? 0) in the target"
                }
                guard copied == snapshot else {
                    return CommandOutcome(output: lines.joined(separator: "\n"), status: .software,
                                          error: "store copy: the target does not hold exactly the source's rows")
                }
                return CommandOutcome(output: (lines + ["copied \(describe(source)) to \(describe(target))"])
                    .joined(separator: "\n"))
            }
        }
    }

    private static func describe(_ location: DaemonConfiguration.StoreLocation) -> String {
        switch location {
        case .sqlite(let path): "sqlite://\(path)"
        case .postgres(let location): "\(location)"
        }
    }
}
