/// The options of the HTTP side, with the defaults of the configuration keys (docs/contracts.md,
/// "Configuration keys").
///
/// The configuration loader builds this (`DaemonConfiguration.httpOptions`) from `http.*`,
/// `public_url`, `registration_url`, `activation.*`, `service.*`, `metrics.listen`,
/// `templates.directory` and `spool.directory`; every property below names the key it comes from.
public struct HTTPOptions: Sendable {
    /// `http.listen`: where the server listens. Default `127.0.0.1:8080`.
    public var listen: ListenAddress
    /// `public_url`: the address people reach the service at, e.g. `https://accounts.example.org`.
    /// Pages link to `<public_url>/register` for a fresh registration.
    public var publicURL: String
    /// `activation.*`: how activation and resend behave.
    public var activation: ActivationOptions
    /// `templates.directory`: a directory whose `<name>.mustache` files replace the shipped pages
    /// by name (`activate.mustache`, `expired.mustache`, …), `style.css` the stylesheet and
    /// `register.js` the registration page's script; nil uses the shipped ones. The courier reads
    /// its mail templates from the same directory.
    public var templatesDirectory: String?
    /// `http.*` limits against abuse.
    public var limits: HTTPLimits
    /// `http.maximal_connections`, `http.*_timeout`, `http.maximal_header_size`: what one client may
    /// hold of the listeners.
    public var connections = ConnectionLimits()
    /// `metrics.listen`: the operator listener (`/metrics`, `/healthz`, `/readyz`), loopback by
    /// default; nil turns it off. `/metrics` is never served on `listen`.
    public var operatorListen: ListenAddress? = ListenAddress(host: "127.0.0.1", port: 9464)

    /// Options with the configuration keys' defaults, changed where given. The daemon's come from
    /// its table of keys (`ConfigurationSchema`); a test there fails when these differ from it.
    public init(
        listen: ListenAddress = .default, publicURL: String = "http://127.0.0.1:8080",
        activation: ActivationOptions = ActivationOptions(), templatesDirectory: String? = nil,
        limits: HTTPLimits = HTTPLimits()
    ) {
        self.listen = listen
        self.publicURL = publicURL
        self.activation = activation
        self.templatesDirectory = templatesDirectory
        self.limits = limits
    }

    /// `registration_url`: where the expired and invalid pages send a person to register again (the
    /// web front's registration page); empty means `<public_url>/register`.
    public var registrationPage: String = ""

    /// `http.registration_page` (with `spool.directory`): when set, this server serves the
    /// registration form at `/register` and writes what people submit into this spool directory;
    /// nil (the default) leaves registration to the operator's own front.
    public var registrationSpool: String? = nil

    /// `http.trusted_proxies` and `http.forwarded_header`: the reverse proxies whose forwarding
    /// header names the client that per-address limits count; none by default (the peer is the client).
    public var trustedProxies: TrustedProxies = .none

    /// `service.name`: the service's name in page titles and mails.
    public var serviceName: String = "Accounts"

    /// `service.support_contact`: where people get help (an email address or a URL), named on the
    /// registration page; empty names none.
    public var supportContact: String = ""

    /// Where the expired page sends a person to register again.
    public var registrationURL: String {
        if !registrationPage.isEmpty { return registrationPage }
        return (publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL) + "/register"
    }
}

/// The `activation.*` keys the HTTP side uses.
public struct ActivationOptions: Sendable {
    /// `activation.lifetime`: how long a link lives (default 30 days); the expired page says so.
    public var lifetime: Duration
    /// `activation.confirm`: `password` (default) or `button`.
    public var confirm: ConfirmMode
    /// `activation.resend_cooldown`: the least time between two activation mails of one account
    /// (default 5 minutes).
    public var resendCooldown: Duration
    /// `activation.resend_daily_limit`: most activation mails of one account in 24 hours, the
    /// first one included (default 5).
    public var resendDailyLimit: Int

    /// Options with the configuration keys' defaults, changed where given.
    public init(
        lifetime: Duration = .seconds(30 * 24 * 3600), confirm: ConfirmMode = .password,
        resendCooldown: Duration = .seconds(5 * 60), resendDailyLimit: Int = 5
    ) {
        self.lifetime = lifetime
        self.confirm = confirm
        self.resendCooldown = resendCooldown
        self.resendDailyLimit = resendDailyLimit
    }
}

/// What proves a person at `POST /activate`.
public enum ConfirmMode: String, Sendable, CaseIterable {
    /// The password chosen at registration (default): mail scanners cannot know it.
    case password
    /// A bare button: the operator's opt-out, for when scanners are not a concern.
    case button
}
