public import ActivationCore
import AsyncAlgorithms
import CoreMetrics
import Foundation
public import Logging
import NIOPosix
public import ServiceLifecycle

/// The intake: takes in every record dropped into `<spool>/new` as a pending account.
///
/// Records are found by inotify, by a scan at start-up, and by a scan every `rescanInterval` (which
/// also clears `tmp/` of dead writers' files). Up to `recordsInFlight` records are in work at once;
/// their passwords are hashed on `hashingThreads` threads of an `NIOThreadPool`.
///
/// `run()` returns on graceful shutdown once the records in work are done (committed and removed,
/// or rejected); records not yet started stay in `new/` for the next start. On cancellation it
/// likewise waits for the records in work.
public struct IntakeService<C: Clock>: Service where C.Duration == Duration {
    let options: IntakeOptions
    let store: any AccountStore
    let logger: Logger
    let clock: C
    let metrics: IntakeMetrics
    let started: @Sendable () async -> Void

    /// An intake for `options.directory` into `store`, rescanning on `clock`'s time.
    ///
    /// - Parameter started: called once the spool exists and is watched, with the first scan
    ///   queued (the daemon's readiness).
    public init(options: IntakeOptions, store: any AccountStore, logger: Logger, clock: C,
                metrics: IntakeMetrics = IntakeMetrics(), started: @escaping @Sendable () async -> Void = {}) {
        self.options = options
        self.store = store
        self.logger = logger
        self.clock = clock
        self.metrics = metrics
        self.started = started
    }

    /// Runs until graceful shutdown or cancellation.
    public func run() async throws {
        let spool = SpoolDirectory(options.directory)
        try spool.create()
        // Watch before the first scan, so that a file arriving between the two is seen by one.
        let watcher = options.watch ? try InotifyWatcher(directory: spool.new) : nil
        let threadPool = NIOThreadPool(numberOfThreads: options.hashingThreads)
        threadPool.start()
        let processor = IntakeProcessor(
            spool: spool, store: store, hasher: PasswordHasher(parameters: options.passwordHash),
            threadPool: threadPool, lifetime: options.activationLifetime, logger: logger, metrics: metrics,
            resend: options.resend)
        let (events, sink) = AsyncStream.makeStream(of: IntakeEvent.self)
        logger.info("intake started", metadata: [
            LogKey.event: "\(IntakeLogEvent.started)", "spool": "\(spool.root)",
            "inotify": "\(watcher != nil)", "hash": "\(options.passwordHash)",
        ])
        sink.yield(.rescan)
        await started()

        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                if let watcher {
                    group.addTask {
                        await watcher.run { event in
                            switch event {
                            case .name(let name): sink.yield(.file(name))
                            case .overflow: sink.yield(.rescan)
                            }
                        }
                    }
                }
                group.addTask {
                    for await _ in AsyncTimerSequence(interval: options.rescanInterval, clock: clock) {
                        sink.yield(.rescan)
                    }
                }
                var dispatcher = IntakeDispatcher(limit: options.recordsInFlight)
                await dispatch(events, into: &dispatcher, sink: sink, spool: spool, processor: processor)
                group.cancelAll()
            }
        } onGracefulShutdown: {
            sink.yield(.shutdown)
        }
        sink.finish()
        try await threadPool.shutdownGracefully()
        logger.info("intake stopped", metadata: [LogKey.event: "\(IntakeLogEvent.stopped)"])
    }

    /// The one loop that decides which record is worked on next; workers report back through `sink`.
    private func dispatch(
        _ events: AsyncStream<IntakeEvent>, into dispatcher: inout IntakeDispatcher,
        sink: AsyncStream<IntakeEvent>.Continuation, spool: SpoolDirectory, processor: IntakeProcessor
    ) async {
        await withDiscardingTaskGroup { workers in
            for await event in events {
                switch event {
                case .file(let name):
                    if SpoolDirectory.isRecordName(name) { dispatcher.enqueue(name) }
                case .rescan:
                    rescan(spool, into: &dispatcher, processor: processor)
                case .finished(let name):
                    dispatcher.finished(name)
                case .shutdown:
                    dispatcher.drain()
                }
                while let name = dispatcher.next() {
                    workers.addTask {
                        await processor.process(name)
                        sink.yield(.finished(name))
                    }
                }
                metrics.backlog.record(dispatcher.backlog)
                if dispatcher.isDone { break }
            }
        }
    }

    private func rescan(_ spool: SpoolDirectory, into dispatcher: inout IntakeDispatcher, processor: IntakeProcessor) {
        do {
            let waiting = try spool.waiting()
            for name in waiting.names { dispatcher.enqueue(name) }
            for name in waiting.undecodable { processor.rejectUndecodable(name) }
            let purged = try spool.purgeTmp(olderThan: options.tmpMaximalAge)
            if purged > 0 {
                logger.notice("removed dead writers' files from tmp/", metadata: [
                    LogKey.event: "\(IntakeLogEvent.tmpPurged)", LogKey.count: "\(purged)",
                ])
            }
        } catch {
            logger.error("spool scan failed", metadata: [LogKey.error: "\(error)"])
        }
    }
}

/// What the dispatcher loop reacts to.
enum IntakeEvent: Sendable {
    /// A name appeared in `new/`.
    case file(String)
    /// Scan `new/` in full (start-up, timer, lost inotify events).
    case rescan
    /// A worker is done with this name.
    case finished(String)
    /// Graceful shutdown: finish what is in work, start nothing new.
    case shutdown
}
