import Foundation
import TestSupport

/// Debian's headless Chromium, run against the live test server: DOM dumps and screenshots.
enum Chromium {
    /// Where screenshots go: `.build/test-output/http/` of the package (kept for a person to look at).
    static let outputDirectory: URL = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let directory = root.appendingPathComponent(".build/test-output/http")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }()

    /// The rendered DOM of `url`, after Chromium parsed the page and applied its CSP.
    static func dumpDOM(_ url: String) async throws -> String {
        try await run(["--dump-dom", url])
    }

    /// Saves a screenshot of `url` as `<name>.png` at a phone's width (or `size`); returns the file.
    @discardableResult
    static func screenshot(_ url: String, name: String, size: String = "390,844") async throws -> URL {
        let file = outputDirectory.appendingPathComponent("\(name).png")
        try? FileManager.default.removeItem(at: file)
        _ = try await run(["--screenshot=\(file.path)", "--window-size=\(size)", "--hide-scrollbars", url])
        return file
    }

    private static func run(_ arguments: [String]) async throws -> String {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--no-first-run", "--user-data-dir=\(profile.path)"]
        return try await ChildProcess.run("/usr/bin/chromium", flags + arguments).stdout
    }
}
