import AccountStoreContract
import ActivationCore
@testable import ActivationStorePostgres
import Foundation
import Testing
import TestSupport

/// What must hold when several hosts share one database: each host is a store of its own (its own
/// client and pool) on the same database, all racing at once.
@Suite("PostgreSQL store: several hosts on one database")
struct PostgresHostsTests {
    /// The same username registered on two hosts at the same moment, 40 times: each time one
    /// account and one `username.taken`, never an error.
    @Test func sameUsernameOnTwoHostsEndsAsOneAccountAndOneRejection() async throws {
        try await PostgresStores.fresh().use { stores in
            let hosts = [try await stores.open(), try await stores.open()]
            let f = ContractFixtures()
            for round in 0..<40 {
                let results = try await withThrowingTaskGroup(of: RegistrationResult.self) { group in
                    for (index, host) in hosts.enumerated() {
                        let registration = f.registration(username: index == 0 ? "race\(round)x" : "RACE\(round)X",
                                                          email: "host\(index)-\(round)@example.org")
                        group.addTask { try await host.register(registration, as: f.account(for: registration), now: f.now) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let created = results.filter { if case .created = $0 { true } else { false } }
                #expect(created.count == 1, "round \(round): \(results)")
                #expect(results.filter { $0 == .rejected([.usernameTaken]) }.count == 1, "round \(round): \(results)")
            }
            #expect(try await hosts[0].counts().accounts[.pending] == 40)
        }
    }

    /// An activation on one host while another host registers a second account with the same
    /// address, 40 times: either the registration came first and the activation replaced it, or it
    /// came second and found the address taken. Never an active account beside a pending one of
    /// its address (whose activation could then only fail on the unique index).
    @Test func activationAndRegistrationOfOneAddressOnTwoHosts() async throws {
        try await PostgresStores.fresh().use { stores in
            let hosts = [try await stores.open(), try await stores.open()]
            let f = ContractFixtures()
            for round in 0..<40 {
                let email = "both\(round)@example.org"
                let first = f.registration(username: "first\(round)x", email: email)
                guard case .created(let account, _, _) = try await hosts[0].register(
                    first, as: f.account(for: first), now: f.now)
                else {
                    Issue.record("round \(round): first registration not created")
                    return
                }
                let second = f.registration(username: "second\(round)x", email: email)
                async let activation = hosts[0].activate(accountID: account.id, nonce: account.nonce, now: f.now)
                async let registration = hosts[1].register(second, as: f.account(for: second), now: f.now)
                let (activated, registered) = try await (activation, registration)
                guard case .activated(_, let replaced) = activated else {
                    Issue.record("round \(round): \(activated)")
                    continue
                }
                switch registered {
                case .created(let other, _, _):
                    #expect(replaced == [other.id], "round \(round): the later activation replaced it")
                    #expect(try await hosts[1].removalReason(accountID: other.id) == .replaced)
                case .rejected(let problems):
                    #expect(problems == [.emailTaken], "round \(round)")
                    #expect(replaced.isEmpty)
                default:
                    Issue.record("round \(round): \(registered)")
                }
                #expect(try await hosts[1].accounts(email: email).map(\.state) == [.active], "round \(round)")
            }
        }
    }

    /// Sweepers on three hosts at once, in small batches: every due account reminded once (one
    /// reminder row each), every expired account expired once.
    @Test func sweepersOnSeveralHostsRemindAndExpireEachAccountOnce() async throws {
        try await PostgresStores.fresh().use { stores in
            let hosts = [try await stores.open(), try await stores.open(), try await stores.open()]
            let f = ContractFixtures()
            // 60 accounts registered a lifetime ago (expired now), 300 registered now (due a reminder
            // before they expire).
            let lifetime = f.lifetime.timeInterval
            var old: Set<UUID> = []
            var recent: Set<UUID> = []
            for index in 0..<360 {
                let registration = f.registration(username: "sweep\(index)x", email: "sweep\(index)@example.org")
                let at = index < 60 ? f.now.addingTimeInterval(-lifetime - 1) : f.now
                let result = try await hosts[index % 3].register(registration, as: f.account(for: registration, at: at),
                                                                 now: at)
                guard case .created(let account, _, _) = result else {
                    Issue.record("expected created, got \(result)")
                    return
                }
                if index < 60 { old.insert(account.id) } else { recent.insert(account.id) }
            }
            let dueBy = f.now.addingTimeInterval(lifetime)
            let reminded = try await Self.drain(hosts) { host in
                try await host.queueReminders(dueBy: dueBy, now: f.now, limit: 2).map(\.id)
            }
            #expect(reminded.count == 300, "no account reminded twice")
            #expect(Set(reminded) == recent)
            for id in recent {
                #expect(try await hosts[0].outbox(accountID: id).map(\.kind) == [.activation, .reminder])
            }
            let expired = try await Self.drain(hosts) { host in
                try await host.expirePending(now: f.now, limit: 3).map(\.id)
            }
            #expect(expired.count == 60, "no account expired twice")
            #expect(Set(expired) == old)
            #expect(try await hosts[1].counts().accounts[.pending] == 300)
        }
    }

    /// Runs `batch` on every host at once, each until its batch comes back empty; every id returned.
    static func drain(_ hosts: [PostgresAccountStore],
                      _ batch: @escaping @Sendable (PostgresAccountStore) async throws -> [UUID]) async throws -> [UUID]
    {
        try await withThrowingTaskGroup(of: [UUID].self) { group in
            for host in hosts {
                group.addTask {
                    var mine: [UUID] = []
                    while true {
                        let ids = try await batch(host)
                        if ids.isEmpty { return mine }
                        mine += ids
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }
}
