// ActivationDaemon — what the `activationd` subcommands do, behind the argument parsing.
//
// Owns: reading records given on the command line, the output formats of the subcommands, and
// their exit codes (sysexits). Untrusted: every file and standard input it is pointed at.
import Foundation

/// Exit statuses, after sysexits(3).
public enum ExitStatus: Int32, Sendable {
    /// Success.
    case ok = 0
    /// EX_USAGE: the command line is wrong.
    case usage = 64
    /// EX_DATAERR: the input data is invalid.
    case dataError = 65
    /// EX_NOINPUT: an input file is missing or unreadable.
    case noInput = 66
    /// EX_NOUSER: no such account.
    case noUser = 67
    /// EX_SOFTWARE: an internal error.
    case software = 70
    /// EX_UNAVAILABLE: a service refused (the relay answered 5xx).
    case unavailable = 69
    /// EX_IOERR: an error while doing I/O.
    case ioError = 74
    /// EX_CANTCREAT: an output file cannot be created (or exists and must not be overwritten).
    case cantCreate = 73
    /// EX_TEMPFAIL: try again later (the relay answered 4xx or could not be reached).
    case temporaryFailure = 75
    /// EX_CONFIG: the configuration is wrong.
    case config = 78
}
