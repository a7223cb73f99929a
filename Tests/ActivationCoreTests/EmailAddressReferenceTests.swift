import TestSupport
import Testing
@testable import ActivationCore

/// `EmailAddress.isValid` as first written, with arrays and splits: the reference the byte loop
/// must agree with on every input.
enum ReferenceEmailAddress {
    static let atext: Set<UInt8> = Set(
        Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~".utf8))

    static func isValid(_ address: String) -> Bool {
        let bytes = Array(address.utf8)
        guard bytes.count <= 254, let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return false }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        guard (1...64).contains(local.count) else { return false }
        let atoms = local.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard atoms.allSatisfy({ !$0.isEmpty && $0.allSatisfy(atext.contains) }) else { return false }
        guard (1...255).contains(domain.count) else { return false }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            guard (1...63).contains(label.count), label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-")
            else { return false }
            return label.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
            }
        }
    }
}

@Suite("Email address check against the reference")
struct EmailAddressReferenceTests {

    @Test("random addresses near every rule are accepted and refused exactly as before")
    func agrees() async {
        var generator = SplitMix(seed: 3)
        let pieces = ["a", "Z", "0", "9", ".", "..", "@", "-", "_", "+", "!", "~", "`", "{", "|", "}", "'", "\"", "(", " ",
                      "\t", "\r\n", "\0", "é", "[", "]", ",", ";", ":", "\\", "\u{7F}", "example", "org", "xn--bcher-kva",
                      String(repeating: "l", count: 63), String(repeating: "m", count: 64), String(repeating: "d.", count: 40)]
        for round in 0..<10_000 {
            // Yield now and then: other suites' timing-sensitive tests share the cooperative pool.
            if round % 500 == 0 { await Task.yield() }
            let local = (0..<Int(generator.next() % 5)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            let domain = (0..<Int(generator.next() % 7)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            for address in [local + "@" + domain, local + "@" + domain + ".org", "a@" + domain, local + domain] {
                #expect(EmailAddress.isValid(address) == ReferenceEmailAddress.isValid(address), "\(address.debugDescription)")
            }
        }
        for length in 240...260 {
            let address = String(repeating: "a", count: 64) + "@" + String(repeating: "b.", count: (length - 69) / 2) + "org"
            #expect(EmailAddress.isValid(address) == ReferenceEmailAddress.isValid(address))
        }
    }
}
