public import Foundation

/// The `smtp.*` settings, as the transport takes them. Reading `password_file` is the daemon's
/// job: the transport gets the password itself.
public struct SMTPOptions: Sendable {
    /// `smtp.starttls`: whether to upgrade an `smtp://` connection with STARTTLS.
    public enum StartTLS: String, Sendable, CaseIterable {
        /// Refuse to send unless the server offers STARTTLS and the upgrade succeeds.
        case required
        /// Upgrade when the server offers it, send in clear otherwise.
        case opportunistic
        /// Never upgrade.
        case never
    }

    /// `smtp.url`: `smtp://host[:port]` (default port 25) or `smtps://host[:port]` (465, TLS from
    /// the first byte). Default `smtp://127.0.0.1:25`.
    public var url: String
    /// `smtp.starttls`. Default `opportunistic`; ignored for `smtps://`.
    public var startTLS: StartTLS
    /// `smtp.username`; empty (the default) means no AUTH.
    public var username: String
    /// The content of `smtp.password_file`; used only with a username.
    public var password: String
    /// `smtp.from`: the From header and the envelope sender. Default `Accounts <no-reply@example.org>`.
    public var from: String
    /// `smtp.connections`: parallel connections, one worker thread each. Default 4.
    public var connections: Int
    /// `smtp.timeout`: for connecting, and for each server reply. Default 30 s. A whole send is
    /// also bounded, at three times this.
    public var timeout: Duration
    /// `smtp.ca_file`: PEM file of CAs to trust instead of the system's. Default none.
    public var caFile: String?

    /// Creates options; every parameter defaults to the documented default.
    public init(
        url: String = "smtp://127.0.0.1:25", startTLS: StartTLS = .opportunistic, username: String = "",
        password: String = "", from: String = "Accounts <no-reply@example.org>", connections: Int = 4,
        timeout: Duration = .seconds(30), caFile: String? = nil
    ) {
        self.url = url
        self.startTLS = startTLS
        self.username = username
        self.password = password
        self.from = from
        self.connections = connections
        self.timeout = timeout
        self.caFile = caFile
    }

    /// `host:port` of `url`, for logs; nil when `url` is not an `smtp://` or `smtps://` URL with a
    /// host, or holds a user or password (libcurl would send those with AUTH, TLS or not: the
    /// credentials come from `username` and `password` only, under the daemon's rule).
    public var relay: String? {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
              scheme == "smtp" || scheme == "smtps", let host = parsed.host, !host.isEmpty,
              parsed.user == nil, parsed.password == nil
        else { return nil }
        return "\(host):\(parsed.port ?? (scheme == "smtps" ? 465 : 25))"
    }
}
