public import ActivationCore
import Foundation
import Testing

/// The behaviour every `AccountStore` must have. Each store's test target runs every case against
/// a fresh, migrated store:
///
/// ```swift
/// @Test(arguments: AccountStoreContract.allCases)
/// func contract(_ check: AccountStoreContract) async throws {
///     try await check.run(on: try await makeFreshStore())
/// }
/// ```
public enum AccountStoreContract: String, CaseIterable, Sendable, CustomStringConvertible {
    case usernameIsUniqueCaseInsensitively
    case activeEmailIsTaken
    case bothConflictsReportedTogether
    case insertIsIdempotentByRegistrationID
    case pendingAccountOfTheSameUsernameAndEmailStays
    case pendingAccountsOfTheSameEmailAndOtherUsernamesStayUntilOneIsActivated
    case registrationIDReusedWithOtherContentIsRefused
    case rejectedRegistrationSupersedesNothing
    case lookups
    case concurrentActivationsSucceedOnce
    case activationChecksStateNonceAndExpiry
    case claimedRowIsClaimableAgainAfterItsLease
    case concurrentClaimsAreDisjoint
    case deliveryOutcomesMoveTheRow
    case batchedDeliveryOutcomesMoveEachRowOnce
    case releasedLeasesAreDueAtOnce
    case enqueueResendAndReminder
    case expiryRunsInBatchesAndFreesTheUsername
    case countsByStateAndStatus
    case remindersAreQueuedOncePerAccount
    case purgeRemovesOnlyFinishedMail
    case failedMailIsRequeued
    case bouncedMailStopsTheAccountsMail
    case passwordAttemptReservationsAreAtomic
    case passwordAttemptLimitLocksAndTheLockEnds
    case passwordAttemptsSurviveReopeningTheStore
    case challengeIsUsedOnceAndTheSameFormMayComeAgain
    case concurrentChallengeUsesHaveOneFirst
    case expiredChallengesAreForgotten
    case snapshotHoldsEveryRowAndRestoreRefusesAStoreThatIsNotEmpty
    case accountsOfOneAddressAreOrderedByTimeThenID

    /// The case name.
    public var description: String { rawValue }

    /// Runs this check against `store`, which must be freshly migrated and empty.
    ///
    /// - Parameter reopen: closes nothing, opens the same database anew (a restart, or another
    ///   host); the checks of what must outlive a process use it. Without it, the same store.
    public func run(on store: any AccountStore, reopen: (@Sendable () async throws -> any AccountStore)? = nil)
        async throws
    {
        let fixtures = ContractFixtures()
        switch self {
        case .usernameIsUniqueCaseInsensitively: try await Self.usernameIsUnique(store, fixtures)
        case .activeEmailIsTaken: try await Self.activeEmailIsTaken(store, fixtures)
        case .bothConflictsReportedTogether: try await Self.bothConflicts(store, fixtures)
        case .insertIsIdempotentByRegistrationID: try await Self.idempotentInsert(store, fixtures)
        case .pendingAccountOfTheSameUsernameAndEmailStays: try await Self.sameUsernameAndEmailStays(store, fixtures)
        case .pendingAccountsOfTheSameEmailAndOtherUsernamesStayUntilOneIsActivated:
            try await Self.sameEmailOtherUsernames(store, fixtures)
        case .registrationIDReusedWithOtherContentIsRefused: try await Self.reusedRegistrationID(store, fixtures)
        case .rejectedRegistrationSupersedesNothing: try await Self.rejectedSupersedesNothing(store, fixtures)
        case .lookups: try await Self.lookups(store, fixtures)
        case .concurrentActivationsSucceedOnce: try await Self.concurrentActivations(store, fixtures)
        case .activationChecksStateNonceAndExpiry: try await Self.activationChecks(store, fixtures)
        case .claimedRowIsClaimableAgainAfterItsLease: try await Self.leaseExpiry(store, fixtures)
        case .concurrentClaimsAreDisjoint: try await Self.concurrentClaims(store, fixtures)
        case .deliveryOutcomesMoveTheRow: try await Self.deliveryOutcomes(store, fixtures)
        case .batchedDeliveryOutcomesMoveEachRowOnce: try await Self.batchedDeliveryOutcomes(store, fixtures)
        case .releasedLeasesAreDueAtOnce: try await Self.releaseLeases(store, fixtures)
        case .enqueueResendAndReminder: try await Self.enqueue(store, fixtures)
        case .expiryRunsInBatchesAndFreesTheUsername: try await Self.batchExpiry(store, fixtures)
        case .countsByStateAndStatus: try await Self.counts(store, fixtures)
        case .remindersAreQueuedOncePerAccount: try await Self.reminders(store, fixtures)
        case .purgeRemovesOnlyFinishedMail: try await Self.purge(store, fixtures)
        case .failedMailIsRequeued: try await Self.requeueFailed(store, fixtures)
        case .bouncedMailStopsTheAccountsMail: try await Self.bounces(store, fixtures)
        case .passwordAttemptReservationsAreAtomic: try await Self.atomicAttemptReservations(store, fixtures)
        case .passwordAttemptLimitLocksAndTheLockEnds: try await Self.attemptLimitAndLock(store, fixtures)
        case .passwordAttemptsSurviveReopeningTheStore:
            try await Self.attemptsSurviveReopen(store, reopen: reopen ?? { store }, fixtures)
        case .challengeIsUsedOnceAndTheSameFormMayComeAgain:
            try await Self.challengeUse(store, reopen: reopen ?? { store }, fixtures)
        case .concurrentChallengeUsesHaveOneFirst: try await Self.concurrentChallengeUses(store, fixtures)
        case .expiredChallengesAreForgotten: try await Self.forgetChallenges(store, fixtures)
        case .snapshotHoldsEveryRowAndRestoreRefusesAStoreThatIsNotEmpty: try await Self.snapshot(store, fixtures)
        case .accountsOfOneAddressAreOrderedByTimeThenID: try await Self.sameEmailOrder(store, fixtures)
        }
    }

