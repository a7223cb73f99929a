import Logging

/// Collects "ready" from each part of the daemon (store migrated, spool scanned, HTTP listening)
/// and sends `READY=1` once, when every part has said so.
actor ReadinessGate {
    private var waiting: Set<String>
    private let notifier: SystemdNotifier
    private let logger: Logger
    private var continuations: [CheckedContinuation<Void, Never>] = []

    /// A gate waiting for `parts`.
    init(parts: Set<String>, notifier: SystemdNotifier, logger: Logger) {
        waiting = parts
        self.notifier = notifier
        self.logger = logger
    }

    /// Marks `part` ready; the last one opens the gate.
    func ready(_ part: String) {
        guard waiting.remove(part) != nil, waiting.isEmpty else { return }
        notifier.notify("READY=1\nSTATUS=ready")
        logger.info("ready", metadata: ["event": "daemon.ready"])
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
