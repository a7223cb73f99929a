import Testing
@testable import ActivationCore

@Suite("Addresses in relay replies")
struct AddressRedactionTests {
    @Test("local parts become …, domains and codes stay", arguments: [
        ("550 5.1.1 <reject@example.net>: Recipient address rejected", "550 5.1.1 <…@example.net>: Recipient address rejected"),
        ("550 5.1.1 jane.doe+tag@Example.NET... User unknown", "550 5.1.1 …@Example.NET... User unknown"),
        ("553 <\"jane doe\"@example.net> bad", "553 <…@example.net> bad"),
        ("550 user jöhn@example.net unknown", "550 user …@example.net unknown"),
        ("451 4.3.0 from=<a@x.org> to=<b@y.org>", "451 4.3.0 from=<…@x.org> to=<…@y.org>"),
        ("550 to=b@y.org", "550 …@y.org"),
        ("250 2.0.0 Ok: queued as 4F2", "250 2.0.0 Ok: queued as 4F2"),
        ("550 <@example.net> and a lone @", "550 <@example.net> and a lone @"),
        ("a@b@c.example", "…@…@c.example"),
        ("", ""),
    ])
    func redacted(reply: String, logged: String) {
        #expect(EmailAddress.redactingLocalParts(in: reply) == logged)
    }
}
