public import Foundation
import CCurl
import Glibc

/// SMTP through libcurl: `smtp.connections` dedicated threads, each with one reused easy handle
/// (and so one reused connection). libcurl blocks, so sends never run on Swift concurrency's
/// cooperative pool; an async caller waits on a continuation while a worker thread sends.
///
/// This is the only type in activationd that calls `curl_*`.
public final class CurlSMTPTransport: SMTPTransport {
    /// `host:port` of the relay.
    public let relay: String
    /// Eight times `smtp.timeout`. `CURLOPT_TIMEOUT_MS` bounds a send at three, but after a
    /// timeout libcurl still sends QUIT and waits for its reply (trap 6 of the notes): a send to
    /// a stalled server took 7 s with a 1 s timeout. Eight leaves room beyond that measurement.
    public let sendTimeLimit: Duration
    /// `smtp.connections`: the worker threads, one connection each.
    public let workers: Int
    private let queue: SendQueue

    /// Starts the worker threads.
    ///
    /// - Throws: `MailError.configuration` when the URL is not `smtp://` or `smtps://` with a host,
    ///   or `connections` is not positive.
    public init(options: SMTPOptions) throws(MailError) {
        guard let relay = options.relay else {
            throw MailError(.configuration, "smtp.url must be smtp:// or smtps:// with a host and no user or password")
        }
        guard options.connections > 0 else { throw MailError(.configuration, "smtp.connections must be positive") }
        Self.globalSetUp
        self.relay = relay
        sendTimeLimit = options.timeout * 8
        workers = options.connections
        queue = SendQueue(workers: options.connections)
        for index in 0..<options.connections {
            let queue = self.queue
            let thread = Thread {
                let connection: any SMTPConnection = CurlWorker(options: options) ?? UnavailableConnection()
                while let job = queue.next() { job(connection) }
                queue.workerExited()
            }
            thread.name = "activationd-smtp-\(index)"
            thread.start()
        }
    }

    /// Once per process: libcurl's global initialisation, and ignoring SIGPIPE, which libcurl
    /// with `CURLOPT_NOSIGNAL` no longer suppresses for us.
    private static let globalSetUp: Void = {
        curl_global_init(ccurl_global_all)
        signal(SIGPIPE, SIG_IGN)
    }()

    /// Queues the send for the next free worker thread and waits for its result.
    public func send(_ message: [UInt8], envelope: SMTPEnvelope) async -> SMTPResult {
        await withCheckedContinuation { continuation in
            let job: SMTPJob = { connection in
                continuation.resume(returning: connection.send(message, envelope: envelope))
            }
            if !queue.push([job]) {
                continuation.resume(returning: SMTPResult(status: .temporaryFailure, reply: "the transport is shut down"))
            }
        }
    }

    /// Queues `jobs` for the worker threads; see `SMTPTransport.perform`.
    public func perform(_ jobs: [SMTPJob]) -> Bool {
        queue.push(jobs)
    }

    /// Lets the workers finish what is queued, then waits until every thread has exited.
    public func shutdown() async {
        await withCheckedContinuation { continuation in queue.close(then: continuation) }
    }
}

/// The connection of a worker whose libcurl handle could not be created: every send is deferred.
struct UnavailableConnection: SMTPConnection {
    func send(_ message: [UInt8], envelope: SMTPEnvelope) -> SMTPResult {
        SMTPResult(status: .temporaryFailure, reply: "libcurl could not create a handle")
    }
}

/// The jobs waiting for a worker thread. The threads block in `next()`.
///
/// `@unchecked Sendable`: every stored property is read and written only with `condition` locked.
final class SendQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [SMTPJob] = []
    private var head = 0
    private var closed = false
    private var running: Int
    private var whenStopped: CheckedContinuation<Void, Never>?

    init(workers: Int) { running = workers }

    /// Adds jobs, waking as many workers; false, adding none, once the queue is closed.
    func push(_ added: [SMTPJob]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        jobs += added
        if added.count == 1 { condition.signal() } else { condition.broadcast() }
        return true
    }

    /// The next job, waiting for one; nil when the queue is closed and empty.
    func next() -> SMTPJob? {
        condition.lock()
        defer { condition.unlock() }
        while head == jobs.count && !closed { condition.wait() }
        guard head < jobs.count else { return nil }
        let job = jobs[head]
        head += 1
        if head == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 256 && head * 2 >= jobs.count {
            // A queue that never quite empties must still let go of the jobs already taken.
            jobs.removeFirst(head)
            head = 0
        }
        return job
    }

    /// Refuses new jobs; `continuation` resumes once every worker has exited.
    func close(then continuation: CheckedContinuation<Void, Never>) {
        condition.lock()
        closed = true
        let done = running == 0
        if !done { whenStopped = continuation }
        condition.broadcast()
        condition.unlock()
        if done { continuation.resume() }
    }

    /// Called by each worker thread as it ends.
    func workerExited() {
        condition.lock()
        running -= 1
        let continuation = running == 0 ? whenStopped : nil
        if continuation != nil { whenStopped = nil }
        condition.unlock()
        continuation?.resume()
    }
}
