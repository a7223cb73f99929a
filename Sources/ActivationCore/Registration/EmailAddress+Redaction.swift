extension EmailAddress {
    /// `text` with the local part of every address in it replaced by `…`, the domain kept: how
    /// a relay's reply is logged, since log lines carry recipients as their domain only
    /// (`550 5.1.1 <jane@example.net>: Recipient address rejected` becomes
    /// `550 5.1.1 <…@example.net>: Recipient address rejected`).
    ///
    /// A local part is the run of dot-atom characters (and any non-ASCII, for SMTPUTF8 relays)
    /// before an `@`, or a quoted string ending right before it. This errs towards hiding more:
    /// `to=jane@example.net` loses its `to=` too. Text without an `@` is returned as it is.
    public static func redactingLocalParts(in text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "@")) else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        // bytes[..<copied] have been written out or replaced.
        var copied = 0
        for at in bytes.indices where bytes[at] == UInt8(ascii: "@") {
            let start = localPartStart(bytes, at: at, floor: copied)
            guard start < at else { continue }
            out.append(contentsOf: bytes[copied..<start])
            out.append(contentsOf: "…".utf8)
            copied = at
        }
        out.append(contentsOf: bytes[copied...])
        return String(decoding: out, as: UTF8.self)
    }

    /// Where the local part ending before `bytes[at]` (an `@`) starts, not before `floor`; `at`
    /// when there is none. Cuts fall on ASCII bytes only, so UTF-8 sequences stay whole.
    private static func localPartStart(_ bytes: [UInt8], at: Int, floor: Int) -> Int {
        if at > floor, bytes[at - 1] == UInt8(ascii: "\"") {
            var quote = at - 2
            while quote >= floor, bytes[quote] != UInt8(ascii: "\"") { quote -= 1 }
            return quote >= floor ? quote : at
        }
        var start = at
        while start > floor, bytes[start - 1] >= 0x80 || bytes[start - 1] == UInt8(ascii: ".") || isAtext(bytes[start - 1]) {
            start -= 1
        }
        return start
    }
}
