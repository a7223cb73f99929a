/// The characters a registration challenge is made of, and how an answer is drawn from them.
///
/// Only upper-case letters and digits that a person cannot mistake for another one, even when
/// rotated, scaled and crossed by noise: no 0/O/Q, no 1/I/L, no 5/S, no 2/Z, no 8/B, no G (6),
/// and no V (a U once skewed). The answer is typed back case-insensitively, so lower case never
/// has to be told apart.
package enum ChallengeAlphabet {
    /// Twenty-two characters: 22⁵ ≈ 5 million five-character answers, 22⁶ ≈ 113 million six.
    static let characters: [Character] = Array("ACDEFHJKMNPRTUWXY34679")
    /// Answers have five or six characters: long enough that guessing does not pay, short enough
    /// to type on a phone.
    static let lengths: ClosedRange<Int> = 5...6

    /// A fresh answer from the system's CSPRNG: the answer is the secret a form bot would need,
    /// so it must not be predictable from earlier ones.
    package static func randomAnswer() -> String {
        var generator = SystemRandomNumberGenerator()
        return randomAnswer(using: &generator)
    }

    /// An answer drawn with `generator` (tests pass a seeded one; the server uses the CSPRNG).
    static func randomAnswer(using generator: inout some RandomNumberGenerator) -> String {
        let length = Int.random(in: lengths, using: &generator)
        return String((0..<length).map { _ in characters[Int.random(in: 0..<characters.count, using: &generator)] })
    }

    /// Whether `character` can be part of an answer.
    static func contains(_ character: Character) -> Bool {
        characters.contains(character)
    }
}
