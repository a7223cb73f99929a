import Foundation
import TestSupport
import Testing

/// `make deb` and the package it builds, through the real tools: dpkg-deb, lintian, ldd, dpkg
/// installing into a throwaway root (maintainer scripts included), systemd-analyze. The release
/// build behind it is slow (minutes), so the suite builds the package once and runs alone in
/// `make test`'s system run (scripts/run-tests.sh).
@Suite("Debian package", .serialized)
struct PackageTests {
    /// The package `make deb` built, once for the whole suite.
    static func package() async throws -> URL {
        try await PackageBuild.shared.path()
    }

    @Test("make deb builds the package and lintian reports no error")
    func buildsAndLintian() async throws {
        let deb = try await Self.package()
        #expect(deb.lastPathComponent.wholeMatch(of: #/activationd_\d+\.\d+\.\d+-1_[a-z0-9]+\.deb/#) != nil)
        let lintian = try await Tool.run("/usr/bin/lintian", ["--no-tag-display-limit", deb.path])
        let errors = lintian.output.split(separator: "\n").filter { $0.hasPrefix("E: ") }
        #expect(errors.isEmpty, "\(lintian.output)")
    }

    @Test("the package holds the expected files with the expected modes, root-owned")
    func contents() async throws {
        let deb = try await Self.package()
        let listing = try await Tool.run("/usr/bin/dpkg-deb", ["--contents", deb.path])
        #expect(listing.status == 0)
        var modes: [String: String] = [:]
        for line in listing.output.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6 else { continue }
            #expect(fields[1] == "root/root", "\(line)")
            modes[String(fields[5])] = String(fields[0])
        }
        let expected = [
            "./usr/bin/activationd": "-rwxr-xr-x",
            "./usr/lib/systemd/system/activationd.service": "-rw-r--r--",
            "./usr/lib/sysusers.d/activationd.conf": "-rw-r--r--",
            "./usr/lib/tmpfiles.d/activationd.conf": "-rw-r--r--",
            "./etc/activationd/": "drwxr-xr-x",
            "./etc/activationd/activationd.yaml": "-rw-r--r--",
            "./usr/share/man/man8/activationd.8.gz": "-rw-r--r--",
            "./usr/share/bash-completion/completions/activationd": "-rw-r--r--",
            "./usr/share/zsh/vendor-completions/_activationd": "-rw-r--r--",
            "./usr/share/fish/vendor_completions.d/activationd.fish": "-rw-r--r--",
            "./usr/share/doc/activationd/README.md": "-rw-r--r--",
            "./usr/share/doc/activationd/copyright": "-rw-r--r--",
            "./usr/share/doc/activationd/changelog.Debian.gz": "-rw-r--r--",
            "./usr/share/doc/activationd/docs/operations.md": "-rw-r--r--",
            "./usr/share/activationd/monitoring/activationd.rules.yml": "-rw-r--r--",
            "./usr/share/activationd/monitoring/activationd.rules.test.yml": "-rw-r--r--",
            "./usr/share/activationd/monitoring/grafana-dashboard.json": "-rw-r--r--",
            "./usr/share/lintian/overrides/activationd": "-rw-r--r--",
        ]
        for (path, mode) in expected {
            #expect(modes[path] == mode, "\(path): \(modes[path] ?? "missing")")
        }
        let conffiles = try await Tool.run("/usr/bin/dpkg-deb", ["--info", deb.path, "conffiles"])
        #expect(conffiles.output == "/etc/activationd/activationd.yaml\n")
        let depends = try await Tool.run("/usr/bin/dpkg-deb", ["--field", deb.path, "Depends"])
        for library in ["libc6", "libcurl4", "libsqlite3-0"] {
            #expect(depends.output.contains(library), "\(depends.output)")
        }
        #expect(!depends.output.contains("swift"), "\(depends.output)")
        let unit = try String(contentsOf: try await Self.extracted().appendingPathComponent(
            "usr/lib/systemd/system/activationd.service"), encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/bin/activationd serve --config /etc/activationd/activationd.yaml"))
    }

