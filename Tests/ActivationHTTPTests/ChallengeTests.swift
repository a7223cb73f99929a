import ActivationCore
@testable import ActivationHTTP
import Crypto
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// A seeded generator, so a failing drawing can be drawn again.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Collects element names and `d` attributes; XMLParser fails on markup that is not well-formed.
private final class SVGCollector: NSObject, XMLParserDelegate {
    var elements: [String] = []
    var pathData: [String] = []
    var rootAttributes: [String: String] = [:]

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        if elements.isEmpty { rootAttributes = attributeDict }
        elements.append(elementName)
        if let data = attributeDict["d"] { pathData.append(data) }
    }
}

private func parse(_ svg: String) -> SVGCollector? {
    let parser = XMLParser(data: Data(svg.utf8))
    let collector = SVGCollector()
    parser.delegate = collector
    return parser.parse() ? collector : nil
}

/// The longest run of alphabet characters in `text`, case-insensitively.
private func longestAlphabetRun(_ text: String) -> Int {
    var longest = 0
    var run = 0
    for character in text.uppercased() {
        run = ChallengeAlphabet.contains(character) ? run + 1 : 0
        longest = max(longest, run)
    }
    return longest
}

@Suite("Registration challenge")
struct ChallengeTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let key = SymmetricKey(data: Array(repeating: UInt8(7), count: 32))

    // MARK: Alphabet

    @Test("answers have 5 or 6 characters, all from the alphabet, and both lengths occur")
    func answers() {
        var lengths: Set<Int> = []
        var seen: Set<String> = []
        for _ in 0..<500 {
            let answer = ChallengeAlphabet.randomAnswer()
            lengths.insert(answer.count)
            seen.insert(answer)
            #expect(ChallengeAlphabet.lengths.contains(answer.count))
            #expect(answer.allSatisfy(ChallengeAlphabet.contains))
        }
        #expect(lengths == [5, 6])
        #expect(seen.count > 490, "500 draws from 5 million answers hardly repeat")
    }

    @Test("the alphabet has no look-alikes and no lower case")
    func noLookAlikes() {
        for character in "0Oo1lIi5S2Z8BGQVvuabcdefghijkmnpqrstwxyz" {
            #expect(!ChallengeAlphabet.contains(character), "\(character) is in the alphabet")
        }
        #expect(Set(ChallengeAlphabet.characters).count == ChallengeAlphabet.characters.count)
    }

    // MARK: Drawing

    @Test("every character of the alphabet has outline data inside its box, and no other character has")
    func glyphs() {
        for character in ChallengeAlphabet.characters {
            let strokes = ChallengeGlyphs.strokes(for: character)
            #expect(strokes?.isEmpty == false, "\(character) has no glyph")
            for stroke in strokes ?? [] {
                #expect(stroke.count >= 2, "\(character): a stroke needs two points")
                for point in stroke {
                    #expect((0...ChallengeGlyphs.width).contains(point.x) && (0...ChallengeGlyphs.height).contains(point.y))
                }
            }
        }
        #expect(ChallengeGlyphs.strokes(for: "O") == nil)
        #expect(ChallengeDrawing.svg(for: "AB3") == nil, "B has no glyph: no drawing rather than a gap")
    }

    @Test("no two glyphs of the alphabet share their strokes")
    func distinctGlyphs() {
        let all = ChallengeAlphabet.characters.compactMap { ChallengeGlyphs.strokes(for: $0) }
        for (index, strokes) in all.enumerated() {
            for other in all[(index + 1)...] { #expect(strokes != other) }
        }
    }

    @Test("a drawing is well-formed XML of one svg root and paths only, labelled without the answer")
    func onlyPaths() throws {
        for seed in UInt64(1)...50 {
            var generator = SplitMix64(state: seed)
            let answer = ChallengeAlphabet.randomAnswer(using: &generator)
            let svg = try #require(ChallengeDrawing.svg(for: answer, using: &generator))
            let collector = try #require(parse(svg), "seed \(seed): not well-formed")
            #expect(collector.elements.first == "svg")
            #expect(collector.elements.dropFirst().allSatisfy { $0 == "path" }, "seed \(seed): \(Set(collector.elements))")
            #expect(collector.elements.count >= answer.count + 1 + 3, "a path per glyph and at least three noise curves")
            #expect(collector.rootAttributes["role"] == "img")
            #expect(collector.rootAttributes["viewBox"]?.hasPrefix("0 0 ") == true)
            #expect(collector.rootAttributes["aria-label"] == ChallengeDrawing.label)
            #expect(!svg.contains("<text"))
            #expect(!svg.contains("transform"))
            #expect(svg.range(of: answer, options: .caseInsensitive) == nil, "seed \(seed): the answer is in the markup")
        }
    }

    @Test("the markup never holds five alphabet characters in a row, so no answer can appear by chance")
    func noAlphabetRuns() throws {
        for _ in 0..<50 {
            let answer = ChallengeAlphabet.randomAnswer()
            let svg = try #require(ChallengeDrawing.svg(for: answer))
            #expect(longestAlphabetRun(svg) < ChallengeAlphabet.lengths.lowerBound, "\(svg)")
        }
    }

    @Test("path data holds only path commands and numbers")
    func pathDataGrammar() throws {
        let svg = try #require(ChallengeDrawing.svg(for: String(ChallengeAlphabet.characters)))
        let collector = try #require(parse(svg))
        #expect(collector.pathData.count >= ChallengeAlphabet.characters.count + 3)
        for data in collector.pathData {
            let tokens = data.split(separator: " ")
            #expect(tokens.first == "M")
            for token in tokens {
                let isCommand = token.count == 1 && "MLC".contains(token)
                #expect(isCommand || Double(token) != nil, "\(token) in \(data)")
            }
        }
    }

    @Test("two drawings of the same answer differ in every glyph's path data")
    func drawingsDiffer() throws {
        let firstSVG = try #require(ChallengeDrawing.svg(for: "KM47X"))
        let secondSVG = try #require(ChallengeDrawing.svg(for: "KM47X"))
        #expect(firstSVG != secondSVG)
        let first = try #require(parse(firstSVG))
        let second = try #require(parse(secondSVG))
        #expect(first.pathData != second.pathData)
        #expect(Set(first.pathData).isDisjoint(with: Set(second.pathData)))
    }

    @Test("a glyph's canonical coordinates do not appear: the same character differs within one drawing")
    func glyphsJittered() throws {
        let svg = try #require(ChallengeDrawing.svg(for: "AAAAAA"))
        let collector = try #require(parse(svg))
        // Glyph paths start with the glyph's six-point-or-more command list; noise curves have a C.
        let glyphPaths = collector.pathData.filter { !$0.contains("C") }
        #expect(glyphPaths.count == 6)
        #expect(Set(glyphPaths).count == 6)
    }

    @Test("numbers have one decimal, without Foundation's formatter")
    func numbers() {
        #expect(ChallengeDrawing.number(0) == "0.0")
        #expect(ChallengeDrawing.number(-0.04) == "0.0")
        #expect(ChallengeDrawing.number(-12.34) == "-12.3")
        #expect(ChallengeDrawing.number(250.55) == "250.6")
    }

    // MARK: Seal

    @Test("a sealed challenge opens to what was sealed, within its 20 minutes")
    func roundTrip() throws {
        let seal = ChallengeSeal(key: Self.key)
        let id = UUID()
        let token = try seal.seal(answer: "KM47X", id: id, now: Self.start)
        #expect(!token.contains("="), "URL-safe, no padding")
        #expect(token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        let contents = try seal.open(token, now: Self.start.addingTimeInterval(19 * 60))
        #expect(contents == ChallengeContents(answer: "KM47X", id: id, expiresAt: Self.start.addingTimeInterval(1200)))
        #expect(try seal.check(token, typed: "KM47X", now: Self.start).id == id)
    }

    @Test("tokens of five- and six-character answers have the same length")
    func sameLength() throws {
        let seal = ChallengeSeal(key: Self.key)
        #expect(try seal.seal(answer: "KM47X", now: Self.start).count
            == seal.seal(answer: "KM47XY", now: Self.start).count)
    }

    @Test("a changed byte anywhere after the version is tampered")
    func tampered() throws {
        let seal = ChallengeSeal(key: Self.key)
        let token = try seal.seal(answer: "KM47X", now: Self.start)
        let bytes = try #require(Base64URL.decode(token))
        for index in 1..<bytes.count {
            var changed = bytes
            changed[index] ^= 0x01
            #expect(throws: ChallengeError(.tampered)) {
                try seal.open(Base64URL.encode(changed), now: Self.start)
            }
        }
        var version = bytes
        version[0] = 2
        #expect(throws: ChallengeError(.malformed)) { try seal.open(Base64URL.encode(version), now: Self.start) }
    }

    @Test("a token sealed under another key is tampered")
    func wrongKey() throws {
        let token = try ChallengeSeal(key: Self.key).seal(answer: "KM47X", now: Self.start)
        let other = ChallengeSeal(key: SymmetricKey(data: Array(repeating: UInt8(8), count: 32)))
        #expect(throws: ChallengeError(.tampered)) { try other.open(token, now: Self.start) }
        #expect(throws: ChallengeError(.tampered)) { try other.check(token, typed: "KM47X", now: Self.start) }
    }

    @Test("at and past its expiry a challenge is expired, even with the right answer")
    func expired() throws {
        let seal = ChallengeSeal(key: Self.key)
        let token = try seal.seal(answer: "KM47X", now: Self.start)
        #expect(throws: ChallengeError(.expired)) { try seal.open(token, now: Self.start.addingTimeInterval(1200)) }
        #expect(throws: ChallengeError(.expired)) {
            try seal.check(token, typed: "KM47X", now: Self.start.addingTimeInterval(3600))
        }
        let short = try seal.seal(answer: "KM47X", now: Self.start, lifetime: .seconds(60))
        #expect(throws: ChallengeError(.expired)) { try seal.open(short, now: Self.start.addingTimeInterval(61)) }
    }

    @Test("a wrong answer is refused; case and surrounding blanks are not held against the person")
    func answersChecked() throws {
        let seal = ChallengeSeal(key: Self.key)
        let token = try seal.seal(answer: "KM47X", now: Self.start)
        for wrong in ["KM47Y", "KM47", "KM47XX", "", "XKM47", "K M47X", String(repeating: "K", count: 100)] {
            #expect(throws: ChallengeError(.wrongAnswer)) { try seal.check(token, typed: wrong, now: Self.start) }
        }
        for right in ["km47x", " Km47X\n", "\tKM47X "] {
            #expect(try seal.check(token, typed: right, now: Self.start).answer == "KM47X")
        }
    }

    @Test("malformed tokens are refused before anything is decrypted")
    func malformed() throws {
        let seal = ChallengeSeal(key: Self.key)
        let token = try seal.seal(answer: "KM47X", now: Self.start)
        for bad in ["", "abc", token + "A", String(token.dropLast()), token.replacingOccurrences(of: "-", with: "+") + "=",
                    String(repeating: "A", count: 4000), "é" + token] where bad != token {
            #expect(throws: ChallengeError(.malformed)) { try seal.open(bad, now: Self.start) }
        }
        #expect(throws: ChallengeError.self) { try seal.seal(answer: "KM0X", now: Self.start) }
        #expect(throws: ChallengeError.self) { try seal.seal(answer: "KM47XKM4", now: Self.start) }
    }

    @Test("the token holds no answer in clear, and two seals of one answer differ")
    func answerNotInClear() throws {
        let seal = ChallengeSeal(key: Self.key)
        for _ in 0..<50 {
            let answer = ChallengeAlphabet.randomAnswer()
            let token = try seal.seal(answer: answer, now: Self.start)
            let bytes = try #require(Base64URL.decode(token))
            let needle = Array(answer.utf8)
            let found = bytes.count >= needle.count
                && (0...(bytes.count - needle.count)).contains { Array(bytes[$0..<($0 + needle.count)]) == needle }
            #expect(!found, "the answer is in the token's bytes")
            #expect(!token.contains(answer))
            #expect(try seal.seal(answer: answer, now: Self.start) != token, "a fresh nonce and id every time")
        }
    }

    @Test("the refusal's description names the reason only")
    func refusalDescription() {
        #expect("\(ChallengeError(.wrongAnswer))" == "challenge refused: wrong_answer")
    }

    @Test("constant-time comparison: equal only for equal bytes, whatever the lengths")
    func comparison() {
        #expect(ChallengeSeal.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!ChallengeSeal.constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(!ChallengeSeal.constantTimeEqual([1, 2], [1, 2, 0]))
        #expect(!ChallengeSeal.constantTimeEqual([], [0]))
        #expect(ChallengeSeal.constantTimeEqual([], []))
    }
}
