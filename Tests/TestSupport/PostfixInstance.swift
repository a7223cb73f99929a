import Foundation

/// A whole Postfix instance (Debian's `postfix`) in a temporary directory of its own, accepting
/// mail on a loopback port and delivering `<mailbox>@example.test` into Maildirs; other
/// recipients @example.test are accepted and then bounced, the DSN going to the envelope sender.
///
/// Started and stopped by `scripts/postfix-instance.sh`, which handles its traps: start failures
/// are only visible under a tty, main.cf is backdated so that start does not wait 2 s, stop waits
/// for every process.
/// Nothing in /etc/postfix or /var/spool/postfix is touched, and no system MTA runs.
public final class PostfixInstance: Sendable {
    /// The instance's directory (etc/, spool/, data/, mail/, maillog).
    public let directory: TemporaryDirectory
    /// The SMTP port on 127.0.0.1.
    public let port: Int
    /// The domain of the local mailboxes.
    public let domain = "example.test"
    private var root: String { directory.path("postfix") }

    /// The instance script, `scripts/postfix-instance.sh` in the package.
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/postfix-instance.sh").path

    /// Starts an instance with these local mailboxes (local parts @example.test).
    public init(mailboxes: [String]) async throws {
        directory = try TemporaryDirectory()
        port = try freePort()
        let (status, output) = try await runProcess("/bin/bash", [Self.script, "start", directory.path("postfix"),
                                                                  "\(port)"] + mailboxes)
        guard status == 0 else {
            throw ServerError(description: "postfix did not start (\(status)): \(output)")
        }
        // The script returns once master has bound the listener; confirm, since a failed bind
        // shows only in the maillog.
        guard isListening(port) else {
            throw ServerError(description: "postfix is not listening on \(port): \(log)")
        }
    }

    /// The Maildir of `mailbox`@example.test.
    public func maildir(_ mailbox: String) -> String { "\(root)/mail/\(domain)/\(mailbox)" }

    /// The instance's log (maillog).
    public var log: String { (try? String(contentsOfFile: "\(root)/maillog", encoding: .utf8)) ?? "" }

    /// The paths of the messages in `mailbox`'s `new/`, once there are `count` of them.
    ///
    /// - Throws: `WaitTimeout` after `timeout`, with the names seen and the end of the maillog.
    public func messages(in mailbox: String, count: Int = 1, timeout: Duration = .seconds(60)) async throws -> [String] {
        let new = maildir(mailbox) + "/new"
        let names = try await waitUntil(timeout: timeout, interval: .milliseconds(50),
                                        "\(count) messages are in \(mailbox)'s Maildir", observe: {
            (names: ((try? FileManager.default.contentsOfDirectory(atPath: new)) ?? []).sorted(),
             maillog: String(log.suffix(1500)))
        }) { $0.names.count >= count }.names
        return names.map { "\(new)/\($0)" }
    }

    /// Stops every process of the instance.
    public func stop() async {
        _ = try? await runProcess("/bin/bash", [Self.script, "stop", root])
    }
}
