import Foundation

/// Draws a challenge answer as a raster picture (PNG) on the server, for an `<img>` with a data URI.
///
/// The page never carries the drawing's structure: an earlier SVG of paths was solved from its
/// markup alone (glyph paths told apart from noise by their commands and attributes, each glyph by
/// its strokes and points per stroke). Now only pixels leave the server, and in them the glyphs and
/// the noise are the same kind of thing: strokes of one width and one ink, merged where they cross.
///
/// Every drawing is new: each glyph of `ChallengeGlyphs` is bent by a warp of its own, stretched,
/// sheared, turned (never past ±20°) and moved; the glyphs are set 3–7 px apart, so that turned
/// neighbours may touch; then the whole picture, noise included, is bent by one more warp, so no glyph's shape repeats from one
/// drawing to the next. The noise is a long curve across the line of characters, drawn with the
/// glyphs' pen. (Short arcs among the glyphs were tried: they made people misread and did not
/// change what tesseract reads.) What remains for an attacker is reading the picture: a model
/// trained on such drawings, or a person (docs/http.md states the threat model).
enum ChallengeDrawing {
    /// The picture's size in pixels, the same for every answer length.
    static let width = 240
    static let height = 84
    /// What a screen reader says. It names the image, never its content.
    static let label = "Verification image"
    /// Largest rotation of a glyph, either way: 6 and 9 are each other turned half a turn.
    static let maximalRotation = 20.0 * Double.pi / 180
    /// A glyph turns by up to this much, plus up to a third of it more.
    private static let typicalRotation = maximalRotation * 3 / 5
    /// Pixels per glyph unit (a glyph is 10 units tall) before each glyph's own scaling.
    static let unit = 4.6

    /// The picture as an `<img>` element with a data URI, its size and its label, or nil if a
    /// character has no glyph. Drawn with a generator seeded from the system's CSPRNG.
    static func html(for answer: String) -> String? {
        guard let png = png(for: answer) else { return nil }
        return html(png: png)
    }

    /// `png` as the page's `<img>` element.
    static func html(png: [UInt8]) -> String {
        "<img src=\"data:image/png;base64,\(Data(png).base64EncodedString())\" width=\"\(width)\" "
            + "height=\"\(height)\" alt=\"\(label)\">"
    }

    /// The answer drawn as a PNG with a generator seeded from the system's CSPRNG, or nil if a
    /// character has no glyph.
    ///
    /// Not the CSPRNG itself for every draw: each of its draws is a `getrandom` system call, and a
    /// drawing takes a few hundred. The answer is the CSPRNG's (`ChallengeAlphabet`); the drawing
    /// only needs to be unpredictable without the seed, which xoshiro256** seeded with 256 fresh
    /// bits is.
    static func png(for answer: String) -> [UInt8]? {
        var generator = Xoshiro256StarStar()
        return png(for: answer, using: &generator)
    }

    /// The answer drawn as a PNG with `generator`, or nil if a character is outside the alphabet.
    static func png(for answer: String, using generator: inout some RandomNumberGenerator, plain: Bool = false)
        -> [UInt8]?
    {
        guard let raster = raster(for: answer, using: &generator, plain: plain) else { return nil }
        let background = Double.random(in: 14.2...15, using: &generator)
        let inkLevel = Double.random(in: 0...2.5, using: &generator)
        // Ink 0…255 to gray 15…0 through a table: one lookup a pixel.
        let levels = (0...255).map { UInt8(background + 0.5 - Double($0) / 255 * (background - inkLevel)) }
        let pixels = raster.ink.map { levels[Int($0)] }
        return PNGEncoder.grayscale4(width: width, height: height, pixels: pixels)
    }

