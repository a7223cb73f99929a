import TestSupport
import ActivationCore
import ActivationMail
import ActivationStoreSQLite
import Foundation
import Logging
import Synchronization

/// Builders shared by the mail tests.
enum MailFixtures {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let keys = try! KeyRing(keys: [SigningKey(id: "k1", secret: Array(repeating: 7, count: 32))!])
    static let sender = try! Mailbox(parsing: "Accounts <no-reply@example.org>")

    static func factory(templates: MailTemplates = try! MailTemplates()) -> MailFactory {
        MailFactory(sender: sender, templates: templates, keys: keys, publicURL: "https://accounts.example.org/")
    }

    static func account(first: String = "Jane", last: String = "Doe", email: String = "jane@example.net",
                        registeredAt: Date = now) -> Account {
        Account(id: UUID(), registrationID: UUID(), username: "jdoe2026", firstName: first, lastName: last,
                email: email, passwordHash: "$scrypt$x", passwordPhrase: Secret("blue heron"), locale: "en",
                state: .pending, nonce: Data(repeating: 3, count: 16), registeredAt: registeredAt,
                expiresAt: registeredAt.addingTimeInterval(30 * 86_400))
    }

    static func registration(username: String, email: String, first: String = "Jane") -> Registration {
        Registration(id: UUID(), submittedAt: now, username: username, firstName: first, lastName: "Doe",
                     email: email, confirmEmail: email, password: Secret("Secr3tPass"),
                     confirmPassword: Secret("Secr3tPass"), passwordPhrase: Secret("blue heron at dawn"),
                     acceptedConditions: true)
    }

    /// A migrated SQLite store in `directory` with `count` registered pending accounts.
    static func store(in directory: TemporaryDirectory, accounts count: Int, registeredAt: Date = Date(),
                      first: String = "Jane") async throws -> (SQLiteAccountStore, [Account]) {
        let store = try SQLiteAccountStore(path: directory.path("store.sqlite"))
        try await store.migrate()
        var accounts: [Account] = []
        for index in 0..<count {
            let registration = Self.registration(username: "user\(index)x", email: "user\(index)@example.net", first: first)
            let account = Account.pending(from: registration, passwordHash: "$scrypt$x", now: registeredAt,
                                          lifetime: .seconds(30 * 86_400))
            guard case .created(let stored, _, _) = try await store.register(registration, as: account, now: registeredAt)
            else { throw ServerError(description: "not created") }
            accounts.append(stored)
        }
        return (store, accounts)
    }
}

/// The courier tests' name for the shared recorder.
typealias LogCapture = LogRecorder
