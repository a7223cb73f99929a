/// What one client may hold of a listener: how many connections it serves at once and how long a
/// connection may take to say what it wants. Without these, idle or trickling connections pile up
/// until the process runs out of file descriptors and the spool and the store starve.
public struct ConnectionLimits: Sendable, Equatable {
    /// `http.maximal_connections`: connections served at once (default 512). Past it the listener
    /// stops accepting and new connections wait in the kernel's backlog until one closes.
    public var maximalConnections: Int
    /// `http.idle_timeout`: how long a connection may stay open without sending a byte, fresh or
    /// between requests (default 30s).
    public var idleTimeout: Duration
    /// `http.header_timeout`: how long a request head (request line and headers) may take to
    /// arrive, counted from its first byte (default 10s).
    public var headerTimeout: Duration
    /// `http.body_timeout`: how long a request body may take to arrive after its head (default 10s).
    public var bodyTimeout: Duration
    /// `http.maximal_header_size`: bytes of request line and headers before the connection is
    /// answered 431 and closed (default 16 KiB).
    public var maximalHeaderSize: Int

    /// Limits with the defaults, changed where given.
    public init(
        maximalConnections: Int = 512, idleTimeout: Duration = .seconds(30), headerTimeout: Duration = .seconds(10),
        bodyTimeout: Duration = .seconds(10), maximalHeaderSize: Int = 16 * 1024
    ) {
        self.maximalConnections = maximalConnections
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.maximalHeaderSize = maximalHeaderSize
    }

    /// The operator listener's: a handful of connections for a scraper and a probe, the same timeouts.
    public var forOperators: ConnectionLimits {
        var limits = self
        limits.maximalConnections = Self.operatorConnections
        return limits
    }

    /// Connections of the operator listener (`metrics.listen`).
    public static let operatorConnections = 16

    /// File descriptors kept free of HTTP connections for the store, the spool scan, inotify, SMTP
    /// connections, logs and the runtime's own: the daemon checks at start-up that
    /// `maximalConnections + operatorConnections + reservedDescriptors` fits under its file limit.
    public static let reservedDescriptors = 256
}
