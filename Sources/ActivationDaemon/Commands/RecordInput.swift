import ActivationCore
import Foundation

/// Reads a registration record named on the command line: a path, or `-` for standard input.
enum RecordInput {
    /// Why a record could not be read.
    struct Failure: Error, CustomStringConvertible {
        let status: ExitStatus
        let description: String
    }

    /// Reads at most `Registration.maximalRecordSize` bytes (one more tells that the input is too large).
    static func read(_ source: String) throws(Failure) -> Data {
        let limit = Registration.maximalRecordSize
        let handle: FileHandle
        if source == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let opened = FileHandle(forReadingAtPath: source) else {
                throw Failure(status: .noInput, description: "cannot open \(source)")
            }
            handle = opened
        }
        defer { if source != "-" { try? handle.close() } }
        var data = Data()
        do {
            while data.count <= limit, let chunk = try handle.read(upToCount: limit + 1 - data.count), !chunk.isEmpty {
                data += chunk
            }
        } catch {
            throw Failure(status: .ioError, description: "cannot read \(source): \(error.localizedDescription)")
        }
        return data
    }
}
