// A throwaway PostgreSQL cluster for the tests of the PostgreSQL store and of daemons on it:
// `initdb` in a temporary directory (as the `postgres` user when the tests run as root, since
// initdb refuses root), listening on 127.0.0.1 on a free port, one database per test. Started once
// per test process, stopped when the process exits; a cluster left behind by a process that was
// killed is swept at the next start.
public import Foundation
import Synchronization

/// One PostgreSQL server in a temporary directory of its own.
public final class PostgresCluster: Sendable {
    /// Where the server listens.
    public let host = "127.0.0.1"
    public let port: Int
    /// The superuser, trusted without a password on the loopback.
    public let username = "postgres"
    /// The cluster's directory: `data/`, `server.log`, the socket, `owner.pid`.
    public let directory: String
    private let binaries: String
    private let asPostgres: Bool
    private let databaseCreation = DatabaseCreation()

    /// The directory prefix of every test cluster, for the sweep of abandoned ones.
    static let prefix = "activationd-pgtest-"

    private static let sharedCluster = SharedCluster()

    /// The process's cluster, started at the first call; every later call gets the same one.
    public static func shared() async throws -> PostgresCluster {
        try await sharedCluster.get()
    }

    /// Makes a new cluster (initdb) and starts it; stopped and removed at process exit.
    public static func make() async throws -> PostgresCluster {
        sweepAbandoned()
        let cluster = try PostgresCluster()
        try await cluster.initialize()
        try await cluster.start()
        return cluster
    }

    private init() throws {
        guard let binaries = Self.findBinaries() else {
            throw ServerError(description: "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin "
                + "(scripts/bootstrap.sh test installs Debian's postgresql)")
        }
        self.binaries = binaries
        asPostgres = getuid() == 0
        port = try freePort()
        // /tmp, not $TMPDIR: the postgres user must be able to reach the directory.
        directory = "/tmp/\(Self.prefix)\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        try "\(getpid())\n".write(toFile: directory + "/owner.pid", atomically: true, encoding: .utf8)
        if asPostgres {
            guard let user = getpwnam("postgres") else {
                throw ServerError(description: "no postgres user to run the test cluster as")
            }
            chown(directory, user.pointee.pw_uid, user.pointee.pw_gid)
        }
        chmod(directory, 0o755)
        ClusterRegistry.add(ClusterRegistry.Entry(directory: directory, pgCtl: binaries + "/pg_ctl",
                                                 asPostgres: asPostgres))
    }

    private var dataDirectory: String { directory + "/data" }
    /// The server's log (kept while the cluster exists; tests may read it).
    public var logFile: String { directory + "/server.log" }

