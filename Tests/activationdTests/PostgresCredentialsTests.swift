import Foundation
import TestSupport
import Testing

/// The store's credentials, through the real binary on the real test PostgreSQL: the store's
/// password goes only to a server verified over TLS, and `store.url`'s user is decoded once.
@Suite("PostgreSQL credentials")
struct PostgresCredentialsTests {
    /// A configuration directory with signing keys, a store password file and `store` lines.
    struct Setup {
        let directory: TemporaryDirectory
        var config: String { directory.path("activationd.yaml") }

        init(storeURL: String, password: String?, lines: String = "") async throws {
            directory = try TemporaryDirectory()
            chmod(directory.url.path, 0o755)
            for sub in ["tmp", "new", "rejected"] {
                try FileManager.default.createDirectory(atPath: directory.path("spool/" + sub), withIntermediateDirectories: true)
            }
            let keys = try await CommandRunner.run(["keys", "generate"]).stdout
            try keys.write(toFile: directory.path("signing.keys"), atomically: false, encoding: .utf8)
            chmod(directory.path("signing.keys"), 0o600)
            var store = "store:\n  url: \"\(storeURL)\"\n"
            if let password {
                try "\(password)\n".write(toFile: directory.path("store.password"), atomically: false, encoding: .utf8)
                chmod(directory.path("store.password"), 0o600)
                store += "  password_file: \"\(directory.path("store.password"))\"\n"
            }
            try """
                keys:
                  file: "\(directory.path("signing.keys"))"
                spool:
                  directory: "\(directory.path("spool"))"
                \(store)\(lines)
                """.write(toFile: config, atomically: false, encoding: .utf8)
            chmod(config, 0o640)
        }
    }

    /// A role that must give its password in clear (pg_hba `password`) and owns a new database.
    static func passwordRole(_ cluster: PostgresCluster) async throws -> (role: String, database: String) {
        let role = "pw_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        try await cluster.psql("CREATE ROLE \(role) LOGIN PASSWORD 'Right-Secret-7'")
        try await cluster.requirePassword(role: role, method: "password")
        let database = try await cluster.createDatabase()
        try await cluster.psql("ALTER DATABASE \(database) OWNER TO \(role)")
        return (role, database)
    }

    @Test("a server without TLS that asks for the password in clear never receives it; we refuse, saying why")
    func passwordNotSentWithoutTLS() async throws {
        let cluster = try await PostgresCluster.shared()
        let (role, database) = try await Self.passwordRole(cluster)
        let refusedLine = "password authentication failed for user \"\(role)\""
        // The control: a client that sends a (wrong) password shows up in the server's log, so the
        // log is where a password sent by activationd would show.
        let control = try await cluster.psql("SELECT 1", role: role, password: "Control-Secret-9", database: database)
        #expect(control.status != 0)
        let log = { (try? String(contentsOfFile: cluster.logFile, encoding: .utf8)) ?? "" }
        #expect(log().components(separatedBy: refusedLine).count == 2, "the control's failure is logged once")

        // The default store.tls (prefer) with a password: the server answers "no TLS" to the
        // SSLRequest, and nothing more is sent.
        let setup = try await Setup(storeURL: "postgres://\(role)@\(cluster.host):\(cluster.port)/\(database)",
                                    password: "Wrong-Secret-8")
        let checked = try await CommandRunner.run(["check-config", "--config", setup.config])
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stdout.contains("TLS is required") && checked.stdout.contains("verified"), "\(checked.stdout)")
        let status = try await CommandRunner.run(["status", "--config", setup.config])
        #expect(status.status != 0, "\(status.stdout)")
        #expect(status.stderr.contains("offers no TLS") && status.stderr.contains("not sent"), "\(status.stderr)")
        #expect(!status.stderr.contains("Wrong-Secret-8"))
        #expect(log().components(separatedBy: refusedLine).count == 2, "no password reached the server")

