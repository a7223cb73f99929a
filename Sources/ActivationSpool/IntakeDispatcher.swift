/// The dispatcher's bookkeeping: names waiting in order, names in work, and the limit.
///
/// A name is known from the moment it is queued until its worker finishes, so that inotify and
/// rescans reporting the same file never put it in work twice.
struct IntakeDispatcher {
    let limit: Int
    private var waiting: [String] = []
    private var head = 0
    private var known: Set<String> = []
    private var inWork = 0
    private var draining = false

    init(limit: Int) {
        self.limit = limit
    }

    /// Queues `name` unless it is already queued or in work, or intake is shutting down.
    mutating func enqueue(_ name: String) {
        guard !draining, known.insert(name).inserted else { return }
        waiting.append(name)
    }

    /// The next name to start, if a worker is free.
    mutating func next() -> String? {
        guard !draining, inWork < limit, head < waiting.count else { return nil }
        let name = waiting[head]
        head += 1
        // Drop the consumed prefix now and then: a burst of 10,000 names must not cost O(n²).
        if head >= 1024, head * 2 >= waiting.count {
            waiting.removeFirst(head)
            head = 0
        }
        inWork += 1
        return name
    }

    /// A worker finished `name`.
    mutating func finished(_ name: String) {
        known.remove(name)
        inWork -= 1
    }

    /// Graceful shutdown: forget the queue; the files stay in `new/` for the next start.
    mutating func drain() {
        draining = true
        for name in waiting[head...] { known.remove(name) }
        waiting = []
        head = 0
    }

    /// Records queued or in work: the spool backlog.
    var backlog: Int { known.count }

    /// Whether the loop may end: shutting down and nothing in work.
    var isDone: Bool { draining && inWork == 0 }
}
