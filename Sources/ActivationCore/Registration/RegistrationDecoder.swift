public import Foundation

/// Decodes spool records strictly: UTF-8 JSON, one object, exactly the version 1 fields with their
/// JSON types, no field unknown. Every problem is reported, not just the first.
public enum RegistrationDecoder {
    /// Why a record could not be decoded.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// True when the bytes are a JSON object, so a copy with the password fields removed can be
        /// kept; false when they are not even that and must be kept byte for byte.
        public let recordParsed: Bool
        /// Every problem found.
        public let problems: [RegistrationProblem]

        /// The problem codes, comma separated.
        public var description: String { problems.map(\.code).joined(separator: ",") }
    }

    /// Decodes one record.
    public static func decode(_ data: Data) throws(Failure) -> Registration {
        guard String(validating: data, as: UTF8.self) != nil else {
            throw Failure(recordParsed: false, problems: [
                RegistrationProblem(field: "record", code: "record.encoding",
                                    message: "The record is not valid UTF-8."),
            ])
        }
        let raw: RawRecord
        do {
            raw = try JSONDecoder().decode(RawRecord.self, from: data)
        } catch DecodingError.typeMismatch {
            throw Failure(recordParsed: false, problems: [
                RegistrationProblem(field: "record", code: "record.notObject",
                                    message: "The record is not a JSON object."),
            ])
        } catch {
            throw Failure(recordParsed: false, problems: [
                RegistrationProblem(field: "record", code: "record.syntax",
                                    message: "The record is not well-formed JSON."),
            ])
        }
        guard raw.problems.isEmpty, let registration = raw.registration else {
            throw Failure(recordParsed: true, problems: raw.problems)
        }
        return registration
    }

    /// Parses an RFC 3339 timestamp, with or without fractional seconds.
    static func parseTimestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// A BCP 47 language tag of the simple kind pages and templates are named by (`en`, `es-MX`).
    package static func isLocaleTag(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count <= 35, let language = parts.first,
              (2...3).contains(language.count), language.allSatisfy({ $0.isASCII && $0.isLetter })
        else { return false }
        return parts.dropFirst().allSatisfy { part in
            (1...8).contains(part.count) && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }
    }
}

/// Any JSON object key.
private struct AnyKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// The record's fields read one by one, each problem noted instead of thrown.
private struct RawRecord: Decodable {
    var problems: [RegistrationProblem] = []
    var registration: Registration?

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        let known = Set(Registration.fieldNames)
        for key in container.allKeys where !known.contains(key.stringValue) {
            problems.append(RegistrationProblem(
                field: Self.printable(key.stringValue), code: "record.unknownField",
                message: "The record has a field that version 1 does not define."))
        }

        if let version: Int = field("version", in: container, type: "an integer") {
            if version != registrationRecordVersion {
                problems.append(RegistrationProblem(
                    field: "version", code: "version.unsupported",
                    message: "Only record version \(registrationRecordVersion) is understood."))
            }
        }
        let idText: String? = field("id", in: container)
        let id = idText.flatMap(UUID.init(uuidString:))
        if idText != nil, id == nil {
            problems.append(RegistrationProblem(field: "id", code: "id.invalid",
                                                message: "The id must be a UUID."))
        }
        let submittedText: String? = field("submittedAt", in: container)
        let submittedAt = submittedText.flatMap(RegistrationDecoder.parseTimestamp)
        if submittedText != nil, submittedAt == nil {
            problems.append(RegistrationProblem(
                field: "submittedAt", code: "submittedAt.invalid",
                message: "submittedAt must be an RFC 3339 timestamp such as 2026-11-28T10:00:00Z."))
        }
        let username: String? = field("username", in: container)
        let firstName: String? = field("firstName", in: container)
        let lastName: String? = field("lastName", in: container)
        let email: String? = field("email", in: container)
        let confirmEmail: String? = field("confirmEmail", in: container)
        let password: String? = field("password", in: container)
        let confirmPassword: String? = field("confirmPassword", in: container)
        let phrase: String? = field("passwordPhrase", in: container)
        let accepted: Bool? = field("acceptedConditions", in: container, type: "true or false")
        var locale = "en"
        if container.contains(AnyKey(stringValue: "locale")) {
            if let given: String = field("locale", in: container) {
                if RegistrationDecoder.isLocaleTag(given) {
                    locale = given
                } else {
                    problems.append(RegistrationProblem(
                        field: "locale", code: "locale.invalid",
                        message: "locale must be a language tag such as en or es-MX."))
                }
            }
        }

        guard problems.isEmpty, let id, let submittedAt, let username, let firstName, let lastName,
              let email, let confirmEmail, let password, let confirmPassword, let phrase, let accepted
        else { return }
        // Names and the phrase are kept in NFC, the form the rules check, so that what is stored,
        // mailed and shown is exactly what was measured.
        registration = Registration(
            id: id, submittedAt: submittedAt, username: username,
            firstName: RegistrationRules.normalized(firstName), lastName: RegistrationRules.normalized(lastName),
            email: email, confirmEmail: confirmEmail, password: Secret(password),
            confirmPassword: Secret(confirmPassword), passwordPhrase: Secret(RegistrationRules.normalized(phrase)),
            acceptedConditions: accepted, locale: locale)
    }

    /// Reads one required field, noting `<name>.missing` or `<name>.type` when it is absent or of
    /// another JSON type.
    private mutating func field<T: Decodable>(
        _ name: String, in container: KeyedDecodingContainer<AnyKey>, type: String = "a string"
    ) -> T? {
        let key = AnyKey(stringValue: name)
        guard container.contains(key) else {
            problems.append(RegistrationProblem(field: name, code: "\(name).missing",
                                                message: "The record has no \(name)."))
            return nil
        }
        guard let value = try? container.decode(T.self, forKey: key) else {
            problems.append(RegistrationProblem(field: name, code: "\(name).type",
                                                message: "\(name) must be \(type)."))
            return nil
        }
        return value
    }

    /// A field name fit for a reason file: printable ASCII, at most 64 characters.
    private static func printable(_ name: String) -> String {
        let cleaned = String(name.unicodeScalars.prefix(64).map { scalar in
            (0x20..<0x7F).contains(scalar.value) ? Character(scalar) : "?"
        })
        return cleaned.isEmpty ? "?" : cleaned
    }
}
