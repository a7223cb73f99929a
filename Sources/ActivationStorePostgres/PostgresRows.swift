import ActivationCore
import Foundation
import PostgresNIO

/// Conversions between the model and PostgreSQL values, in one place. Times are integer
/// milliseconds since the Unix epoch (`bigint`), as in the SQLite store, so that both stores round
/// the same way and `store copy` moves values unchanged; ids are `uuid`.
enum PGValue {
    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func optionalMillis(_ date: Date?) -> Int64? { date.map { millis($0) } }
    static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(millis) / 1000) }
    static func optionalDate(_ millis: Int64?) -> Date? { millis.map { date($0) } }

    /// A comma-separated column list with `prefix` before each name.
    static func prefixed(_ columns: String, _ prefix: String) -> String {
        columns.split(separator: ",").map { prefix + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .joined(separator: ", ")
    }
}

/// Reads a row's columns in order, by position.
struct ColumnReader {
    private let row: PostgresRandomAccessRow
    private(set) var index: Int

    init(_ row: PostgresRow, at offset: Int = 0) {
        self.row = row.makeRandomAccess()
        index = offset
    }

    /// The next column, decoded as `T`.
    mutating func next<T: PostgresDecodable>(_: T.Type = T.self) throws -> T {
        defer { index += 1 }
        return try row[index].decode(T.self)
    }

    /// Whether the next column is NULL.
    func nextIsNull() -> Bool { row[index].bytes == nil }

    /// Skips `count` columns.
    mutating func skip(_ count: Int) { index += count }
}

extension Account {
    /// The columns `init(columns:)` reads, in a SELECT list: a constant, spliced with `\(unescaped:)`;
    /// every value in those statements is a plain interpolation, which `PostgresQuery` binds.
    static let pgColumns = """
        id, registration_id, username, first_name, last_name, email, password_hash, password_phrase,
        locale, state, nonce, registered_at, expires_at, activated_at, reminded_at, password_attempts,
        password_attempts_reset_at
        """
    static let pgColumnCount = pgColumns.split(separator: ",").count

    static func pgColumns(prefix: String) -> String { PGValue.prefixed(pgColumns, prefix) }

    /// Reads the `pgColumns` from `columns`' position on.
    init(columns c: inout ColumnReader) throws {
        let id = try c.next(UUID.self)
        let registrationID = try c.next(UUID.self)
        let username = try c.next(String.self)
        let firstName = try c.next(String.self)
        let lastName = try c.next(String.self)
        let email = try c.next(String.self)
        let passwordHash = try c.next(String.self)
        let phrase = try c.next(String.self)
        let locale = try c.next(String.self)
        guard let state = AccountState(rawValue: try c.next(String.self)) else {
            throw PostgresStoreError("unreadable account row (state)")
        }
        let nonce = try c.next(Data.self)
        let registeredAt = try c.next(Int64.self)
        let expiresAt = try c.next(Int64.self)
        let activatedAt = try c.next(Int64?.self)
        let remindedAt = try c.next(Int64?.self)
        let attempts = try c.next(Int64.self)
        let resetAt = try c.next(Int64?.self)
        self.init(
            id: id, registrationID: registrationID, username: username, firstName: firstName,
            lastName: lastName, email: email, passwordHash: passwordHash, passwordPhrase: Secret(phrase),
            locale: locale, state: state, nonce: nonce, registeredAt: PGValue.date(registeredAt),
            expiresAt: PGValue.date(expiresAt), activatedAt: PGValue.optionalDate(activatedAt),
            remindedAt: PGValue.optionalDate(remindedAt),
            passwordAttempts: PasswordAttempts(count: Int(attempts), resetAt: PGValue.optionalDate(resetAt)))
    }

    /// Reads the `pgColumns` of a whole row.
    init(row: PostgresRow) throws {
        var columns = ColumnReader(row)
        try self.init(columns: &columns)
    }
}

extension OutboxMessage {
    /// The columns `init(columns:)` reads, in a SELECT list: a constant, spliced like `Account.pgColumns`.
    static let pgColumns = """
        id, account_id, kind, status, attempts, created_at, next_attempt_at, lease_owner,
        lease_expires_at, last_attempt_at, last_reply
        """
    static let pgColumnCount = pgColumns.split(separator: ",").count

    static func pgColumns(prefix: String) -> String { PGValue.prefixed(pgColumns, prefix) }

    /// Reads the `pgColumns` from `columns`' position on.
    init(columns c: inout ColumnReader) throws {
        let id = try c.next(UUID.self)
        let accountID = try c.next(UUID.self)
        guard let kind = MailKind(rawValue: try c.next(String.self)),
              let status = OutboxStatus(rawValue: try c.next(String.self))
        else { throw PostgresStoreError("unreadable outbox row (kind or status)") }
        let attempts = try c.next(Int64.self)
        let createdAt = try c.next(Int64.self)
        let nextAttemptAt = try c.next(Int64.self)
        let leaseOwner = try c.next(String?.self)
        let leaseExpiresAt = try c.next(Int64?.self)
        let lastAttemptAt = try c.next(Int64?.self)
        let lastReply = try c.next(String?.self)
        self.init(
            id: id, accountID: accountID, kind: kind, status: status, attempts: Int(attempts),
            createdAt: PGValue.date(createdAt), nextAttemptAt: PGValue.date(nextAttemptAt), leaseOwner: leaseOwner,
            leaseExpiresAt: PGValue.optionalDate(leaseExpiresAt), lastAttemptAt: PGValue.optionalDate(lastAttemptAt),
            lastReply: lastReply)
    }

    init(row: PostgresRow) throws {
        var columns = ColumnReader(row)
        try self.init(columns: &columns)
    }
}
