import ActivationFuzz
import Foundation
import Testing

/// Replays every file of every `Fuzz/corpus/<target>/` through the same `FuzzTargets` function the
/// libFuzzer executable calls: the seeds, and the crash inputs `make fuzz` found and that were fixed,
/// so that a fixed crash stays fixed in the ordinary debug `make test`.
@Suite struct CorpusReplayTests {
    static let corpusRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus")

    static let targetNames = FuzzTargets.all.map(\.name)

    /// The files of one target's corpus, sorted.
    static func files(_ target: String) throws -> [URL] {
        let directory = corpusRoot.appendingPathComponent(target)
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test("every target has a corpus directory, and every corpus directory a target")
    func corporaMatchTargets() throws {
        let directories = try FileManager.default.contentsOfDirectory(atPath: Self.corpusRoot.path)
            .filter { !$0.hasPrefix(".") }
        #expect(Set(directories) == Set(Self.targetNames))
    }

    @Test("the corpus of each target replays without a crash or a broken property", arguments: targetNames)
    func replay(_ target: String) throws {
        let files = try Self.files(target)
        // A few dozen seeds each: an empty or missing corpus would make this test pass vacuously.
        #expect(files.count >= 5, "\(target) has \(files.count) corpus files")
        var replayed = 0
        for file in files {
            let data = try Data(contentsOf: file)
            do {
                #expect(try FuzzTargets.run(target, data))
            } catch {
                Issue.record("\(target)/\(file.lastPathComponent): \(error)")
            }
            replayed += 1
        }
        #expect(replayed == files.count && replayed > 0)
    }
}
