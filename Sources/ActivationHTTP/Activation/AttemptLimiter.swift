import ActivationCore
import Foundation
import Synchronization

/// Counts wrong passwords per link and locks a link after too many.
///
/// Kept in memory, per process: the lock protects one person's link against guessing for a few
/// minutes; losing it on restart gives an attacker at most one more round of `attempts`, and
/// several hosts each keeping their own count multiply the attempts by the host count — both far
/// from making a guess of a chosen password likely, and neither worth a store write per attempt.
final class AttemptLimiter: Sendable {
    private struct Record {
        var failures: [Date] = []
        var lockedUntil: Date?
    }

    private let settings: Mutex<(attempts: Int, lockout: TimeInterval)>
    private let records = Mutex<[UUID: Record]>([:])
    private var attempts: Int { settings.withLock { $0.attempts } }
    private var lockout: TimeInterval { settings.withLock { $0.lockout } }

    init(attempts: Int, lockout: Duration) {
        settings = Mutex((max(1, attempts), lockout.timeInterval))
    }

    /// Changes the limits (a reload); counts already made stay.
    func update(attempts: Int, lockout: Duration) {
        settings.withLock { $0 = (max(1, attempts), lockout.timeInterval) }
    }

    /// Until when `link` is locked at `now`, if it is.
    func lockedUntil(_ link: UUID, now: Date) -> Date? {
        records.withLock { records in
            guard let until = records[link]?.lockedUntil else { return nil }
            if until > now { return until }
            records[link] = nil
            return nil
        }
    }

    /// Counts a wrong password; returns the attempts left, or the lock's end once locked.
    func recordFailure(_ link: UUID, now: Date) -> Result<Int, LockedUntil> {
        records.withLock { records in
            var record = records[link] ?? Record()
            record.failures = record.failures.filter { now.timeIntervalSince($0) < lockout } + [now]
            defer { records[link] = record; prune(&records, now: now) }
            if record.failures.count >= attempts {
                let until = now.addingTimeInterval(lockout)
                record = Record(failures: [], lockedUntil: until)
                return .failure(LockedUntil(date: until))
            }
            return .success(attempts - record.failures.count)
        }
    }

    /// Forgets the failures of a link whose password was right.
    func recordSuccess(_ link: UUID) {
        _ = records.withLock { $0.removeValue(forKey: link) }
    }

    /// Drops records with nothing left to remember once the table grows, so memory stays bounded
    /// by the links guessed at within one lockout period.
    private func prune(_ records: inout [UUID: Record], now: Date) {
        guard records.count > 10_000 else { return }
        records = records.filter { _, record in
            (record.lockedUntil.map { $0 > now } ?? false)
                || record.failures.contains { now.timeIntervalSince($0) < lockout }
        }
    }
}

/// The end of a lock, as an error so that `Result` can carry it.
struct LockedUntil: Error {
    let date: Date
}
