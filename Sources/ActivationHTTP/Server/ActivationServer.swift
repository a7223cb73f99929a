public import ActivationCore
import ActivationSpoolFiles
public import Foundation
public import Hummingbird
public import Logging
public import NIOPosix
public import Prometheus
public import ServiceLifecycle

/// The HTTP side, assembled: its router (to which a benchmark or the daemon may add routes), the
/// services it needs running beside the server, and the Hummingbird application made of both.
///
/// ```swift
/// let http = try ActivationServer(options: options, store: store, keys: keys, logger: logger,
///                                 metrics: registry, readiness: [spoolCheck])
/// let group = ServiceGroup(services: [..., http.application()], logger: logger)
/// ```
public struct ActivationServer {
    /// The routes; add more before calling `application()`.
    public var router: Router<ActivationRequestContext>
    /// The operator listener's routes: `/metrics`, `/healthz`, `/readyz`.
    public var operatorRouter: Router<ActivationRequestContext>
    /// Services that must run while the server runs (the resend queue).
    public let services: [any Service]
    /// The options the server was built with.
    public let options: HTTPOptions
    private let logger: Logger
    /// Changes templates and limits while the server runs (the daemon's SIGHUP).
    public let reloader: HTTPReloader

    /// Builds the routes and their dependencies.
    ///
    /// - Parameters:
    ///   - options: listen address, public URL, activation options, templates, limits.
    ///   - store: where accounts are; only read, activated, and asked to queue a resend.
    ///   - keys: the signing keys that verify activation tokens.
    ///   - logger: the daemon's logger (this library never creates or bootstraps one).
    ///   - metrics: the registry behind the daemon's `PrometheusMetricsFactory`, served at
    ///     `/metrics` on the operator listener only. The daemon bootstraps `MetricsSystem`; the
    ///     counters here go through it.
    ///   - readiness: checks for `/readyz` besides the store (the daemon's spool check).
    ///   - threadPool: where scrypt runs; `.singleton` (NIO's blocking pool) by default.
    ///   - now: the clock, for tests.
    /// - Throws: if the templates directory cannot be read or a template does not parse.
    public init(
        options: HTTPOptions, store: any AccountStore, keys: KeyRing, logger: Logger,
        metrics: PrometheusCollectorRegistry, readiness: [ReadinessCheck] = [],
        threadPool: NIOThreadPool = .singleton, now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        let pages = PageLibrary(try PageRenderer(directory: options.templatesDirectory,
                                                  askPassword: options.activation.confirm == .password,
                                                  site: SiteValues(options)))
        let counters = HTTPMetrics()
        let policy = AttemptPolicy(AttemptLimits(attempts: options.limits.passwordAttempts, lockout: options.limits.lockout))
        let flow = ActivationFlow(
            store: store, keys: keys, confirm: options.activation.confirm,
            verifier: PasswordVerifier(pool: threadPool, store: store, policy: policy), metrics: counters,
            logger: logger, now: now)
        let resendLimiter = RateLimiter(options.limits.resendPerAddress)
        let usernameLimiter = RateLimiter(options.limits.usernameChecksPerAddress)
        let registerLimiter = RateLimiter(options.limits.registrationsPerAddress)
        let queue = ResendQueue(store: store, options: options.activation, metrics: counters, logger: logger, now: now)

        // HEAD is derived from each GET handler (same status and headers, no body), so a HEAD of
        // an activation link runs the same read-only path as its GET.
        let router = Router(context: ActivationRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: SecurityHeadersMiddleware(pages: pages))
        let routes = RouteMethods()
        router.add(middleware: ErrorAnswerMiddleware(pages: pages, routes: routes))
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ClientAddressMiddleware(proxies: options.trustedProxies))
        router.add(middleware: CrossSiteMiddleware(publicURL: options.publicURL))
        router.addRoutes(ActivationController(flow: flow, pages: pages, options: options).endpoints)
        router.addRoutes(ResendController(
            queue: queue, limiter: resendLimiter, pages: pages, metrics: counters,
            options: options, now: now).endpoints)
        // The page's names for a form (and the owner of a pending registration): only when the
        // page is on, since only its form cookie can prove that a browser registered a name.
        let identity = options.registrationSpool.map { _ in FormIdentity(key: keys.keys[0].derivationKey) }
        router.addRoutes(UsernameController(
            store: store, limiter: usernameLimiter, options: options, identity: identity,
            now: now).endpoints)
        if let spoolDirectory = options.registrationSpool, let identity {
            router.addRoutes(RegisterController(
                store: store, seal: ChallengeSeal(key: keys.keys[0].derivationKey), identity: identity, resend: queue,
                spool: SpoolDirectory(spoolDirectory), limiter: registerLimiter, metrics: counters, pages: pages, options: options,
                threadPool: threadPool, logger: logger, now: now).endpoints)
        }
        let health = HealthController(store: store, checks: readiness)
        router.addRoutes(health.endpoints)
        routes.load(from: router)