    @Test("the packaged binary names its commit, checks the shipped configuration, and needs no Swift library")
    func packagedBinary() async throws {
        let root = try await Self.extracted()
        let binary = root.appendingPathComponent("usr/bin/activationd").path
        let head = try await Tool.run("/usr/bin/git", ["-C", CommandRunner.packageRoot.path, "rev-parse", "--short=12", "HEAD"])
        let version = try await Tool.run(binary, ["--version"])
        #expect(version.status == 0)
        let printed = version.output.trimmingCharacters(in: .newlines)
        let match = try #require(printed.wholeMatch(of: VersionCommandTests.line), "\(printed)")
        #expect(match.output.2.hasPrefix(head.output.trimmingCharacters(in: .newlines)), "\(printed)")

        let keys = root.appendingPathComponent("signing.keys")
        let generated = try await Tool.run(binary, ["keys", "generate"])
        try Data(generated.output.utf8).write(to: keys)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keys.path)
        let check = try await Tool.run(binary, ["check-config", "--config", root.appendingPathComponent("etc/activationd/activationd.yaml").path],
                                       environment: ["ACTIVATIOND_KEYS_FILE": keys.path])
        #expect(check.status == 0, "\(check.output)")
        // The shipped configuration has no DKIM key: check-config warns about it (stderr), then says OK.
        #expect(check.output.split(separator: "\n").contains { $0.hasPrefix("configuration OK") }, "\(check.output)")

