/// A spool operation that failed: which one, on which path, and the `errno` it failed with.
///
/// Paths are spool paths chosen by the operator or the spool's file names; never file contents.
public struct SpoolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was being done, such as `open`, `rename`, `fsync`.
    public let operation: String
    /// The path it was done on.
    public let path: String
    /// The C library's error number.
    public let errno: Int32

    /// Creates an error.
    public init(operation: String, path: String, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    /// `rename /var/spool/activationd/new/x.json: No such file or directory (errno 2)`.
    public var description: String {
        "\(operation) \(path): \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

import Glibc

extension SpoolError {
    /// The error of the C call that just failed.
    package static func last(_ operation: String, _ path: String) -> SpoolError {
        SpoolError(operation: operation, path: path, errno: Glibc.errno)
    }
}
