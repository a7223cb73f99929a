import ActivationCore
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
    let gate: ReadinessGate
    let apply: @Sendable (DaemonConfiguration) async throws -> Void

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        // Only now would a SIGHUP reload instead of killing the process: not ready before this.
        await gate.ready("signals")
        for await _ in hangups.cancelOnGracefulShutdown() {
            do {
                let configuration = try await DaemonConfiguration.load(path: configPath)
                try await apply(configuration)
                DaemonLogging.apply(configuration)
                logger.notice("configuration reloaded", metadata: [LogKey.event: "\(DaemonEvent.reloaded)"])
            } catch {
                logger.error("reload refused; keeping the running configuration",
                             metadata: [LogKey.event: "\(DaemonEvent.reloadFailed)", LogKey.error: "\(error)"])
            }
        }
    }
}
