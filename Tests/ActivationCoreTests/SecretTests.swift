import Foundation
import Testing
@testable import ActivationCore

@Suite("Secret")
struct SecretTests {
    static let value = "Secr3tPass"

    @Test("description, debugDescription, interpolation and dump never show the value")
    func redacted() {
        let secret = Secret(Self.value)
        #expect(secret.value == Self.value)
        #expect(secret.description == "<redacted>")
        #expect(secret.debugDescription == "<redacted>")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains(Self.value))
        #expect(dumped.contains("<redacted>"))
        #expect(Mirror(reflecting: secret).children.isEmpty)
    }

    @Test("a registration printed or dumped shows none of its three secrets")
    func registrationRedacted() {
        var registration = Fixture.registration
        registration.password = Secret("PwOne1xyz")
        registration.confirmPassword = Secret("PwTwo2xyz")
        registration.passwordPhrase = Secret("phrase of mine")
        var dumped = ""
        dump(registration, to: &dumped)
        for text in [String(describing: registration), String(reflecting: registration), dumped] {
            #expect(text.contains("jdoe2026"), "the rest of the record is still shown")
            for secret in ["PwOne1xyz", "PwTwo2xyz", "phrase of mine"] {
                #expect(!text.contains(secret))
            }
        }
    }

    @Test("an account printed or dumped does not show its phrase")
    func accountRedacted() {
        let account = Account.pending(
            from: Fixture.registration, passwordHash: "$scrypt$x", now: Fixture.submittedAt, lifetime: .seconds(60))
        var dumped = ""
        dump(account, to: &dumped)
        #expect(!dumped.contains("blue heron"))
        #expect(!String(describing: account).contains("blue heron"))
    }
}
