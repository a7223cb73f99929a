// ActivationCore — the account model of activationd, with no I/O.
//
// Owns: the spool record (`Registration`) and its strict decoding, the registration rules, the
// account and outbox models, password hashing (scrypt, PHC strings), activation tokens and their
// keys, and the `AccountStore` protocol that every store implements.
//
// Untrusted here: every byte of a spool record, every token string, every stored password hash
// string handed to `PasswordHasher.verify` (its parameters are bounded before use).
// Nothing in this module logs; a secret's `description` never shows the secret.

/// The version of this module's spool record format.
public let registrationRecordVersion = 1
