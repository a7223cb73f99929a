import Foundation
import Testing

@Suite("activationd --version")
struct VersionCommandTests {
    /// `activationd <major.minor.patch> (git <revision>)`: the revision is a commit's short hash when
    /// the release build baked it in (PackageTests checks the packaged binary's against HEAD), and
    /// "unknown" in a build without ACTIVATIOND_REVISION, like this test's debug build.
    static var line: Regex<(Substring, Substring, Substring, Substring?)> {
        #/^activationd (\d+\.\d+\.\d+) \(git (unknown|[0-9a-f]{12}(\+dirty)?)\)$/#
    }

    @Test("prints the version and the git revision, and exits 0")
    func version() async throws {
        let result = try await CommandRunner.run(["--version"])
        #expect(result.status == 0, "\(result.stderr)")
        let printed = result.stdout.trimmingCharacters(in: .newlines)
        #expect(printed.wholeMatch(of: Self.line) != nil, "\(printed)")
    }
}
