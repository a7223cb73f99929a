import ActivationCore
import Foundation
import GRDB

/// Conversions between the model and SQLite values, in one place.
enum SQLiteValue {
    static func id(_ uuid: UUID) -> String { uuid.lowercasedText }
    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func optionalMillis(_ date: Date?) -> Int64? { date.map { millis($0) } }
    static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(millis) / 1000) }
    static func optionalDate(_ millis: Int64?) -> Date? { millis.map { date($0) } }

    /// `values` with its last element repeated up to the next power of two, so that statements
    /// with one placeholder group per value come in a few sizes and stay in the statement cache
    /// (a repeated rowid or an identical repeated VALUES row changes nothing).
    static func padded<T>(_ values: [T]) -> [T] {
        guard let last = values.last else { return values }
        var size = 1
        while size < values.count { size *= 2 }
        return values + repeatElement(last, count: size - values.count)
    }

    /// A comma-separated column list with `prefix` before each name.
    static func prefixed(_ columns: String, _ prefix: String) -> String {
        columns.split(separator: ",").map { prefix + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .joined(separator: ", ")
    }
}

extension Account {
    /// The columns `init(row:)` reads, in a SELECT list. A constant spliced into SQL text; values never are.
    static let sqliteColumns = """
        id, registration_id, username, first_name, last_name, email, password_hash, password_phrase,
        locale, state, nonce, registered_at, expires_at, activated_at, reminded_at, password_attempts,
        password_attempts_reset_at
        """

    /// `sqliteColumns` with each name prefixed, e.g. `a.` in a join.
    static func sqliteColumns(prefix: String) -> String {
        SQLiteValue.prefixed(sqliteColumns, prefix)
    }

    /// Reads the `sqliteColumns` of a row by position, starting at column `offset`: GRDB's
    /// lookup by name compares column names one by one, which showed in the courier's claims.
    init(row: Row, at offset: Int = 0) throws {
        let o = offset
        guard let id = UUID(text: row[o]), let registrationID = UUID(text: row[o + 1]),
              let state = AccountState(rawValue: row[o + 9])
        else { throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "unreadable account row") }
        self.init(
            id: id, registrationID: registrationID, username: row[o + 2],
            firstName: row[o + 3], lastName: row[o + 4], email: row[o + 5],
            passwordHash: row[o + 6], passwordPhrase: Secret(row[o + 7]),
            locale: row[o + 8], state: state, nonce: row[o + 10],
            registeredAt: SQLiteValue.date(row[o + 11] as Int64),
            expiresAt: SQLiteValue.date(row[o + 12] as Int64),
            activatedAt: SQLiteValue.optionalDate(row[o + 13] as Int64?),
            remindedAt: SQLiteValue.optionalDate(row[o + 14] as Int64?),
            passwordAttempts: PasswordAttempts(
                count: row[o + 15], resetAt: SQLiteValue.optionalDate(row[o + 16] as Int64?)))
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
        // Cached: the courier runs the same few lookups for every row it claims. A cursor, whose row
        // is read in place: `Row.fetchAll` copies every row first (values and column names), which
        // was half of the landing page's lookup.
        // `condition` is a literal at every caller in this target, with `?` for each value, which is bound.
        let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT \(sqliteColumns) FROM account WHERE \(condition)"),
                                       arguments: arguments)
        var accounts: [Account] = []
        while let row = try rows.next() { accounts.append(try Account(row: row)) }
        return accounts
    }

    static func fetchOne(_ db: Database, id: UUID) throws -> Account? {
        try fetchAll(db, where: "id = ?", [SQLiteValue.id(id)]).first
    }
}

extension OutboxMessage {
    /// The columns `init(row:)` reads, in a SELECT list. A constant spliced into SQL text; values never are.
    static let sqliteColumns = """
        id, account_id, kind, status, attempts, created_at, next_attempt_at, lease_owner,
        lease_expires_at, last_attempt_at, last_reply
        """

    /// How many columns `sqliteColumns` names.
    static let sqliteColumnCount = sqliteColumns.split(separator: ",").count

    /// `sqliteColumns` with each name prefixed, e.g. `o.` in a join.
    static func sqliteColumns(prefix: String) -> String {
        SQLiteValue.prefixed(sqliteColumns, prefix)
    }

    /// Reads the `sqliteColumns` of a row by position, starting at column `offset`.
    init(row: Row, at offset: Int = 0) throws {
        let o = offset
        guard let id = UUID(text: row[o]), let accountID = UUID(text: row[o + 1]),
              let kind = MailKind(rawValue: row[o + 2]), let status = OutboxStatus(rawValue: row[o + 3])
        else { throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "unreadable outbox row") }
        self.init(
            id: id, accountID: accountID, kind: kind, status: status, attempts: row[o + 4],
            createdAt: SQLiteValue.date(row[o + 5] as Int64),
            nextAttemptAt: SQLiteValue.date(row[o + 6] as Int64),
            leaseOwner: row[o + 7], leaseExpiresAt: SQLiteValue.optionalDate(row[o + 8] as Int64?),
            lastAttemptAt: SQLiteValue.optionalDate(row[o + 9] as Int64?), lastReply: row[o + 10])
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
        // `condition` is a literal at every caller in this target, with `?` for each value, which is bound.
        let rows = try Row.fetchCursor(db.cachedStatement(sql: "SELECT \(sqliteColumns) FROM outbox WHERE \(condition)"),
                                       arguments: arguments)
        var messages: [OutboxMessage] = []
        while let row = try rows.next() { messages.append(try OutboxMessage(row: row)) }
        return messages
    }
}
