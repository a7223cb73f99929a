@testable import ActivationSpool
import Foundation
import Testing

@Suite("spool names as bytes")
struct SpoolNameTests {
    @Test("a UTF-8 name that leaves room for its reason file keeps its name in rejected/")
    func shortNameKept() {
        for name in ["a.json", "Zoë-registration.json", String(repeating: "x", count: 238) + ".json"] {
            #expect(SpoolName(name).rejectedName == name)
        }
    }

    @Test("every possible name gets a rejected name that fits NAME_MAX with .reason.json, distinct for distinct names")
    func everyNameFits() {
        var generator = SystemRandomNumberGenerator()
        var seen: [String: [UInt8]] = [:]
        let alphabets: [[UInt8]] = [Array("abc%~.".utf8), Array("é漢🙂".utf8), [0xFF, 0xFE, 0x80, 0xC3, 0x0A, 0x1B]]
        for round in 0..<2_000 {
            let alphabet = alphabets[round % alphabets.count] + Array("az".utf8)
            let length = Int.random(in: 1...250, using: &generator)
            var bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            bytes += Array(".json".utf8)
            bytes = Array(bytes.suffix(255))
            let name = SpoolName(bytes: bytes)
            let rejected = name.rejectedName
            #expect(rejected.utf8.count + SpoolName.reasonSuffix.utf8.count <= SpoolName.maximalLength, "\(rejected)")
            #expect(!rejected.contains("/") && !rejected.unicodeScalars.contains { $0.properties.generalCategory == .control })
            #expect(rejected.hasSuffix(".json"))
            if let earlier = seen[rejected] { #expect(earlier == bytes) }
            seen[rejected] = bytes
        }
    }

    @Test("bytes that are not UTF-8, and control characters, are shown as %XX")
    func display() {
        let name = SpoolName(bytes: Array("bad".utf8) + [0xFF, 0xFE] + Array("na\nme.json".utf8))
        #expect(name.text == nil)
        #expect(name.display == "bad%FF%FEna%0Ame.json")
        #expect(name.rejectedName.hasPrefix("bad%FF%FEna%0Ame~"))
        #expect(SpoolName("Zoë.json").display == "Zoë.json" && SpoolName("Zoë.json").text == "Zoë.json")
        // A truncated multi-byte sequence is not UTF-8 either.
        #expect(SpoolName(bytes: [0x61, 0xC3]).display == "a%C3")
    }

    @Test("record names: *.json, not hidden")
    func recordNames() {
        #expect(SpoolName(bytes: [0xFF] + Array(".json".utf8)).isRecordName)
        #expect(!SpoolName(".x.json").isRecordName && !SpoolName("x.txt").isRecordName && !SpoolName(".json").isRecordName)
    }
}
