import Foundation

/// Draws a challenge answer as an SVG image made only of `<path>` elements.
///
/// Never `<text>`: a form bot would read the answer from the markup. Every glyph comes from
/// `ChallengeGlyphs` and each of its points is rotated (±20°), scaled (±15 %), shifted and jittered
/// here, before it is written, so the path data differs in every drawing and a glyph's canonical
/// coordinates never appear (a `transform` attribute would leave them readable). Noise curves
/// cross the glyphs so that the strokes cannot simply be segmented one by one. The glyph paths
/// and the noise are written in a shuffled order, so the order of the markup is not the reading
/// order.
///
/// The fixed markup (element and attribute names, the label, numbers written as `ddd.d` after a
/// space) never holds five alphabet characters in a row, case-insensitively, so no answer can
/// turn up in a drawing even by chance.
enum ChallengeDrawing {
    /// Height of the image in SVG units; its width is `slotWidth` per character plus margins.
    static let canvasHeight = 64.0
    /// Horizontal room per character.
    static let slotWidth = 40.0
    /// Left and right margin.
    static let margin = 12.0
    /// What a screen reader says. It names the image, never its content.
    static let label = "Verification image"
    /// Largest rotation of a glyph, either way.
    static let maximalRotation = 20.0 * Double.pi / 180

    /// The answer drawn with a generator seeded from the system's CSPRNG, or nil if a character
    /// has no glyph.
    ///
    /// Not the CSPRNG itself for every draw: each of its draws is a `getrandom` system call, and a
    /// drawing takes a few hundred (a fifth of `GET /register`'s time went there). The answer is
    /// the CSPRNG's (`ChallengeAlphabet`); the jitter only needs to be unpredictable without the
    /// seed, which xoshiro256** seeded with 256 fresh bits is.
    static func svg(for answer: String) -> String? {
        var generator = Xoshiro256StarStar()
        return svg(for: answer, using: &generator)
    }

    /// The answer drawn with `generator`, or nil if a character is outside the alphabet.
    static func svg(for answer: String, using generator: inout some RandomNumberGenerator) -> String? {
        var glyphs: [[[ChallengeGlyphs.Point]]] = []
        for character in answer {
            guard let strokes = ChallengeGlyphs.strokes(for: character) else { return nil }
            glyphs.append(strokes)
        }
        let width = 2 * margin + slotWidth * Double(glyphs.count)

        var paths: [String] = []
        for (index, strokes) in glyphs.enumerated() {
            let center = ChallengeGlyphs.Point(x: margin + slotWidth * (Double(index) + 0.5), y: canvasHeight / 2)
            paths.append(glyphPath(strokes, center: center, using: &generator))
        }
        let noiseCount = Int.random(in: 3...5, using: &generator)
        for _ in 0..<noiseCount {
            paths.append(noisePath(width: width, using: &generator))
        }
        paths.shuffle(using: &generator)

        let size = "\(number(width)) \(number(canvasHeight))"
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(size)\""
        svg += " width=\"\(number(width))\" height=\"\(number(canvasHeight))\" role=\"img\" aria-label=\"\(label)\">"
        svg += paths.joined()
        svg += "</svg>"
        return svg
    }

    /// One glyph as one path: every point turned, scaled, jittered and moved to the glyph's slot.
    private static func glyphPath(_ strokes: [[ChallengeGlyphs.Point]], center: ChallengeGlyphs.Point,
                                  using generator: inout some RandomNumberGenerator) -> String {
        let angle = Double.random(in: -maximalRotation...maximalRotation, using: &generator)
        // 10 glyph units become about 36 SVG units tall.
        let scale = 3.6 * Double.random(in: 0.85...1.15, using: &generator)
        let shiftX = Double.random(in: -4...4, using: &generator)
        let shiftY = Double.random(in: -6...6, using: &generator)
        let (sine, cosine) = (sin(angle), cos(angle))
        var data: [String] = []
        for stroke in strokes {
            for (index, point) in stroke.enumerated() {
                let x = (point.x - ChallengeGlyphs.width / 2 + Double.random(in: -0.2...0.2, using: &generator)) * scale
                let y = (point.y - ChallengeGlyphs.height / 2 + Double.random(in: -0.2...0.2, using: &generator)) * scale
                let turnedX = x * cosine - y * sine + center.x + shiftX
                let turnedY = x * sine + y * cosine + center.y + shiftY
                data.append("\(index == 0 ? "M" : "L") \(number(turnedX)) \(number(turnedY))")
            }
        }
        let strokeWidth = number(Double.random(in: 2.2...3.0, using: &generator))
        return "<path d=\"\(data.joined(separator: " "))\" fill=\"none\" stroke=\"#222\" stroke-width=\"\(strokeWidth)\" stroke-linejoin=\"round\"/>"
    }

    /// A cubic curve across the image, thinner than the glyphs but in the same colour.
    private static func noisePath(width: Double, using generator: inout some RandomNumberGenerator) -> String {
        func point() -> String {
            "\(number(Double.random(in: 0...width, using: &generator))) \(number(Double.random(in: 0...canvasHeight, using: &generator)))"
        }
        let start = "\(number(Double.random(in: 0...(width / 4), using: &generator))) \(number(Double.random(in: 0...canvasHeight, using: &generator)))"
        let end = "\(number(Double.random(in: (width * 3 / 4)...width, using: &generator))) \(number(Double.random(in: 0...canvasHeight, using: &generator)))"
        let data = "M \(start) C \(point()) \(point()) \(end)"
        let strokeWidth = number(Double.random(in: 1.0...1.8, using: &generator))
        return "<path d=\"\(data)\" fill=\"none\" stroke=\"#222\" stroke-width=\"\(strokeWidth)\"/>"
    }

    /// `x` with one decimal, without Foundation's formatter: `-12.3`, `0.0`, `250.5`.
    static func number(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded())
        let magnitude = tenths.magnitude
        return "\(tenths < 0 ? "-" : "")\(magnitude / 10).\(magnitude % 10)"
    }
}

/// xoshiro256** (Blackman and Vigna), seeded once from the system's CSPRNG: fast draws for the
/// drawing's jitter.
struct Xoshiro256StarStar: RandomNumberGenerator {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    init() {
        var system = SystemRandomNumberGenerator()
        repeat {
            state = (system.next(), system.next(), system.next(), system.next())
        } while state == (0, 0, 0, 0)
    }

    mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }
}
