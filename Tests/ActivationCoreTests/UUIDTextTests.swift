import ActivationCore
import Foundation
import Testing

@Suite("UUID text without Foundation's formatter")
struct UUIDTextTests {
    @Test("lowercasedText is uuidString lowercased, and parses back, for many ids")
    func roundTrip() {
        for _ in 0..<1_000 {
            let id = UUID()
            #expect(id.lowercasedText == id.uuidString.lowercased())
            #expect(UUID(text: id.lowercasedText) == id)
            #expect(UUID(text: id.uuidString) == id, "upper case parses too")
        }
        let zero = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        #expect(zero.lowercasedText == "00000000-0000-0000-0000-000000000000")
        let high = UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))
        #expect(high.lowercasedText == "ffffffff-ffff-ffff-ffff-ffffffffffff")
    }

    @Test("anything but the 36-character form is refused", arguments: [
        "", "0f8fad5b-d9cb-469f-a165-70867728950", "0f8fad5b-d9cb-469f-a165-70867728950e0",
        "0f8fad5bd9cb-469f-a165-70867728950e0", "0f8fad5b-d9cb-469f-a165+70867728950e",
        "0g8fad5b-d9cb-469f-a165-70867728950e", "0f8fad5b-d9cb-469f-a165-70867728950é",
        " 0f8fad5b-d9cb-469f-a165-7086772895e", "{0f8fad5b-d9cb-469f-a165-70867728950e}",
    ])
    func refused(_ text: String) {
        // Stricter than Foundation, whose sscanf skips the leading space of the eighth case.
        #expect(UUID(text: text) == nil)
    }
}
