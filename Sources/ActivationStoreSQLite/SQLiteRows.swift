import ActivationCore
import Foundation
import GRDB

/// Conversions between the model and SQLite values, in one place.
enum SQLiteValue {
    static func id(_ uuid: UUID) -> String { uuid.uuidString.lowercased() }
    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func optionalMillis(_ date: Date?) -> Int64? { date.map { millis($0) } }
    static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(millis) / 1000) }
    static func optionalDate(_ millis: Int64?) -> Date? { millis.map { date($0) } }
}

extension Account {
    /// The columns `init(row:)` reads, in a SELECT list.
    static let sqliteColumns = """
        id, registration_id, username, first_name, last_name, email, password_hash, password_phrase,
        locale, state, nonce, registered_at, expires_at, activated_at, reminded_at
        """

    init(row: Row) throws {
        guard let id = UUID(uuidString: row["id"]), let registrationID = UUID(uuidString: row["registration_id"]),
              let state = AccountState(rawValue: row["state"])
        else { throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "unreadable account row") }
        self.init(
            id: id, registrationID: registrationID, username: row["username"],
            firstName: row["first_name"], lastName: row["last_name"], email: row["email"],
            passwordHash: row["password_hash"], passwordPhrase: Secret(row["password_phrase"]),
            locale: row["locale"], state: state, nonce: row["nonce"],
            registeredAt: SQLiteValue.date(row["registered_at"] as Int64),
            expiresAt: SQLiteValue.date(row["expires_at"] as Int64),
            activatedAt: SQLiteValue.optionalDate(row["activated_at"] as Int64?),
            remindedAt: SQLiteValue.optionalDate(row["reminded_at"] as Int64?))
    }

    func insert(_ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO account (id, registration_id, username, username_key, first_name, last_name, email,
                email_key, password_hash, password_phrase, locale, state, nonce, registered_at, expires_at,
                activated_at, reminded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [
                SQLiteValue.id(id), SQLiteValue.id(registrationID), username, usernameKey, firstName, lastName,
                email, emailKey, passwordHash, passwordPhrase.value, locale, state.rawValue, nonce,
                SQLiteValue.millis(registeredAt), SQLiteValue.millis(expiresAt),
                SQLiteValue.optionalMillis(activatedAt), SQLiteValue.optionalMillis(remindedAt),
            ])
    }

    static func fetchAll(_ db: Database, where condition: String, _ arguments: StatementArguments) throws
        -> [Account]
    {
        // Cached: the courier runs the same few lookups for every row it claims.
        try Row.fetchAll(db.cachedStatement(sql: "SELECT \(sqliteColumns) FROM account WHERE \(condition)"),
                         arguments: arguments)
            .map(Account.init(row:))
    }

    static func fetchOne(_ db: Database, id: UUID) throws -> Account? {
        try fetchAll(db, where: "id = ?", [SQLiteValue.id(id)]).first
    }
}

extension OutboxMessage {
    static let sqliteColumns = """
        id, account_id, kind, status, attempts, created_at, next_attempt_at, lease_owner,
        lease_expires_at, last_attempt_at, last_reply
        """

    init(row: Row) throws {
        guard let id = UUID(uuidString: row["id"]), let accountID = UUID(uuidString: row["account_id"]),
              let kind = MailKind(rawValue: row["kind"]), let status = OutboxStatus(rawValue: row["status"])
        else { throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "unreadable outbox row") }
        self.init(
            id: id, accountID: accountID, kind: kind, status: status, attempts: row["attempts"],
            createdAt: SQLiteValue.date(row["created_at"] as Int64),
            nextAttemptAt: SQLiteValue.date(row["next_attempt_at"] as Int64),
            leaseOwner: row["lease_owner"], leaseExpiresAt: SQLiteValue.optionalDate(row["lease_expires_at"] as Int64?),
            lastAttemptAt: SQLiteValue.optionalDate(row["last_attempt_at"] as Int64?), lastReply: row["last_reply"])
    }

    func insert(_ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO outbox (id, account_id, kind, status, attempts, created_at, next_attempt_at,
                lease_owner, lease_expires_at, last_attempt_at, last_reply)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [
                SQLiteValue.id(id), SQLiteValue.id(accountID), kind.rawValue, status.rawValue, attempts,
                SQLiteValue.millis(createdAt), SQLiteValue.millis(nextAttemptAt), leaseOwner,
                SQLiteValue.optionalMillis(leaseExpiresAt), SQLiteValue.optionalMillis(lastAttemptAt), lastReply,
            ])
    }

    static func fetchAll(_ db: Database, where condition: String, _ arguments: StatementArguments) throws
        -> [OutboxMessage]
    {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT \(sqliteColumns) FROM outbox WHERE \(condition)"),
                         arguments: arguments)
            .map(OutboxMessage.init(row:))
    }
}
