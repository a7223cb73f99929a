@testable import ActivationSpool
import Foundation
import Glibc
import Testing

/// The private copy that replaces an oversized spool file the daemon may not chmod (the front's).
@Suite("private copies of other users' spool files")
struct SpoolPrivateCopyTests {
    @Test("copyTmp copies every byte of a large file into a 0600 file in tmp/")
    func copiesEverything() throws {
        let sandbox = try SpoolSandbox()
        defer { sandbox.remove() }
        var bytes = [UInt8](repeating: 0, count: 300_001)
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index &* 31) }
        let source = sandbox.spool.new + "/big.json"
        try Data(bytes).write(to: URL(fileURLWithPath: source))
        chmod(source, 0o644)
        let fd = open(source, O_RDONLY)
        defer { close(fd) }
        let copy = try sandbox.spool.copyTmp(from: fd, path: source)
        #expect(copy.hasPrefix(sandbox.spool.tmp + "/"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == Data(bytes))
        var info = stat()
        #expect(stat(copy, &info) == 0 && info.st_mode & 0o777 == 0o600)
    }

    @Test("a rename that fails takes its tmp/ file with it")
    func failedRenameCleansUp() throws {
        let sandbox = try SpoolSandbox()
        defer { sandbox.remove() }
        let written = try sandbox.spool.writeTmp(Data("x".utf8), mode: 0o600)
        #expect(throws: SpoolError.self) {
            try sandbox.spool.renameTmp(written, to: sandbox.spool.rejected + "/" + String(repeating: "n", count: 300))
        }
        #expect(sandbox.names(in: sandbox.spool.tmp).isEmpty)
    }
}