        let ldd = try await Tool.run("/usr/bin/ldd", [binary])
        #expect(ldd.status == 0)
        #expect(ldd.output.contains("libcurl"), "\(ldd.output)")
        #expect(!ldd.output.lowercased().contains("swift"), "\(ldd.output)")
    }

    @Test("installed into a throwaway root: users, directories and key; the unit verifies; an upgrade keeps edits; purge removes data")
    func installUpgradePurge() async throws {
        let deb = try await Self.package()
        let root = try ThrowawayRoot()
        defer { root.remove() }
        let install = try await root.dpkg(["--install", deb.path])
        #expect(install.status == 0, "\(install.output)")

        let passwd = try root.read("etc/passwd")
        let user = try #require(passwd.split(separator: "\n").first { $0.hasPrefix("activationd:") }, "\(passwd)")
        let uid = String(user.split(separator: ":")[2])
        #expect(user.hasSuffix(":/var/lib/activationd:/usr/sbin/nologin"), "\(user)")
        let group = try root.read("etc/group")
        #expect(group.split(separator: "\n").contains { $0.hasPrefix("activationd-submit:") && $0.hasSuffix(":activationd") },
                "\(group)")
        let gid = String(try #require(group.split(separator: "\n").first { $0.hasPrefix("activationd:") }).split(separator: ":")[2])
        let submitGID = String(try #require(group.split(separator: "\n").first { $0.hasPrefix("activationd-submit:") })
            .split(separator: ":")[2])

        for (path, mode, owner, groupID) in [
            ("var/spool/activationd", 0o750, uid, submitGID), ("var/spool/activationd/tmp", 0o3730, uid, submitGID),
            ("var/spool/activationd/new", 0o3730, uid, submitGID), ("var/spool/activationd/rejected", 0o700, uid, gid),
            ("etc/activationd", 0o750, "0", gid), ("etc/activationd/activationd.yaml", 0o640, "0", gid),
            ("etc/activationd/signing.keys", 0o600, "0", "0"), ("etc/activationd/smtp.password", 0o600, "0", "0"),
            ("etc/activationd/dkim.key", 0o600, "0", "0"), ("etc/activationd/store.password", 0o600, "0", "0"),
        ] {
            let attributes = try root.attributes(path)
            #expect(attributes.mode == mode, "\(path): \(String(attributes.mode, radix: 8))")
            #expect("\(attributes.owner)" == owner && "\(attributes.group)" == groupID, "\(path): \(attributes)")
        }
        let key = try root.read("etc/activationd/signing.keys")
        let isKeyLine = key.wholeMatch(of: #/[A-Za-z0-9_-]{1,8} [A-Za-z0-9+\/]+=*\n/#) != nil
        #expect(isKeyLine, "signing.keys holds one key line (\(key.count) bytes)")
        #expect(try root.read("etc/activationd/smtp.password").isEmpty)

        // The installed unit, verified as the host's systemd would load it: a copy whose ExecStart
        // names the binary in the root (verify insists that it exists; --root would also want the
        // root to hold systemd's own targets and /bin/sh).
        let installedUnit = try root.read("usr/lib/systemd/system/activationd.service")
        #expect(installedUnit.contains("ExecStart=/usr/bin/activationd serve"))
        let unitDirectory = root.url.appendingPathComponent("verify")
        try FileManager.default.createDirectory(at: unitDirectory, withIntermediateDirectories: true)
        let unitCopy = unitDirectory.appendingPathComponent("activationd.service")
        try installedUnit.replacingOccurrences(of: "ExecStart=/usr/bin/activationd",
                                               with: "ExecStart=\(root.url.path)/usr/bin/activationd")
            .write(to: unitCopy, atomically: true, encoding: .utf8)
        let verify = try await Tool.run("/usr/bin/systemd-analyze", ["verify", unitCopy.path])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.output.isEmpty, "\(verify.output)")

        // The operator edits the configuration; reinstalling (an upgrade, for the maintainer
        // scripts) keeps the edit and the key, without a question.
        let edited = try root.read("etc/activationd/activationd.yaml") + "# edited by the operator\n"
        try root.write("etc/activationd/activationd.yaml", edited)
        try root.write("etc/activationd/smtp.password", "relay secret\n")
        let upgrade = try await root.dpkg(["--install", deb.path])
        #expect(upgrade.status == 0, "\(upgrade.output)")
        #expect(try root.read("etc/activationd/activationd.yaml") == edited)
        // Compared as Bools: a failed #expect prints both sides, and a key is not for test output.
        let keptKey = try root.read("etc/activationd/signing.keys") == key
        #expect(keptKey, "the signing key is the one the first install wrote")
        let keptSecret = try root.read("etc/activationd/smtp.password") == "relay secret\n"
        #expect(keptSecret, "the relay password the operator wrote is kept")
        #expect(try root.attributes("etc/activationd/activationd.yaml").mode == 0o640)

        // remove leaves data and keys; purge deletes them.
        try root.write("var/spool/activationd/rejected/left.json", "{}")
        let remove = try await root.dpkg(["--remove", "activationd"])
        #expect(remove.status == 0, "\(remove.output)")
        #expect(!root.exists("usr/bin/activationd"))
        let keyAfterRemove = try root.read("etc/activationd/signing.keys") == key
        #expect(keyAfterRemove, "remove leaves the signing key")
        #expect(root.exists("var/spool/activationd/rejected/left.json"))
        let purge = try await root.dpkg(["--purge", "activationd"])
        #expect(purge.status == 0, "\(purge.output)")
        #expect(!root.exists("etc/activationd"))
        #expect(!root.exists("var/spool/activationd"))
    }

    @Test("without systemd's tools (a host or container without systemd), postinst makes the same users, spool and key")
    func postinstWithoutSystemd() async throws {
        let deb = try await Self.package()
        let root = try ThrowawayRoot()
        defer { root.remove() }
        let control = root.url.appendingPathComponent("control")
        #expect(try await Tool.run("/usr/bin/dpkg-deb", ["--extract", deb.path, root.url.path]).status == 0)
        #expect(try await Tool.run("/usr/bin/dpkg-deb", ["--control", deb.path, control.path]).status == 0)
        for file in ["passwd", "group", "shadow", "gshadow"] { try root.write("etc/\(file)", "") }
        // A PATH with every command of this host except systemd's.
        let bin = root.url.appendingPathComponent("no-systemd-bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        for directory in ["/usr/sbin", "/usr/bin"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: directory) where !name.hasPrefix("systemd")
                && !FileManager.default.fileExists(atPath: bin.appendingPathComponent(name).path) {
                try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent(name).path,
                                                           withDestinationPath: "\(directory)/\(name)")
            }
        }
        let postinst = try await Tool.run("/bin/sh", [control.appendingPathComponent("postinst").path, "configure", ""],
                                          environment: ["DPKG_ROOT": root.url.path, "PATH": bin.path])
        #expect(postinst.status == 0, "\(postinst.output)")
        #expect(!postinst.output.contains("Creating user"), "systemd-sysusers ran: \(postinst.output)")

        let passwd = try root.read("etc/passwd")
        let user = try #require(passwd.split(separator: "\n").first { $0.hasPrefix("activationd:") }, "\(passwd)")
        #expect(user.hasSuffix(":/var/lib/activationd:/usr/sbin/nologin"), "\(user)")
        #expect(try root.read("etc/group").split(separator: "\n")
            .contains { $0.hasPrefix("activationd-submit:") && $0.hasSuffix(":activationd") })
        let uid = Int(user.split(separator: ":")[2])
        for (path, mode) in [("var/spool/activationd", 0o750), ("var/spool/activationd/tmp", 0o3730),
                             ("var/spool/activationd/new", 0o3730), ("var/spool/activationd/rejected", 0o700),
                             ("etc/activationd", 0o750), ("etc/activationd/signing.keys", 0o600)] {
            let attributes = try root.attributes(path)
            #expect(attributes.mode == mode, "\(path): \(String(attributes.mode, radix: 8))")
            if path.hasPrefix("var/") { #expect(attributes.owner == uid, "\(path)") }
        }
        let wroteKey = try root.read("etc/activationd/signing.keys").hasSuffix("=\n")
        #expect(wroteKey, "postinst wrote a key line")
    }

    @Test("the monitoring kit: promtool checks the rules, passes their tests, and parses the dashboard's queries")
    func monitoring() async throws {
        let result = try await Tool.run(CommandRunner.packageRoot.appendingPathComponent("monitoring/check.sh").path, [])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("SUCCESS"), "\(result.output)")
    }

    /// The package extracted (dpkg-deb --extract) into a fresh directory.
    static func extracted() async throws -> URL {
        let deb = try await package()
        let directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("activationd-deb-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let result = try await Tool.run("/usr/bin/dpkg-deb", ["--extract", deb.path, directory.path])
        #expect(result.status == 0, "\(result.output)")
        return directory
    }
}