    private func initialize() async throws {
        try await run(binaries + "/initdb", ["-D", dataDirectory, "-A", "trust", "-U", username, "-E", "UTF8",
                                             "--locale=C", "--no-sync"], "initdb")
        // Settings for a disposable test server: no durability work, enough connections for
        // parallel tests each with a pool or two.
        let settings = """

            listen_addresses = '\(host)'
            port = \(port)
            unix_socket_directories = '\(directory)'
            max_connections = 400
            shared_buffers = 64MB
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            """
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dataDirectory + "/postgresql.conf"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(settings.utf8))
        try handle.close()
    }

    /// Starts the server and waits until it accepts connections.
    public func start() async throws {
        try await run(binaries + "/pg_ctl", ["-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "start"], "pg_ctl start")
    }

    /// Stops the server (fast: open connections are ended) and waits until it is gone.
    public func stop() async throws {
        try await run(binaries + "/pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], "pg_ctl stop")
    }

    /// Stops and starts the server again on the same port.
    public func restart() async throws {
        try await stop()
        try await start()
    }

    /// A new empty database `t_<random>`; its name.
    public func createDatabase() async throws -> String {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        // One at a time: CREATE DATABASE copies template1 and refuses while another copy reads it.
        try await databaseCreation.serialize {
            _ = try await self.psql("CREATE DATABASE \(name)")
        }
        return name
    }

    /// Runs SQL through psql as the superuser; its output (unaligned, tuples only).
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") async throws -> String {
        let result = try await runProcess(binaries + "/psql", [
            "-h", host, "-p", String(port), "-U", username, "-d", database, "-v", "ON_ERROR_STOP=1", "-X", "-q",
            "-A", "-t", "-c", sql,
        ])
        guard result.status == 0 else {
            throw ServerError(description: "psql failed (\(result.status)): \(result.output)")
        }
        return result.output
    }

    /// Makes `role` log in over TCP and the Unix socket with `method` (`password`: the server asks
    /// for the password in clear; `md5`, `scram-sha-256`), ahead of the cluster's `trust` lines;
    /// other roles stay trusted.
    public func requirePassword(role: String, method: String = "password") async throws {
        let path = dataDirectory + "/pg_hba.conf"
        try HBAEdit.lock.withLock { _ in
            let current = try String(contentsOfFile: path, encoding: .utf8)
            let line = "host all \(role) \(host)/32 \(method)\nlocal all \(role) \(method)\n"
            // Written in place, so the file keeps its owner (the postgres user when run as root).
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.write(contentsOf: Data((line + current).utf8))
            try handle.close()
        }
        try await psql("SELECT pg_reload_conf()")
    }

    /// Serves TLS with this certificate and key (PEM files, copied into the cluster's directory
    /// where the server may read them), reloaded without a restart.
    public func enableTLS(certificateFile: String, keyFile: String) async throws {
        let certificate = directory + "/server.crt", key = directory + "/server.key"
        for (from, to) in [(certificateFile, certificate), (keyFile, key)] {
            try? FileManager.default.removeItem(atPath: to)
            try FileManager.default.copyItem(atPath: from, toPath: to)
            chmod(to, 0o600)
            if asPostgres, let user = getpwnam("postgres") { chown(to, user.pointee.pw_uid, user.pointee.pw_gid) }
        }
        try await psql("ALTER SYSTEM SET ssl = on")
        try await psql("ALTER SYSTEM SET ssl_cert_file = '\(certificate)'")
        try await psql("ALTER SYSTEM SET ssl_key_file = '\(key)'")
        try await psql("SELECT pg_reload_conf()")
    }

    /// Runs SQL through psql as `role` with `password` (in `PGPASSWORD`); its status and output.
    public func psql(_ sql: String, role: String, password: String, database: String = "postgres")
        async throws -> (status: Int32, output: String)
    {
        let result = try await ChildProcess.run(binaries + "/psql", [
            "-h", host, "-p", String(port), "-U", role, "-d", database, "-X", "-q", "-A", "-t", "-c", sql,
        ], environment: ["PGPASSWORD": password, "PGSSLMODE": "disable"], mergingOutput: true)
        return (result.status, result.stdout)
    }

    private func run(_ executable: String, _ arguments: [String], _ what: String) async throws {
        let result = asPostgres
            ? try await runProcess("/usr/sbin/runuser", ["-u", "postgres", "--", executable] + arguments)
            : try await runProcess(executable, arguments)
        guard result.status == 0 else {
            let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
            throw ServerError(description: "\(what) failed (\(result.status)): \(result.output)\n\(log.suffix(2000))")
        }
    }

    /// The newest `/usr/lib/postgresql/N/bin` with initdb in it (Debian keeps them off PATH).
    static func findBinaries() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        return versions.map { "\(root)/\($0)/bin" }
            .first { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") }
    }

    /// Stops and removes the clusters of test processes that no longer exist (killed before their
    /// exit handler ran), so that no server outlives its tests for longer than until the next run.
    static func sweepAbandoned() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []
        for name in names where name.hasPrefix(prefix) {
            let directory = "/tmp/" + name
            guard let text = try? String(contentsOfFile: directory + "/owner.pid", encoding: .utf8),
                  let owner = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                  kill(owner, 0) != 0, errno == ESRCH,
                  let binaries = findBinaries()
            else { continue }
            ClusterRegistry.Entry(directory: directory, pgCtl: binaries + "/pg_ctl", asPostgres: getuid() == 0)
                .stopAndRemove()
        }
    }
}

/// The process's one cluster, started by the first test that asks.
private final class SharedCluster: Sendable {
    private let task = Mutex<Task<PostgresCluster, any Error>?>(nil)

    func get() async throws -> PostgresCluster {
        let task = task.withLock { task in
            if let task { return task }
            let started = Task { try await PostgresCluster.make() }
            task = started
            return started
        }
        return try await task.value
    }
}

/// Edits of pg_hba.conf, one at a time (read, prepend, write).
private enum HBAEdit {
    static let lock = Mutex(())
}

/// Runs database creations one after another.
private actor DatabaseCreation {
    private var tail: Task<Void, any Error>?

    func serialize(_ body: @escaping @Sendable () async throws -> Void) async throws {
        let previous = tail
        let next = Task {
            _ = try? await previous?.value
            try await body()
        }
        tail = next
        try await next.value
    }
}

/// The clusters this process started, stopped by an exit handler.
enum ClusterRegistry {
    struct Entry: Sendable {
        let directory: String
        let pgCtl: String
        let asPostgres: Bool

        /// Stops the server at once and removes its directory; blocking, for the exit handler.
        func stopAndRemove() {
            let stop = "'\(pgCtl)' -D '\(directory)/data' -m immediate -w -t 30 stop >/dev/null 2>&1"
            _ = system(asPostgres ? "/usr/sbin/runuser -u postgres -- \(stop)" : stop)
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    private static let entries = Mutex<[Entry]>([])
    private static let handlerInstalled = Mutex(false)

    static func add(_ entry: Entry) {
        entries.withLock { $0.append(entry) }
        let install = handlerInstalled.withLock { installed in
            defer { installed = true }
            return !installed
        }
        if install {
            atexit { ClusterRegistry.stopAll() }
        }
    }

    static func stopAll() {
        for entry in entries.withLock({ $0 }) { entry.stopAndRemove() }
    }
}
