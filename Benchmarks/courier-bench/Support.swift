import ActivationCore
import ActivationMail
import BenchStore
import Foundation
import Dispatch
import Glibc

/// What every mode of the benchmark shares: the mail factory, the fixture accounts, the clocks.
enum Bench {
    static let factory: MailFactory = {
        let keys = try! KeyRing(keys: [SigningKey(id: "bench", secret: Array(repeating: 9, count: 32))!])
        return MailFactory(sender: try! Mailbox(parsing: "Accounts <no-reply@example.org>"), templates: try! MailTemplates(),
                           keys: keys, publicURL: "https://accounts.example.org", dkim: dkim)
    }()

    /// `DKIM=rsa|ed25519|both` in the environment: the mail is DKIM-signed with fresh keys
    /// (RSA 2048 bits, Ed25519), as the daemon signs it; unset or `none`: unsigned.
    static let dkim: DKIMSigner = {
        let mode = ProcessInfo.processInfo.environment["DKIM"] ?? "none"
        var keys: [DKIMKey] = []
        if mode == "rsa" || mode == "both" {
            keys.append(try! DKIMKey.generate(.rsaSHA256, domain: "example.org", selector: "bench"))
        }
        if mode == "ed25519" || mode == "both" {
            keys.append(try! DKIMKey.generate(.ed25519SHA256, domain: "example.org", selector: "bench-ed"))
        }
        return DKIMSigner(keys: keys)
    }()

    /// The registration and pending account of person `index`.
    static func account(_ index: Int, now: Date) -> (Registration, Account) {
        let email = "person\(index)@example.net"
        let registration = Registration(
            id: UUID(), submittedAt: now, username: "bench\(index)", firstName: "Jane", lastName: "Doe", email: email,
            confirmEmail: email, password: Secret("Secr3tPass"), confirmPassword: Secret("Secr3tPass"),
            passwordPhrase: Secret("blue heron at dawn"), acceptedConditions: true)
        let account = Account.pending(from: registration, passwordHash: "$scrypt$ln=17,r=8,p=1$c2FsdA$aGFzaA", now: now,
                                      lifetime: .seconds(30 * 86_400))
        return (registration, account)
    }

    /// The activation mail of a fresh account, as the courier would send it.
    static func sampleMail() throws -> OutgoingMail {
        let now = Date()
        let (_, account) = account(0, now: now)
        return try factory.mail(for: .queued(.activation, for: account.id, now: now), account: account, now: now)
    }

    /// A fresh store (SQLite in a temporary directory, or the PostgreSQL database of `STORE_PG`)
    /// with `count` pending accounts, each with its activation mail queued; the caller removes
    /// the directory.
    static func store(accounts count: Int) async throws -> (any AccountStore, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("courier-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try await BenchStore.open(sqlitePath: directory.appendingPathComponent("bench.sqlite").path)
        let now = Date()
        // Registered from 8 tasks at once: PostgreSQL commits one round trip at a time per connection.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<8 {
                group.addTask {
                    for index in stride(from: lane, to: count, by: 8) {
                        let (registration, account) = account(index, now: now)
                        _ = try await store.register(registration, as: account, now: now)
                    }
                }
            }
            try await group.waitForAll()
        }
        // For `perf record -p` of the measured phase only: the setup is done.
        if let marker = ProcessInfo.processInfo.environment["READY_MARKER"] {
            FileManager.default.createFile(atPath: marker, contents: nil)
        }
        return (store, directory)
    }

    /// CPU time of the whole process so far, in microseconds.
    static func processCPU() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) * 1e6 + Double(time.tv_nsec) / 1e3
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Resident set size in KiB, from /proc/self/status.
    static func residentKiB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    static func format(_ value: Double, _ decimals: Int = 1) -> String {
        String(format: "%.\(decimals)f", value)
    }
}
