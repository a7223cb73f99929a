import ActivationCore
import ActivationHTTP
import Logging

/// Collects "ready" from each part of the daemon (store migrated, spool scanned, HTTP listening)
/// and sends `READY=1` once, when every part has said so. The listeners' bound addresses go into
/// that notification's `STATUS=` and the `daemon.ready` log line (`http.listen: "127.0.0.1:0"`
/// binds a port the kernel chooses; the tests' daemons do, and read it there).
actor ReadinessGate {
    private var waiting: Set<String>
    private var addresses: [String: ListenAddress] = [:]
    private let notifier: SystemdNotifier
    private let logger: Logger
    private var continuations: [CheckedContinuation<Void, Never>] = []

    /// A gate waiting for `parts`.
    init(parts: Set<String>, notifier: SystemdNotifier, logger: Logger) {
        waiting = parts
        self.notifier = notifier
        self.logger = logger
    }

    /// Marks `part` ready, a listener with the address it is bound to; the last one opens the gate.
    func ready(_ part: String, listening address: ListenAddress? = nil) {
        if let address { addresses[part] = address }
        guard waiting.remove(part) != nil, waiting.isEmpty else { return }
        // "STATUS=ready; http on 127.0.0.1:8080; operator on 127.0.0.1:9090"
        let bound = addresses.sorted { $0.key < $1.key }
        notifier.notify("READY=1\nSTATUS=ready" + bound.map { "; \($0.key) on \($0.value)" }.joined())
        var metadata: Logger.Metadata = [LogKey.event: "\(DaemonEvent.ready)"]
        for (part, address) in bound { metadata[part] = "\(address)" }
        logger.info("ready", metadata: metadata)
        for continuation in continuations { continuation.resume() }
        continuations.removeAll()
    }

    /// Whether every part is ready.
    var isOpen: Bool { waiting.isEmpty }

    /// Waits until every part is ready.
    func wait() async {
        if waiting.isEmpty { return }
        await withCheckedContinuation { continuations.append($0) }
    }
}
