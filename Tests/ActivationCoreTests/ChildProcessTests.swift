import Foundation
import Testing
import TestSupport

/// The tests' way of running commands (`ChildProcess`) must not hang on descriptors it does not
/// own: a CI run once hung for an hour reading a pipe whose write end had leaked into a server
/// another test had started at the same moment.
@Suite("ChildProcess: commands run by the tests")
struct ChildProcessTests {
    @Test("the child gets stdin, stdout and stderr, and no other descriptor of this process")
    func noDescriptorLeaksIntoTheChild() async throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)  // not close-on-exec: what a careless spawn would hand down
        defer { close(ends[0]); close(ends[1]) }
        let listing = try await ChildProcess.run("/bin/sh", ["-c", "ls /proc/$$/fd"])
        #expect(listing.status == 0)
        let descriptors = Set(listing.stdout.split(separator: "\n").compactMap { Int32($0) })
        #expect(descriptors == [0, 1, 2], "the shell holds \(descriptors.sorted()); the pipe is \(ends)")
    }

    @Test("the wait is for the process, not for the end of its output: a background grandchild does not hold it")
    func returnsWhenTheProcessEnds() async throws {
        // The grandchild keeps the output file open for 5 minutes; reading a pipe to its end
        // would wait for it. (No bound on the time taken: beside the whole first run, a trivial
        // test was seen to take 38 s to be scheduled.)
        let result = try await ChildProcess.run("/bin/sh", ["-c", "sleep 300 & echo $!"])
        let grandchild = try #require(Int32(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        defer { kill(grandchild, SIGKILL) }
        #expect(kill(grandchild, 0) == 0, "the grandchild has ended: the run waited for it")
    }

    @Test("input, environment, directory, exit status and a killing signal")
    func theRestOfTheContract() async throws {
        let echoed = try await ChildProcess.run("/bin/sh", ["-c", "cat; echo \"$GREETING\"; pwd; echo oops >&2; exit 3"],
                                                environment: ["GREETING": "hallo"], directory: "/usr",
                                                input: Data("in\n".utf8))
        #expect(echoed.status == 3)
        #expect(echoed.stdout == "in\nhallo\n/usr\n")
        #expect(echoed.stderr == "oops\n")
        let merged = try await ChildProcess.run("/bin/sh", ["-c", "echo a; echo b >&2"], mergingOutput: true)
        #expect(merged.stdout == "a\nb\n" && merged.stderr.isEmpty)
        let killed = try await ChildProcess.run("/bin/sh", ["-c", "kill -9 $$"])
        #expect(killed.status == 128 + SIGKILL)
    }
}
