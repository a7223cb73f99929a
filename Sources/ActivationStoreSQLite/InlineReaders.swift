import Foundation
import GRDB
import Synchronization

/// A few read-only connections to the store's file, each used by one caller at a time on the
/// caller's own thread, never waited for: `read` takes a free one or answers nil at once, and the
/// caller goes the slower way (a hop to a dispatch queue).
///
/// On the cooperative pool this is the one kind of SQLite work we run: a single statement by key,
/// tens of microseconds over pages already in memory, with a busy timeout of 0 so that it never
/// sleeps waiting for another connection's lock (SQLITE_BUSY also answers nil). Writes, and reads
/// of more than one statement, never come here.
final class InlineReaders: Sendable {
    private let connections: [DatabaseQueue]
    /// Which connections are lent out.
    private let lent: Mutex<[Bool]>
    /// How many reads were answered here (the rest went the slower way).
    let answered = Atomic<Int>(0)

    /// - Parameter count: the store gives one per core: more could only wait for a thread to run on.
    init(path: String, count: Int) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .immediateError
        configuration.label = "activationd.sqlite.inline"
        connections = try (0..<count).map { _ in try DatabaseQueue(path: path, configuration: configuration) }
        lent = Mutex(Array(repeating: false, count: count))
    }

    /// `body`'s answer from a free connection, or nil when none is free or the file is busy.
    func read<T>(_ body: (Database) throws -> T) throws -> T? {
        guard let index = take() else { return nil }
        defer { give(index) }
        do {
            let answer = try connections[index].inDatabase(body)
            answered.wrappingAdd(1, ordering: .relaxed)
            return answer
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            return nil
        }
    }

    private func take() -> Int? {
        lent.withLock { lent in
            guard let index = lent.firstIndex(of: false) else { return nil }
            lent[index] = true
            return index
        }
    }

    private func give(_ index: Int) {
        lent.withLock { $0[index] = false }
    }

    func close() throws {
        for connection in connections { try connection.close() }
    }
}