/// Runs `scripts/build-deb.sh` (what `make deb` runs after the bootstrap) at most once per test run.
actor PackageBuild {
    static let shared = PackageBuild()
    private var built: URL?

    func path() async throws -> URL {
        if let built { return built }
        let started = ContinuousClock.now
        let result = try await Tool.run("/usr/bin/make", ["-C", CommandRunner.packageRoot.path, "--no-print-directory", "deb"])
        guard result.status == 0,
              let last = result.output.split(separator: "\n").last(where: { $0.hasSuffix(".deb") }) else {
            throw PackageBuildFailed(output: String(result.output.suffix(4000)))
        }
        print("make deb took \(ContinuousClock.now - started)")
        let url = CommandRunner.packageRoot.appendingPathComponent(String(last))
        built = url
        return url
    }

    struct PackageBuildFailed: Error, CustomStringConvertible {
        let output: String
        var description: String { "make deb failed:\n\(output)" }
    }
}

/// An empty root for `dpkg --root`: the dpkg database and /etc, nothing else. The maintainer
/// scripts run outside it (--force-script-chrootless) and write under $DPKG_ROOT.
struct ThrowawayRoot {
    let url: URL

    init() throws {
        url = URL(fileURLWithPath: "/tmp").appendingPathComponent("activationd-root-\(UUID().uuidString.prefix(8))")
        for directory in ["var/lib/dpkg/info", "var/lib/dpkg/updates", "etc"] {
            try FileManager.default.createDirectory(at: url.appendingPathComponent(directory), withIntermediateDirectories: true)
        }
        for file in ["var/lib/dpkg/status", "var/lib/dpkg/available"] {
            try Data().write(to: url.appendingPathComponent(file))
        }
    }

    /// `dpkg --root` with the maintainer scripts run against the root; the libraries the package
    /// depends on are this host's (the root has no packages), hence --force-depends.
    func dpkg(_ arguments: [String]) async throws -> Tool.Result {
        try await Tool.run("/usr/bin/dpkg", ["--root", url.path, "--force-script-chrootless", "--force-depends",
                                             "--force-not-root"] + arguments)
    }

    func read(_ path: String) throws -> String {
        try String(contentsOf: url.appendingPathComponent(path), encoding: .utf8)
    }

    func write(_ path: String, _ text: String) throws {
        try Data(text.utf8).write(to: url.appendingPathComponent(path))
    }

    func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent(path).path)
    }

    func attributes(_ path: String) throws -> (mode: Int, owner: Int, group: Int) {
        var status = stat()
        guard lstat(url.appendingPathComponent(path).path, &status) == 0 else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        return (Int(status.st_mode & 0o7777), Int(status.st_uid), Int(status.st_gid))
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Runs a tool with stdin from /dev/null (a question would fail instead of waiting), stdout and
/// stderr together.
enum Tool {
    struct Result {
        let status: Int32
        let output: String
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        let result = try await ChildProcess.run(executable, arguments, environment: environment, mergingOutput: true)
        return Result(status: result.status, output: result.stdout)
    }
}