    /// The answer's strokes and the noise, drawn into ink coverage.
    ///
    /// `plain` (for the OCR test's control only) draws the same glyphs with the same pen upright,
    /// unbent, apart and without noise: what a general-purpose OCR is expected to read.
    static func raster(for answer: String, using generator: inout some RandomNumberGenerator, plain: Bool = false)
        -> ChallengeRaster?
    {
        var glyphs: [[[ChallengeGlyphs.Point]]] = []
        for character in answer {
            guard let strokes = ChallengeGlyphs.strokes(for: character) else { return nil }
            glyphs.append(strokes)
        }
        guard !glyphs.isEmpty else { return nil }
        typealias Point = ChallengeRaster.Point

        // One pen for everything: a width per drawing, each stroke a little thicker or thinner and
        // darker or lighter, the glyphs' strokes and the noise's from the same ranges.
        let halfWidth = Double.random(in: 1.25...1.6, using: &generator)
        func pen() -> (halfWidth: Double, darkness: Double) {
            (halfWidth * Double.random(in: 0.9...1.1, using: &generator), Double.random(in: 0.85...1, using: &generator))
        }
        let warp = Warp(amplitude: plain ? 0 : 2, wavelengths: 50...100, using: &generator)

        // Each glyph's own scale, stretch and shear, and the space it takes.
        var placements: [Placement] = []
        for _ in glyphs {
            let scale = unit * Double.random(in: 0.92...1.08, using: &generator)
            if plain {
                placements.append(Placement(scaleX: unit, scaleY: unit, shear: 0, angle: 0,
                                            warp: Warp(amplitude: 0, wavelengths: 6...10, using: &generator)))
                continue
            }
            placements.append(Placement(
                scaleX: scale * Double.random(in: 0.85...1.12, using: &generator), scaleY: scale,
                shear: Double.random(in: -0.12...0.12, using: &generator),
                angle: Double.random(in: -typicalRotation...typicalRotation, using: &generator)
                    + Double.random(in: -typicalRotation...typicalRotation, using: &generator) / 3,
                warp: Warp(amplitude: 0.18, wavelengths: 6...10, using: &generator)))
        }
        // Close: 3–7 px between the glyphs' boxes, so that turned neighbours may touch.
        var advances: [Double] = []
        for index in 0..<placements.count {
            let halfWidths = ChallengeGlyphs.width / 2 * placements[index].scaleX
                + (index + 1 < placements.count ? ChallengeGlyphs.width / 2 * placements[index + 1].scaleX : 0)
            advances.append(halfWidths + (plain ? 8 : Double.random(in: 3...7, using: &generator)))
        }
        let span = advances.dropLast().reduce(0, +)
        let slack = max(0, Double(width) - 28 - span)
        var centreX = (Double(width) - span) / 2 + Double.random(in: -slack / 4...slack / 4, using: &generator)

        var raster = ChallengeRaster(width: width, height: height)
        let band = (Double(height) * 0.3)...(Double(height) * 0.7)
        for (index, strokes) in glyphs.enumerated() {
            let placement = placements[index]
            let centreY = Double(height) / 2 + (plain ? 0 : Double.random(in: -5...5, using: &generator))
            let (sine, cosine) = (sin(placement.angle), cos(placement.angle))
            for stroke in strokes {
                let points = ChallengeRaster.subdivided(stroke.map { Point(x: $0.x, y: $0.y) }, step: 0.9).map { p in
                    var q = Point(x: p.x - ChallengeGlyphs.width / 2, y: p.y - ChallengeGlyphs.height / 2)
                    q = placement.warp.apply(q)
                    let x = (q.x + placement.shear * q.y) * placement.scaleX
                    let y = q.y * placement.scaleY
                    return warp.apply(Point(x: x * cosine - y * sine + centreX, y: x * sine + y * cosine + centreY))
                }
                let (strokeHalfWidth, darkness) = pen()
                raster.stroke(points, halfWidth: strokeHalfWidth, darkness: darkness)
            }
            centreX += advances[index]
        }
        if plain { return raster }

        // A long curve across the line of characters, from one side to the other and from above
        // its middle to below it or back, so that it crosses the glyphs rather than running along
        // their bars.
        do {
            let rising = Bool.random(using: &generator)
            let high = Double.random(in: (Double(height) * 0.25)...(Double(height) * 0.4), using: &generator)
            let low = Double.random(in: (Double(height) * 0.6)...(Double(height) * 0.75), using: &generator)
            let start = Point(x: Double.random(in: 0...(Double(width) * 0.1), using: &generator), y: rising ? low : high)
            let end = Point(x: Double.random(in: (Double(width) * 0.9)...Double(width), using: &generator),
                            y: rising ? high : low)
            let control = Point(x: Double.random(in: (Double(width) * 0.3)...(Double(width) * 0.7), using: &generator),
                                y: Double.random(in: band, using: &generator))
            let (strokeHalfWidth, darkness) = pen()
            raster.stroke(ChallengeRaster.quadratic(start, control, end).map(warp.apply),
                          halfWidth: strokeHalfWidth, darkness: darkness)
        }
        return raster
    }

    /// How one glyph is bent, scaled, stretched, sheared and turned.
    private struct Placement {
        var scaleX: Double
        var scaleY: Double
        var shear: Double
        var angle: Double
        var warp: Warp
    }

    /// A smooth bend: each coordinate moved by a sine of the other, with random phases and
    /// wavelengths.
    struct Warp {
        private let amplitudeX: Double
        private let amplitudeY: Double
        private let frequencyX: Double
        private let frequencyY: Double
        private let phaseX: Double
        private let phaseY: Double

        init(amplitude: Double, wavelengths: ClosedRange<Double>, using generator: inout some RandomNumberGenerator) {
            amplitudeX = amplitude * Double.random(in: 0.5...1, using: &generator)
            amplitudeY = amplitude * Double.random(in: 0.5...1, using: &generator)
            frequencyX = 2 * Double.pi / Double.random(in: wavelengths, using: &generator)
            frequencyY = 2 * Double.pi / Double.random(in: wavelengths, using: &generator)
            phaseX = Double.random(in: 0...(2 * Double.pi), using: &generator)
            phaseY = Double.random(in: 0...(2 * Double.pi), using: &generator)
        }

        func apply(_ point: ChallengeRaster.Point) -> ChallengeRaster.Point {
            ChallengeRaster.Point(x: point.x + amplitudeX * sin(point.y * frequencyX + phaseX),
                                  y: point.y + amplitudeY * sin(point.x * frequencyY + phaseY))
        }
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