    static func usernameIsUnique(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        _ = try await store.mustRegister(f.registration(username: "jdoe2026", email: "jane@example.org"), f)
        let clash = f.registration(username: "JDOE2026", email: "other@example.org")
        let result = try await store.register(clash, as: f.account(for: clash), now: f.now)
        #expect(result == .rejected([.usernameTaken]))
        #expect(try await store.account(registrationID: clash.id) == nil)
        // Taken by an active account too.
        let active = try await store.mustRegisterActive(f.registration(username: "activeone", email: "a@example.org"), f)
        let second = f.registration(username: active.username.uppercased(), email: "b@example.org")
        #expect(try await store.register(second, as: f.account(for: second), now: f.now) == .rejected([.usernameTaken]))
    }

    static func activeEmailIsTaken(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        _ = try await store.mustRegisterActive(f.registration(username: "firstone", email: "jane@example.org"), f)
        let again = f.registration(username: "secondone", email: "JANE@Example.org")
        #expect(try await store.register(again, as: f.account(for: again), now: f.now) == .rejected([.emailTaken]))
        #expect(try await store.accounts(email: "jane@example.org").count == 1)
    }

    static func bothConflicts(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        _ = try await store.mustRegisterActive(f.registration(username: "firstone", email: "jane@example.org"), f)
        _ = try await store.mustRegister(f.registration(username: "pendingone", email: "p@example.org"), f)
        let both = f.registration(username: "PendingOne", email: "jane@example.org")
        let result = try await store.register(both, as: f.account(for: both), now: f.now)
        #expect(result == .rejected([.usernameTaken, .emailTaken]))
    }

    static func idempotentInsert(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        let registration = f.registration(username: "jdoe2026", email: "jane@example.org")
        let (account, _, _) = try await store.mustRegister(registration, f)
        // The same record again (a crash between commit and unlink), even with a fresh account id.
        let again = try await store.register(registration, as: f.account(for: registration), now: f.now)
        #expect(again == .duplicate(existingAccountID: account.id))
        #expect(try await store.outbox(accountID: account.id).count == 1)
        let counts = try await store.counts()
        #expect(counts.accounts[.pending] == 1)
        #expect(counts.outbox[.queued] == 1)
    }

    /// A registration with the username and email of a pending account no longer
    /// replaces it (anyone who knew both put their own password on it); it is refused for the name.
    static func sameUsernameAndEmailStays(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        let first = try await store.mustRegister(f.registration(username: "typo2026", email: "jane@example.org"), f)
        // The same username and a differently cased address: the same person, or whoever knows both.
        let retry = f.registration(username: "Typo2026", email: "Jane@Example.org")
        #expect(try await store.register(retry, as: f.account(for: retry), now: f.now) == .rejected([.usernameTaken]))
        #expect(try await store.account(registrationID: retry.id) == nil)
        #expect(try await store.account(id: first.account.id) == first.account)
        #expect(try await store.outbox(accountID: first.account.id).map(\.status) == [.queued])
        #expect(try await store.accounts(email: "jane@example.org").map(\.id) == [first.account.id])
        #expect(try await store.removalReason(accountID: first.account.id) == nil)
    }

    static func rejectedSupersedesNothing(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        let pending = try await store.mustRegister(f.registration(username: "janeone", email: "jane@example.org"), f)
        _ = try await store.mustRegister(f.registration(username: "takenname", email: "other@example.org"), f)
        let retry = f.registration(username: "takenname", email: "jane@example.org")
        #expect(try await store.register(retry, as: f.account(for: retry), now: f.now) == .rejected([.usernameTaken]))
        #expect(try await store.account(id: pending.account.id)?.state == .pending)
        #expect(try await store.outbox(accountID: pending.account.id).map(\.status) == [.queued])
    }

    static func lookups(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        let registration = f.registration(username: "LookMeUp", email: "Look@Example.org")
        let (account, activation, _) = try await store.mustRegister(registration, f)
        #expect(account.state == .pending)
        #expect(activation.kind == .activation && activation.status == .queued && activation.accountID == account.id)
        let byID = try await store.account(id: account.id)
        #expect(byID == account)
        #expect(byID?.passwordPhrase.value == "blue heron at dawn")
        #expect(byID?.nonce.count == ActivationToken.nonceLength)
        #expect(try await store.account(username: "lookmeup") == account)
        #expect(try await store.accounts(email: "look@example.org") == [account])
        #expect(try await store.account(registrationID: registration.id) == account)
        #expect(try await store.account(username: "nobody") == nil)
        #expect(try await store.account(id: UUID()) == nil)
        #expect(try await store.accounts(email: "nobody@example.org").isEmpty)
    }
}
