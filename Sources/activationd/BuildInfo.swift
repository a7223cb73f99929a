import CBuildInfo

/// What `activationd --version` prints: `activationd <version> (git <revision>)`.
enum BuildInfo {
    /// The release's version; scripts/build-deb.sh names the package after it (read from `--version`,
    /// so that it is written down once).
    static let version = "0.1.0"

    /// The git revision baked in by the release build, or "unknown" (see CBuildInfo's header).
    static let revision = String(cString: activationd_build_revision())

    /// The line `--version` prints.
    static let line = "activationd \(version) (git \(revision))"
}
