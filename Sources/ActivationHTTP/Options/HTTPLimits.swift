/// Limits against abuse. The defaults suit one host serving people, not scripts.
public struct HTTPLimits: Sendable {
    /// `http.maximal_body_size`: larger request bodies get 413 (default 8 KiB; a form with a
    /// token and a password is well under 1 KiB).
    public var maximalBodySize: Int
    /// `http.password_attempts`: wrong passwords per link before it locks (default 5).
    public var passwordAttempts: Int
    /// `http.lockout`: how long a link stays locked after too many wrong passwords (default 15m).
    public var lockout: Duration
    /// `http.resend_rate`: `POST /resend` requests per client address (default 10 per 10 minutes).
    public var resendPerAddress: RateLimit
    /// `http.username_check_rate`: `GET /api/v1/usernames/…` per client address (default 60 a minute).
    public var usernameChecksPerAddress: RateLimit
    /// `http.register_rate`: `POST /register` requests per client address (default 10 an hour).
    public var registrationsPerAddress: RateLimit

    /// Limits with the defaults, changed where given.
    public init(
        maximalBodySize: Int = 8 * 1024, passwordAttempts: Int = 5, lockout: Duration = .seconds(15 * 60),
        resendPerAddress: RateLimit = RateLimit(requests: 10, per: .seconds(600)),
        usernameChecksPerAddress: RateLimit = RateLimit(requests: 60, per: .seconds(60)),
        registrationsPerAddress: RateLimit = RateLimit(requests: 10, per: .seconds(3600))
    ) {
        self.maximalBodySize = maximalBodySize
        self.passwordAttempts = passwordAttempts
        self.lockout = lockout
        self.resendPerAddress = resendPerAddress
        self.usernameChecksPerAddress = usernameChecksPerAddress
        self.registrationsPerAddress = registrationsPerAddress
    }
}

/// At most `requests` requests in any window of `per`, per client address.
public struct RateLimit: Sendable, Equatable {
    /// Requests allowed in one window (the bucket's size).
    public var requests: Int
    /// The window.
    public var per: Duration

    /// A limit of `requests` per `per`.
    public init(requests: Int, per: Duration) {
        self.requests = requests
        self.per = per
    }
}

/// `host:port` to listen on.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// Host name or IP address (IPv6 without brackets).
    public var host: String
    /// TCP port; 0 picks a free one.
    public var port: Int

    /// `127.0.0.1:8080`.
    public static let `default` = ListenAddress(host: "127.0.0.1", port: 8080)

    /// An address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` or `[v6]:port`; nil if malformed.
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.init(host: host, port: port)
    }

    /// `host:port`, with brackets around an IPv6 host.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
