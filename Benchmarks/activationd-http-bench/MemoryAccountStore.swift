import ActivationCore
import Foundation
import Synchronization

/// Just enough of a store for the landing page: accounts by id, in memory, so that the benchmark
/// measures the HTTP side and not a database. The calls the page never makes are refused.
final class MemoryAccountStore: AccountStore {
    private let accounts = Mutex<[UUID: Account]>([:])

    struct Unsupported: Error {}

    func insert(_ account: Account) { accounts.withLock { $0[account.id] = account } }

    func account(id: UUID) async throws -> Account? { accounts.withLock { $0[id] } }

    func migrate() async throws {}
    func register(_ registration: Registration, as account: Account, now: Date) async throws
        -> RegistrationResult { throw Unsupported() }
    func account(username: String) async throws -> Account? { throw Unsupported() }
    func accounts(email: String) async throws -> [Account] { throw Unsupported() }
    func account(registrationID: UUID) async throws -> Account? { throw Unsupported() }
    func activate(accountID: UUID, nonce: Data, now: Date) async throws -> ActivationResult { throw Unsupported() }
    func enqueue(_ kind: MailKind, accountID: UUID, now: Date) async throws -> OutboxMessage? { throw Unsupported() }
    func claimOutbox(owner: String, limit: Int, lease: Duration, now: Date) async throws -> [OutboxClaim] {
        throw Unsupported()
    }
    func recordDelivery(_ outcome: DeliveryOutcome, messageID: UUID, owner: String, now: Date) async throws -> Bool {
        throw Unsupported()
    }
    func releaseLeases(owner: String) async throws -> Int { throw Unsupported() }
    func outbox(accountID: UUID) async throws -> [OutboxMessage] { throw Unsupported() }
    func expirePending(now: Date, limit: Int) async throws -> [Account] { throw Unsupported() }
    func counts() async throws -> StoreCounts { throw Unsupported() }
}
