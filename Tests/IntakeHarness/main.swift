// intake-harness — the real intake service over a real SQLite store in a process of its own, so
// that the crash tests can SIGKILL it at any moment and start it again. Not installed; test only.
//
//   intake-harness SPOOL STORE LOG_N [RESCAN_SECONDS]
//
// Logs (logfmt-ish, swift-log's stream handler) go to standard error; SIGTERM shuts down gracefully.
import ActivationCore
import ActivationSpool
import ActivationStoreSQLite
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

let arguments = CommandLine.arguments
guard arguments.count >= 4, let logN = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: intake-harness SPOOL STORE LOG_N [RESCAN_SECONDS]\n".utf8))
    exit(64)
}
let rescan = arguments.count > 4 ? Int(arguments[4]) ?? 1 : 1

LoggingSystem.bootstrap(StreamLogHandler.standardError)
var logger = Logger(label: "activationd.intake")
logger.logLevel = .info

let store = try SQLiteAccountStore(path: arguments[2])
try await store.migrate()
let options = IntakeOptions(
    directory: arguments[1], rescanInterval: .seconds(rescan),
    passwordHash: ScryptParameters(logN: logN, r: 8, p: 1))
let intake = IntakeService(options: options, store: store, logger: logger, clock: ContinuousClock())
let group = ServiceGroup(configuration: .init(
    services: [intake], gracefulShutdownSignals: [.sigterm], logger: logger))
try await group.run()
