public import ActivationCore
public import Foundation

/// What the intake service needs to know, with the configuration keys' defaults (docs/contracts.md,
/// "Configuration keys"). The configuration loader
/// fills it from `spool.*`, `activation.lifetime` and `password_hash.*`.
public struct IntakeOptions: Sendable {
    /// `spool.directory`: the spool, holding `tmp/`, `new/` and `rejected/`. Default `/var/spool/activationd`.
    public var directory: String
    /// `spool.rescan_interval`: how often `new/` is scanned in full besides inotify, so that a
    /// missed event is taken in late rather than never. Default 30 seconds.
    public var rescanInterval: Duration
    /// `activation.lifetime`: how long a pending account's link lives. Default 30 days.
    public var activationLifetime: Duration
    /// `password_hash.scrypt_log_n`, `scrypt_r`, `scrypt_p`. Default ln=17, r=8, p=1.
    public var passwordHash: ScryptParameters
    /// How many passwords are hashed at once, each on a thread of its own. Default: the number of
    /// cores; scrypt is CPU- and memory-bound (128 MiB each at the default parameters).
    public var hashingThreads: Int
    /// Whether to watch `new/` with inotify. Default true; without it (a file system that sends no
    /// events, such as NFS) records are taken in by the rescans alone.
    public var watch: Bool
    /// How old a file in `tmp/` must be to be removed as a dead writer's leftover. Default 36 hours
    /// (Maildir's rule).
    public var tmpMaximalAge: Duration
    /// `activation.resend_cooldown` and `resend_daily_limit`: when a record naming a pending
    /// account's own username and email mails that account's link again.
    public var resend = ResendPolicy()

    /// Options with every default, for the spool at `directory`.
    public init(
        directory: String = "/var/spool/activationd",
        rescanInterval: Duration = .seconds(30),
        activationLifetime: Duration = .seconds(30 * 24 * 3600),
        passwordHash: ScryptParameters = .default,
        hashingThreads: Int = ProcessInfo.processInfo.activeProcessorCount,
        watch: Bool = true,
        tmpMaximalAge: Duration = .seconds(36 * 3600)
    ) {
        self.directory = directory
        self.rescanInterval = rescanInterval
        self.activationLifetime = activationLifetime
        self.passwordHash = passwordHash
        self.hashingThreads = max(1, hashingThreads)
        self.watch = watch
        self.tmpMaximalAge = tmpMaximalAge
    }

    /// How many records are in work at once: twice the hashing threads, so that while one record
    /// of a pair is committed and unlinked the other is hashing, and no hashing thread waits.
    var recordsInFlight: Int { hashingThreads * 2 }
}
