/// A small stroke font for exactly the challenge alphabet's characters.
///
/// Each glyph is a few polylines in a 6 × 10 box (x to the right, y down), curves approximated by
/// short segments. They never leave the server: `ChallengeDrawing` bends, stretches, shears,
/// turns and moves every glyph differently in every drawing and sends only the pixels.
enum ChallengeGlyphs {
    /// A point of a glyph, in glyph units.
    struct Point: Sendable, Equatable {
        var x: Double
        var y: Double
    }

    /// The glyph box's width and height, in glyph units.
    static let width = 6.0
    static let height = 10.0

    /// The strokes of `character`, or nil for a character outside the alphabet.
    static func strokes(for character: Character) -> [[Point]]? {
        table[character]
    }

    private static func line(_ pairs: (Double, Double)...) -> [Point] {
        pairs.map { Point(x: $0.0, y: $0.1) }
    }

    /// The 6 turned half a turn: a 9 whose bowl sits on top.
    private static let six = line(
        (5.5, 0.6), (3.6, 0), (1.6, 0.8), (0.4, 3), (0, 6), (0.5, 8.5), (2, 9.8), (4, 9.8),
        (5.6, 8.7), (6, 7), (5.5, 5.3), (4, 4.5), (2, 4.6), (0.4, 5.9))

    private static let table: [Character: [[Point]]] = [
        "A": [line((0, 10), (3, 0), (6, 10)), line((1.1, 6.5), (4.9, 6.5))],
        "C": [line((6, 1.8), (4.8, 0.4), (3, 0), (1.2, 0.6), (0.2, 2.5), (0, 5), (0.2, 7.5), (1.2, 9.4),
                   (3, 10), (4.8, 9.6), (6, 8.2))],
        "D": [line((0, 0), (0, 10), (3, 10), (5, 9), (6, 7), (6, 3), (5, 1), (3, 0), (0, 0))],
        "E": [line((6, 0), (0, 0), (0, 10), (6, 10)), line((0, 5), (4.5, 5))],
        "F": [line((6, 0), (0, 0), (0, 10)), line((0, 5), (4.5, 5))],
        "H": [line((0, 0), (0, 10)), line((6, 0), (6, 10)), line((0, 5), (6, 5))],
        "J": [line((2, 0), (6, 0)), line((5, 0), (5, 8), (4.2, 9.6), (2.6, 10), (1, 9.5), (0, 8))],
        "K": [line((0, 0), (0, 10)), line((6, 0), (0, 6.5)), line((2.2, 4.3), (6, 10))],
        "M": [line((0, 10), (0, 0), (3, 6.5), (6, 0), (6, 10))],
        "N": [line((0, 10), (0, 0), (6, 10), (6, 0))],
        "P": [line((0, 10), (0, 0), (4, 0), (5.5, 0.8), (6, 2.6), (5.5, 4.4), (4, 5.2), (0, 5.2))],
        "R": [line((0, 10), (0, 0), (4, 0), (5.5, 0.8), (6, 2.6), (5.5, 4.4), (4, 5.2), (0, 5.2)),
              line((3, 5.2), (6, 10))],
        "T": [line((0, 0), (6, 0)), line((3, 0), (3, 10))],
        "U": [line((0, 0), (0, 7.4), (0.8, 9.3), (3, 10), (5.2, 9.3), (6, 7.4), (6, 0))],
        "W": [line((0, 0), (1.5, 10), (3, 3.5), (4.5, 10), (6, 0))],
        "X": [line((0, 0), (6, 10)), line((6, 0), (0, 10))],
        "Y": [line((0, 0), (3, 5), (6, 0)), line((3, 5), (3, 10))],
        "3": [line((0.2, 1.2), (1.6, 0), (4.4, 0), (5.8, 1.2), (5.8, 3.5), (4.4, 4.8), (2, 4.8)),
              line((4.4, 4.8), (6, 6.2), (6, 8.7), (4.5, 10), (1.5, 10), (0, 8.8))],
        // Open at the top: a closed 4, turned and crossed by the noise curve, was read as an A.
        "4": [line((1.2, 0), (0, 6.6), (6, 6.6)), line((4.4, 2.6), (4.4, 10))],
        "6": [six],
        "7": [line((0, 0), (6, 0), (2.4, 10))],
        "9": [six.map { Point(x: width - $0.x, y: height - $0.y) }],
    ]
}
