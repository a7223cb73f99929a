import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the configuration on SIGHUP and hands it to every part that can change without a
/// restart (log level and format, templates, limits). A bad file is logged and the running
/// configuration kept.
struct ReloadService: Service {
    let configPath: String
    let logger: Logger
    let apply: @Sendable (DaemonConfiguration) async -> Void

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do {
                let configuration = try await DaemonConfiguration.load(path: configPath)
                DaemonLogging.apply(configuration)
                await apply(configuration)
                logger.notice("configuration reloaded", metadata: ["event": "daemon.reloaded"])
            } catch {
                logger.error("reload refused; keeping the running configuration",
                             metadata: ["event": "daemon.reload_failed", "error": "\(error)"])
            }
        }
    }
}
