import ActivationCore
@testable import ActivationHTTP
import Crypto
import Foundation
import Testing
import TestSupport

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

private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

/// Adler-32 by its definition, one byte at a time with the modulus every step.
private func adler32Reference(_ bytes: [UInt8]) -> UInt32 {
    var a: UInt32 = 1
    var b: UInt32 = 0
    for byte in bytes {
        a = (a + UInt32(byte)) % 65521
        b = (b + a) % 65521
    }
    return b << 16 | a
}

/// A PNG reader in Python with nothing but its standard library: checks the signature and every
/// chunk's CRC, inflates the IDAT data, undoes the row filters, and prints for each file
/// `width height bit-depth colour-type chunk-types dark-pixels` (dark: gray level below 8 of 15).
enum PNGReader {
    static let script = #"""
        import struct, sys, zlib
        for path in sys.argv[1:]:
            data = open(path, "rb").read()
            assert data[:8] == b"\x89PNG\r\n\x1a\n", "signature"
            at, types, idat = 8, [], b""
            while at < len(data):
                length, kind = struct.unpack(">I4s", data[at:at + 8])
                body = data[at + 8:at + 8 + length]
                crc, = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
                assert zlib.crc32(kind + body) == crc, "crc of " + kind.decode()
                types.append(kind.decode())
                if kind == b"IHDR":
                    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
                    assert interlace == 0
                if kind == b"IDAT":
                    idat += body
                at += 12 + length
            raw = zlib.decompress(idat)
            stride = (width * depth + 7) // 8
            assert len(raw) == height * (stride + 1), "inflated size"
            previous, dark = bytes(stride), 0
            for y in range(height):
                kind, row = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
                for x in range(stride):
                    left = row[x - 1] if x else 0
                    up = previous[x]
                    if kind == 1: row[x] = (row[x] + left) & 255
                    elif kind == 2: row[x] = (row[x] + up) & 255
                    elif kind != 0: raise SystemExit("filter %d not expected" % kind)
                values = [(row[x // 2] >> (4 if x % 2 == 0 else 0)) & 15 for x in range(width)]
                dark += sum(1 for v in values if v < 8)
                previous = bytes(row)
            print(width, height, depth, colour, ",".join(types), dark)
        """#
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
        #expect(ChallengeDrawing.png(for: "AB3") == nil, "B has no glyph: no drawing rather than a gap")
        #expect(ChallengeDrawing.html(for: "") == nil)
    }

    @Test("no two glyphs of the alphabet share their strokes")
    func distinctGlyphs() {
        let all = ChallengeAlphabet.characters.compactMap { ChallengeGlyphs.strokes(for: $0) }
        for (index, strokes) in all.enumerated() {
            for other in all[(index + 1)...] { #expect(strokes != other) }
        }
    }

    @Test("the html is one img of the PNG as a data URI, with its size and a label that does not name the answer")
    func imageElement() throws {
        for _ in 0..<20 {
            let answer = ChallengeAlphabet.randomAnswer()
            let html = try #require(ChallengeDrawing.html(for: answer))
            let prefix = "<img src=\"data:image/png;base64,"
            let suffix = "\" width=\"\(ChallengeDrawing.width)\" height=\"\(ChallengeDrawing.height)\" alt=\"\(ChallengeDrawing.label)\">"
            #expect(html.hasPrefix(prefix) && html.hasSuffix(suffix), "\(html.prefix(60))…\(html.suffix(80))")
            let base64 = html.dropFirst(prefix.count).dropLast(suffix.count)
            #expect(base64.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+/=".contains($0)) })
            let png = try #require(Data(base64Encoded: String(base64)))
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            #expect(!html.contains(answer) && !ChallengeDrawing.label.uppercased().contains(answer))
        }
    }

    @Test("a drawing is a small 4-bit gray PNG of the stated size with nothing but pixels, as Python's zlib reads it")
    func decodesIndependently() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("challenge-png-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var files: [String] = []
        for index in 0..<20 {
            let png = try #require(ChallengeDrawing.png(for: ChallengeAlphabet.randomAnswer()))
            #expect(png.count < 6_000, "\(png.count) bytes")
            let file = directory.appendingPathComponent("\(index).png").path
            try Data(png).write(to: URL(fileURLWithPath: file))
            files.append(file)
        }
        let (status, output) = try await runProcess("/usr/bin/python3", ["-c", PNGReader.script] + files)
        #expect(status == 0, "\(output)")
        let lines = output.split(separator: "\n")
        #expect(lines.count == files.count)
        for line in lines {
            let fields = line.split(separator: " ").map(String.init)
            // width height bit-depth colour-type chunk-types dark-pixels
            #expect(fields.count == 6, "\(line)")
            guard fields.count == 6 else { continue }
            #expect(fields[0] == "\(ChallengeDrawing.width)" && fields[1] == "\(ChallengeDrawing.height)")
            #expect(fields[2] == "4" && fields[3] == "0")
            #expect(fields[4] == "IHDR,IDAT,IEND", "no text or other chunk may travel with the pixels")
            let dark = Int(fields[5]) ?? 0
            #expect(dark > 600 && dark < ChallengeDrawing.width * ChallengeDrawing.height / 3, "\(dark) dark pixels")
        }
    }

    @Test("our deflate, Adler-32 and CRC-32 agree with Python's zlib on runs, noise and nothing")
    func zlibStream() async throws {
        var generator = SplitMix64(state: 42)
        let noise = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let runs = (0..<70_000).map { UInt8(($0 / 300) % 3) }
        let text = Array(String(repeating: "the quick brown fox jumps over the lazy dog ", count: 40).utf8)
        for data in [[], [7], noise, runs, text] {
            let stream = PNGEncoder.zlib(data)
            let script = "import sys, zlib; d = zlib.decompress(bytes.fromhex(sys.argv[1])); print(d.hex())"
            let (status, output) = try await runProcess("/usr/bin/python3", ["-c", script, hex(stream)])
            #expect(status == 0, "\(output.prefix(300))")
            #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == hex(data), "\(data.count) bytes")
        }
        #expect(PNGEncoder.zlib(runs).count < 2_000, "70 KB of runs must compress")
        #expect(PNGEncoder.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(PNGEncoder.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(PNGEncoder.adler32(runs) == adler32Reference(runs))
    }

    @Test("two drawings of the same answer differ in their bytes and in most of their ink")
    func drawingsDiffer() throws {
        let first = try #require(ChallengeDrawing.png(for: "KM47XA"))
        let second = try #require(ChallengeDrawing.png(for: "KM47XA"))
        #expect(first != second)
        var one = Xoshiro256StarStar()
        var other = Xoshiro256StarStar()
        let a = try #require(ChallengeDrawing.raster(for: "KM47XA", using: &one)).ink
        let b = try #require(ChallengeDrawing.raster(for: "KM47XA", using: &other)).ink
        let inked = zip(a, b).filter { $0.0 > 127 || $0.1 > 127 }
        let shared = inked.filter { $0.0 > 127 && $0.1 > 127 }
        #expect(Double(shared.count) < 0.5 * Double(inked.count), "\(shared.count) of \(inked.count) inked pixels in both")
    }

    @Test("a seeded drawing is drawn again the same: the picture depends on the generator only")
    func seeded() throws {
        var one = SplitMix64(state: 9)
        var again = SplitMix64(state: 9)
        #expect(ChallengeDrawing.png(for: "HKT6T", using: &one) == ChallengeDrawing.png(for: "HKT6T", using: &again))
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
