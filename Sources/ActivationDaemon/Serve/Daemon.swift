import ActivationCore
import ActivationHTTP
import ActivationMail
import ActivationSpool
import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `activationd serve`: every part of the daemon in one ServiceGroup.
///
/// Start order is the array order and graceful shutdown (SIGTERM, SIGINT) runs in reverse, so the
/// listeners stop taking requests first, then the sweeper and the intake, and the courier finishes
/// its in-flight mail last. The store is not a service of the group but runs around it
/// (`StoreOpener.withStore`): opened, running (PostgreSQL's pool) and migrated before the group
/// starts, cancelled and closed once the group has returned — so it stops after every part that
/// uses it. Then the SMTP transport is shut down.
public enum Daemon {
    /// Runs until SIGTERM or SIGINT; returns the exit status.
    public static func serve(configPath: String) async -> ExitStatus {
        PrivateFiles.restrictUmask()
        let configuration: DaemonConfiguration
        do {
            configuration = try await DaemonConfiguration.load(path: configPath)
        } catch {
            LineLogHandler.standardError("activationd: \(error)")
            return .config
        }
        DaemonLogging.bootstrap(configuration)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        // A new value means a restart (a crash, or systemd's watchdog killing a stuck daemon): the
        // alert "restarting" counts its changes.
        Gauge(label: "activationd_start_time_seconds").record(Date().timeIntervalSince1970)
        let logger = Logger(label: "activationd")
        // What check-config warns about (no DKIM key, DKIM not aligned with From) is worth a line in
        // the journal too: the operator who never ran check-config sees it here.
        for warning in configuration.warnings {
            logger.warning("configuration warning", metadata: [LogKey.event: "\(DaemonEvent.configWarning)", "warning": "\(warning)"])
        }
        if let maildir = configuration.bounceMaildir {
            switch BounceMaildirCheck.check(maildir) {
            case .writable: break
            case .missing:
                logger.warning("configuration warning", metadata: [LogKey.event: "\(DaemonEvent.configWarning)", "warning": """
                    bounces.maildir \(maildir) has no new/ or cur/ yet; reports are read once the delivery agent makes it
                    """])
            case .notWritable(let reason):
                LineLogHandler.standardError("""
                    activationd: configuration: bounces.maildir: \(reason): each report read is moved from new/ to cur/, \
                    so both must be writable by the service (under systemd, add the Maildir to ReadWritePaths= in a drop-in)
                    """)
                return .config
            }
        }
        let notifier = SystemdNotifier()
        let httpOptions = configuration.httpOptions
        let fileLimit = FileLimit.raiseToHardLimit()
        let operatorConnections = httpOptions.operatorListen == nil ? 0 : ConnectionLimits.operatorConnections
        guard let maximalConnections = FileLimit.connections(
            wanted: httpOptions.connections.maximalConnections, operatorConnections: operatorConnections,
            fileLimit: fileLimit)
        else {
            LineLogHandler.standardError("activationd: the file limit (\(fileLimit)) leaves no descriptor for HTTP "
                + "connections beside the \(ConnectionLimits.reservedDescriptors) reserved; raise LimitNOFILE")
            return .config
        }
        if maximalConnections < httpOptions.connections.maximalConnections {
            logger.warning("http.maximal_connections lowered to fit the file limit", metadata: [
                LogKey.event: "\(EventName.httpConnectionsLowered)", "configured": "\(httpOptions.connections.maximalConnections)",
                "maximal_connections": "\(maximalConnections)", "file_limit": "\(fileLimit)",
                "reserved": "\(ConnectionLimits.reservedDescriptors + operatorConnections)",
            ])
        }

        // The store runs around the whole service group: it is opened and migrated before any part
        // starts, and cancelled and closed after the last has stopped.
        do {
            return try await StoreOpener.withStore(configuration.store, waitForDatabase: true) { store in
            do {
                // Before the courier's first claim: after a kill, the rows it had leased go out again now,
                // not when their leases end minutes later.
                if let recovered = try await store.recoverLeases(), recovered > 0 {
                    logger.notice("rows leased by a courier that is gone are due again", metadata: [
                        LogKey.event: "\(EventName.courierLeasesRecovered)", LogKey.count: "\(recovered)",
                    ])
                }
            } catch {
                logger.error("cannot recover the leases of a courier that is gone; they end as usual", metadata: [
                    LogKey.event: "\(EventName.courierStoreError)", LogKey.error: "\(error)",
                ])
            }

            var parts: Set<String> = ["store", "signals", "spool", "http"]
            if httpOptions.operatorListen != nil { parts.insert("operator") }
            let gate = ReadinessGate(parts: parts, notifier: notifier, logger: logger)
            let sweeper = Sweeper(store: store, options: configuration.sweeperOptions,
                                  logger: Logger(label: "activationd.sweeper"))
            let intake = IntakeService(
                options: configuration.intakeOptions, store: store, logger: Logger(label: "activationd.intake"),
                clock: ContinuousClock(), started: { await gate.ready("spool") })
            let server: ActivationServer
            do {
                server = try ActivationServer(
                    options: httpOptions, store: store, keys: configuration.keys,
                    logger: Logger(label: "activationd.http"), metrics: registry,
                    readiness: [ReadinessCheck(name: "spool") { SpoolProbe.isWritable(configuration.spool.directory) }])
            } catch {
                LineLogHandler.standardError("activationd: configuration: templates.directory: \(error)")
                return .config
            }
            let transport: CurlSMTPTransport
            let courier: Courier
            do {
                transport = try CurlSMTPTransport(options: configuration.smtpOptions)
                courier = Courier(store: store, transport: transport, factory: try configuration.mailFactory(),
                                  options: configuration.courierOptions, logger: Logger(label: "activationd.courier"))
            } catch {
                LineLogHandler.standardError("activationd: configuration: smtp: \(error)")
                return .config
            }
            // Start order is this order; graceful shutdown runs in reverse: the public listener stops
            // taking requests first, then the operator listener, the bounce reader, the memory gauge,
            // reload, watchdog, the sweeper, the intake; the courier finishes its in-flight mail last.
            var services: [any Service] = [
                courier,
                intake,
                sweeper,
                WatchdogService(store: store, notifier: notifier, gate: gate, logger: logger),
                ReloadService(configPath: configPath, logger: logger, gate: gate, apply: {
                    [reloader = server.reloader, mail = courier.factory] reloaded in
                    // Only the templates change: the signing keys, sender and public URL stay as the
                    // HTTP side verifies them until a restart.
                    var updated = configuration
                    updated.templatesDirectory = reloaded.templatesDirectory
                    let factory = try updated.mailFactory()
                    try reloader.reload(templatesDirectory: reloaded.templatesDirectory, limits: reloaded.httpOptions.limits)
                    mail.replace(with: factory)
                }),
            ]
            if store.engineMemoryInUse() != nil { services.append(MemoryGaugeService(store: store)) }
            if let maildir = configuration.bounceMaildir, let address = configuration.bounceAddress {
                let reader = BounceReader(maildir: maildir, address: address,
                                          envelopeHeader: configuration.bounceEnvelopeHeader, store: store,
                                          logger: Logger(label: "activationd.bounces"))
                services.append(BounceService(reader: reader, interval: configuration.bounceScanInterval,
                                              logger: Logger(label: "activationd.bounces")))
            }
            // Before the public listener, so that it stops after it: metrics and probes answer while the
            // public listener drains.
            if let operatorListener = server.operatorApplication(listening: { port in
                await gate.ready("operator", listening: port.map { ListenAddress(host: httpOptions.operatorListen?.host ?? "", port: $0) })
            }) {
                services.append(operatorListener)
            }
            services.append(server.application(maximalConnections: maximalConnections,
                                               listening: { port in
                await gate.ready("http", listening: port.map { ListenAddress(host: httpOptions.listen.host, port: $0) })
            }))
            let group = ServiceGroup(configuration: .init(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            await gate.ready("store")
            var status = ExitStatus.ok
            do {
                try await group.run()
            } catch {
                logger.critical("stopped on an error", metadata: [LogKey.event: "\(DaemonEvent.failed)", LogKey.error: "\(error)"])
                status = .software
            }
            notifier.notify("STOPPING=1")
            await transport.shutdown()
            if status == .ok { logger.info("stopped", metadata: [LogKey.event: "\(DaemonEvent.stopped)"]) }
            return status
            }
        } catch let error as ConfigurationError {
            LineLogHandler.standardError("activationd: \(error)")
            return .config
        } catch let error as StoreOpenError {
            logger.critical("cannot open the store", metadata: [LogKey.event: "\(DaemonEvent.storeFailed)", LogKey.error: "\(error)"])
            return .software
        } catch {
            logger.critical("the store failed", metadata: [LogKey.event: "\(DaemonEvent.storeFailed)", LogKey.error: "\(error)"])
            return .software
        }
    }
}
