import ActivationCore

/// The page renderer in use, replaced whole when the daemon reloads its templates (SIGHUP):
/// requests already rendering keep the renderer they started with.
typealias PageLibrary = Reloadable<PageRenderer>
