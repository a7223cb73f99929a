public import Foundation

/// The fuzz targets of `make fuzz`: one function per parser of untrusted input, each feeding the
/// bytes to the real parser and checking the properties the design promises, not only that
/// nothing crashes.
///
/// A broken property throws `PropertyViolation`: the fuzz executables (Fuzz/<name>/main.swift)
/// trap on it so that libFuzzer keeps the input, and the replay tests (Tests/ActivationFuzzTests)
/// report it as a failure. A crash inside a parser traps by itself in both.
public enum FuzzTargets {
    /// Every target by the name of its executable and corpus directory (`Fuzz/corpus/<name>/`).
    public static let all: [(name: String, maximalLength: Int, run: @Sendable (Data) throws -> Void)] = [
        ("spool-record", 4096, spoolRecord),
        ("token", 512, token),
        ("phc", 512, phcString),
        ("mail-header", 2048, mailHeader),
        ("config-duration", 64, configDuration),
        ("http-form", 2048, httpForm),
        ("http-query", 1024, httpQuery),
        ("forwarded-header", 1024, forwardedHeader),
        ("bounce-token", 2048, bounceToken),
    ]

    /// Runs the target named `name` on `data`; false when there is no such target.
    public static func run(_ name: String, _ data: Data) throws -> Bool {
        guard let target = all.first(where: { $0.name == name }) else { return false }
        try target.run(data)
        return true
    }
}

/// A property the design promises that an input broke. Its description names the property and
/// the target, never the input (which may be a password).
public struct PropertyViolation: Error, CustomStringConvertible {
    /// Which target.
    public let target: String
    /// Which property.
    public let property: String

    public init(_ target: String, _ property: String) {
        self.target = target
        self.property = property
    }

    public var description: String { "\(target): property broken: \(property)" }
}

/// Throws `PropertyViolation(target, property)` unless `condition` holds.
func require(_ condition: @autoclosure () -> Bool, _ target: String, _ property: String) throws(PropertyViolation) {
    if !condition() { throw PropertyViolation(target, property) }
}

/// Keeps `value` alive past the optimiser: the fuzz results go here, so no parse is dropped as unused.
@inline(never) @_optimize(none)
public func fuzzSink<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

/// Reads fields from a fuzz input: a length byte, then that many bytes; the last field takes what is left.
struct FuzzInput {
    private var bytes: ArraySlice<UInt8>

    init(_ data: Data) { bytes = Array(data)[...] }

    var isEmpty: Bool { bytes.isEmpty }

    /// One byte, 0 when the input is used up.
    mutating func byte() -> UInt8 {
        guard let first = bytes.first else { return 0 }
        bytes = bytes.dropFirst()
        return first
    }

    /// `count` bytes (fewer at the end of the input).
    mutating func bytes(_ count: Int) -> [UInt8] {
        let taken = bytes.prefix(count)
        bytes = bytes.dropFirst(taken.count)
        return Array(taken)
    }

    /// A length-prefixed field as UTF-8 text (invalid sequences become U+FFFD, as a String must).
    mutating func field() -> String {
        let count = Int(byte())
        return String(decoding: bytes(count), as: UTF8.self)
    }

    /// Whatever is left, as UTF-8 text.
    mutating func rest() -> String {
        defer { bytes = [] }
        return String(decoding: bytes, as: UTF8.self)
    }
}