        // require: the same; disable with a password: refused before anything connects.
        let required = try await Setup(storeURL: "postgres://\(role)@\(cluster.host):\(cluster.port)/\(database)",
                                       password: "Wrong-Secret-8", lines: "  tls: \"require\"\n")
        let requiredStatus = try await CommandRunner.run(["status", "--config", required.config])
        #expect(requiredStatus.status != 0 && requiredStatus.stderr.contains("offers no TLS"), "\(requiredStatus.stderr)")
        let disabled = try await Setup(storeURL: "postgres://\(role)@\(cluster.host):\(cluster.port)/\(database)",
                                       password: "Wrong-Secret-8", lines: "  tls: \"disable\"\n")
        for command in ["check-config", "status"] {
            let result = try await CommandRunner.run([command, "--config", disabled.config])
            #expect(result.status == 78 && result.stderr.contains("store.tls"), "\(command): \(result.stderr)")
        }
        #expect(log().components(separatedBy: refusedLine).count == 2, "still no password at the server")
    }

    @Test("serve with a password and a server without TLS: refused and said so, retried, the password never sent")
    func serveRefusesAndWaits() async throws {
        let cluster = try await PostgresCluster.shared()
        let (role, database) = try await Self.passwordRole(cluster)
        let daemon = try await DaemonHarness()
        defer { daemon.cleanUp() }
        let passwordFile = daemon.directory.appendingPathComponent("store.password").path
        try "Wrong-Secret-8\n".write(toFile: passwordFile, atomically: false, encoding: .utf8)
        chmod(passwordFile, 0o600)
        try daemon.start(environment: [
            "ACTIVATIOND_STORE_URL": "postgres://\(role)@\(cluster.host):\(cluster.port)/\(database)",
            "ACTIVATIOND_STORE_PASSWORD_FILE": passwordFile,
        ])
        #expect(try await daemon.waitForLog("event=daemon.store_refused"), "\(daemon.logs.suffix(5))")
        let log = (try? String(contentsOfFile: cluster.logFile, encoding: .utf8)) ?? ""
        #expect(!log.contains("password authentication failed for user \"\(role)\""), "the password reached the server")
        let line = daemon.logs.first { $0.contains("event=daemon.store_refused") } ?? ""
        #expect(line.contains("offers no TLS") && !line.contains("Wrong-Secret-8"), "\(line)")
        daemon.signal(SIGTERM)
        _ = try await daemon.waitForExit()
    }

    /// A CA and a server certificate it signs for `subjectAltName` (e.g. `IP:127.0.0.1`), made by
    /// openssl in `directory`: the paths of the CA certificate, the server certificate and its key.
    static func certificates(in directory: TemporaryDirectory, subjectAltName: String) async throws
        -> (ca: String, certificate: String, key: String)
    {
        let ca = directory.path("ca.pem"), caKey = directory.path("ca.key")
        let certificate = directory.path("server.pem"), key = directory.path("server.key")
        let request = directory.path("server.csr"), extensions = directory.path("server.ext")
        try "subjectAltName=\(subjectAltName)\n".write(toFile: extensions, atomically: false, encoding: .utf8)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for arguments in [
            ["req", "-x509"] + ec + ["-keyout", caKey, "-out", ca, "-days", "2", "-subj", "/CN=activationd test CA"],
            ["req"] + ec + ["-keyout", key, "-out", request, "-subj", "/CN=activationd test server"],
            ["x509", "-req", "-in", request, "-CA", ca, "-CAkey", caKey, "-CAcreateserial", "-out", certificate,
             "-days", "2", "-extfile", extensions],
        ] {
            let result = try await ChildProcess.run("/usr/bin/openssl", arguments, mergingOutput: true)
            guard result.status == 0 else { throw ServerError(description: "openssl \(arguments[0]): \(result.stdout)") }
        }
        return (ca, certificate, key)
    }

    @Test("a server with TLS: refused unless its certificate verifies against store.ca_file and names the host; then the password is used")
    func passwordOnlyToAVerifiedServer() async throws {
        let cluster = try await PostgresCluster.make()
        let (role, database) = try await Self.passwordRole(cluster)
        let files = try TemporaryDirectory()
        // A certificate for another name (signed by a CA of our own, which no system trusts).
        let other = try await Self.certificates(in: files, subjectAltName: "DNS:db.other.example")
        try await cluster.enableTLS(certificateFile: other.certificate, keyFile: other.key)
        let url = "postgres://\(role)@\(cluster.host):\(cluster.port)/\(database)"
        let refusedLine = "password authentication failed for user \"\(role)\""
        let log = { (try? String(contentsOfFile: cluster.logFile, encoding: .utf8)) ?? "" }

        for lines in ["", "  ca_file: \"\(other.ca)\"\n"] {
            let setup = try await Setup(storeURL: url, password: "Wrong-Secret-8", lines: lines)
            let status = try await CommandRunner.run(["status", "--config", setup.config])
            #expect(status.status != 0, "\(lines): \(status.stdout)")
            #expect(status.stderr.contains("could not be verified") && status.stderr.contains("nothing was sent"),
                    "\(lines): \(status.stderr)")
        }
        #expect(!log().contains(refusedLine), "no password reached the server")

        // A certificate for the address connected to, signed by the CA in store.ca_file: the
        // password is sent (over TLS) and the store opens.
        let right = try TemporaryDirectory()
        let named = try await Self.certificates(in: right, subjectAltName: "IP:127.0.0.1")
        try await cluster.enableTLS(certificateFile: named.certificate, keyFile: named.key)
        let setup = try await Setup(storeURL: url, password: "Right-Secret-7", lines: "  ca_file: \"\(named.ca)\"\n")
        let status = try await CommandRunner.run(["status", "--config", setup.config])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(!log().contains(refusedLine))
    }

    @Test("over the server's Unix socket the password goes without TLS, even with store.tls: disable")
    func passwordOverUnixSocket() async throws {
        let cluster = try await PostgresCluster.shared()
        let (role, database) = try await Self.passwordRole(cluster)
        let socketDirectory = cluster.directory.replacingOccurrences(of: "/", with: "%2F")
        let url = "postgres://\(role)@\(socketDirectory):\(cluster.port)/\(database)"
        for lines in ["", "  tls: \"disable\"\n"] {
            let setup = try await Setup(storeURL: url, password: "Right-Secret-7", lines: lines)
            let checked = try await CommandRunner.run(["check-config", "--config", setup.config])
            #expect(checked.status == 0 && checked.stdout.contains("Unix socket in \(cluster.directory)"), "\(checked)")
            let status = try await CommandRunner.run(["status", "--config", setup.config])
            #expect(status.status == 0, "\(lines): \(status.stderr)")
        }
        let wrong = try await Setup(storeURL: url, password: "Wrong-Secret-8")
        let refused = try await CommandRunner.run(["status", "--config", wrong.config])
        #expect(refused.status != 0, "the socket's password rule is the server's: a wrong password fails")
    }

    /// `u%2540x` is the role `u%40x`; decoded twice (as it once was) it would be `u@x`.
    @Test("store.url's user is percent-decoded once")
    func userDecodedOnce() async throws {
        let cluster = try await PostgresCluster.shared()
        let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(8).lowercased()
        let role = "u%40x\(suffix)"
        try await cluster.psql("CREATE ROLE \"\(role)\" LOGIN")
        try await cluster.psql("CREATE ROLE \"u@x\(suffix)\" LOGIN")
        let database = try await cluster.createDatabase()
        try await cluster.psql("ALTER DATABASE \(database) OWNER TO \"\(role)\"")
        let setup = try await Setup(storeURL: "postgres://u%2540x\(suffix)@\(cluster.host):\(cluster.port)/\(database)",
                                    password: nil)
        let checked = try await CommandRunner.run(["check-config", "--config", setup.config])
        #expect(checked.stdout.contains("postgres://\(role)@"), "\(checked.stdout)")
        let status = try await CommandRunner.run(["status", "--config", setup.config])
        #expect(status.status == 0, "\(status.stderr)")
        let owner = try await cluster.psql(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'activationd_migrations'", database: database)
        #expect(owner.trimmingCharacters(in: .whitespacesAndNewlines) == role, "the migrations ran as \(role)")
    }
}
