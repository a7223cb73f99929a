import Foundation

/// The rule for first and last names: what a person's name may hold, so that a name can greet
/// the person in our mail and on our pages but never carry a link, an address or a domain there.
///
/// A name, taken in Unicode Normalization Form C, may hold letters and combining marks of any
/// script (general categories L* and M*), space separators, apostrophes (`'` and `’`), hyphens
/// (`-` and U+2010) and periods, and the two joiners some scripts need inside words (ZWNJ and
/// ZWJ). It must hold at least one letter. Digits, `@`, `/`, `:` and every other symbol are
/// refused by that list alone; so are bidirectional overrides and isolates (U+202A–202E,
/// U+2066–2069), which could make a name read backwards. Beyond the characters:
///
/// - a period must follow a letter or mark and be followed by a space (U+0020) or end the name,
///   which keeps initials and abbreviations (`J. R. R.`, `St. John`, `Jr.`) and refuses anything
///   host-like (`evil.example`, `a.b.c`, `www.x.y`);
/// - no `http` or `www.`, compared in compatibility form (NFKC) and without case, so that
///   full-width letters do not slip through.
enum PersonName {
    /// Why a name breaks the rule.
    enum Flaw: Sendable, Equatable {
        /// A character outside the list (a digit, a symbol, a control of direction, …).
        case character
        /// No letter at all (only marks, punctuation or joiners).
        case noLetter
        /// A period that does not end an abbreviation: what a domain looks like.
        case hostLike
        /// `http` or `www.`.
        case scheme
    }

    /// The first flaw of `name`, which must already be NFC, or nil when the name is acceptable.
    static func flaw(_ name: String) -> Flaw? {
        var hasLetter = false
        var previous: Unicode.Scalar?
        var scalars = name.unicodeScalars.makeIterator()
        var current = scalars.next()
        while let scalar = current {
            let next = scalars.next()
            if scalar == "." {
                guard let previous, isLetterOrMark(previous), next == nil || next == " " else { return .hostLike }
            } else if isLetter(scalar) {
                hasLetter = true
            } else if !isAllowedNonLetter(scalar) {
                return .character
            }
            previous = scalar
            current = next
        }
        guard hasLetter else { return .noLetter }
        let folded = name.precomposedStringWithCompatibilityMapping.lowercased()
        if folded.contains("http") || folded.contains("www.") { return .scheme }
        return nil
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
        default: false
        }
    }

    private static func isLetterOrMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark:
            true
        default:
            false
        }
    }

    /// Marks, space separators, apostrophes, hyphens and the two joiners; periods are decided
    /// by their neighbours.
    private static func isAllowedNonLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "'", "\u{2019}", "-", "\u{2010}", "\u{200C}", "\u{200D}":
            return true
        default:
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark, .spaceSeparator: return true
            default: return false
            }
        }
    }
}