        let operatorRouter = Router(context: ActivationRequestContext.self, options: .autoGenerateHeadEndpoints)
        operatorRouter.addRoutes(health.endpoints)
        operatorRouter.addRoutes(MetricsController(registry: metrics).endpoints)

        self.router = router
        self.operatorRouter = operatorRouter
        self.reloader = HTTPReloader(pages: pages, attempts: policy, resend: resendLimiter, usernames: usernameLimiter,
                                     registrations: registerLimiter,
                                     askPassword: options.activation.confirm == .password,
                                     site: SiteValues(options))
        self.services = [queue]
        self.options = options
        self.logger = logger
    }

    /// The Hummingbird application serving the routes on `options.listen`, with the services
    /// attached: put it into the daemon's ServiceGroup (or `runService()` it alone).
    ///
    /// - Parameters:
    ///   - maximalConnections: the connection cap, when the daemon had to lower
    ///     `options.connections.maximalConnections` to fit its file limit.
    ///   - listening: called once the server listens (the daemon's readiness), with the port it
    ///     is bound to (the one `options.listen` names, or the kernel's choice for port 0).
    public func application(
        maximalConnections: Int? = nil, listening: @escaping @Sendable (_ port: Int?) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        var limits = options.connections
        if let maximalConnections { limits.maximalConnections = maximalConnections }
        return Self.application(router: router, address: options.listen, limits: limits, listener: "public",
                                services: services, logger: logger, listening: listening)
    }

    /// The operator listener on `options.operatorListen` (`/metrics`, `/healthz`, `/readyz`), with
    /// a few connections of its own so that a flood of the public listener does not blind the
    /// operator's probes; nil when `metrics.listen` is off.
    public func operatorApplication(
        listening: @escaping @Sendable (_ port: Int?) async -> Void = { _ in }
    ) -> Application<RouterResponder<ActivationRequestContext>>? {
        guard let address = options.operatorListen else { return nil }
        return Self.application(router: operatorRouter, address: address, limits: options.connections.forOperators,
                                listener: "operator", services: [], logger: logger, listening: listening)
    }

    private static func application(
        router: Router<ActivationRequestContext>, address: ListenAddress, limits: ConnectionLimits, listener: String,
        services: [any Service], logger: Logger, listening: @escaping @Sendable (_ port: Int?) async -> Void
    ) -> Application<RouterResponder<ActivationRequestContext>> {
        Application(
            router: router,
            server: GuardedHTTP1Channel.builder(limits: limits, listener: listener),
            configuration: ApplicationConfiguration(
                address: .hostname(address.host, port: address.port), serverName: nil,
                availableConnectionsDelegate: ConnectionBudget(
                    maximal: limits.maximalConnections, listener: listener, logger: logger)),
            services: services,
            onServerRunning: { channel in await listening(channel.localAddress?.port) },
            logger: logger)
    }
}

/// What a reload can change in place: the pages and the abuse limits.
public struct HTTPReloader: Sendable {
    let pages: PageLibrary
    let attempts: AttemptPolicy
    let resend: RateLimiter
    let usernames: RateLimiter
    let registrations: RateLimiter
    let askPassword: Bool
    let site: SiteValues

    /// Reloads the templates from `templatesDirectory` and applies `limits`. The listen address,
    /// the body size limit and `activation.confirm` need a restart. A template that does not parse
    /// throws, and the pages in use stay.
    public func reload(templatesDirectory: String?, limits: HTTPLimits) throws {
        pages.replace(with: try PageRenderer(directory: templatesDirectory, askPassword: askPassword,
                                             site: site))
        attempts.replace(with: AttemptLimits(attempts: limits.passwordAttempts, lockout: limits.lockout))
        resend.update(limits.resendPerAddress)
        usernames.update(limits.usernameChecksPerAddress)
        registrations.update(limits.registrationsPerAddress)
    }
}
