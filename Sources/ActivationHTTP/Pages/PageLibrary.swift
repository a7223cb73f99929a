import Synchronization

/// The page renderer in use, replaced whole when the daemon reloads its templates (SIGHUP):
/// requests already rendering keep the renderer they started with.
final class PageLibrary: Sendable {
    private let state: Mutex<PageRenderer>

    init(_ renderer: PageRenderer) {
        state = Mutex(renderer)
    }

    /// The renderer for this request.
    var current: PageRenderer { state.withLock { $0 } }

    /// Puts a newly loaded renderer in place.
    func replace(with renderer: PageRenderer) {
        state.withLock { $0 = renderer }
    }
}
