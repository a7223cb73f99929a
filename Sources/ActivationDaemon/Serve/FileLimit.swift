import ActivationHTTP
import Glibc

/// The process's file limit against the HTTP connection caps: every connection holds a descriptor,
/// and the spool scan, the store and the relay need theirs whatever the listeners do.
enum FileLimit {
    /// The soft `RLIMIT_NOFILE` after raising it to the hard limit where allowed. The unit's
    /// system call filter refuses `setrlimit` (it is in `@resources`), and its `LimitNOFILE=` sets
    /// both limits already; elsewhere the common soft limit of 1024 is raised.
    static func raiseToHardLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// The public listener's connection cap that fits under `fileLimit` beside the operator
    /// listener's and the reserve: `wanted` when it fits, less when it does not, nil when not even
    /// one connection does.
    static func connections(wanted: Int, operatorConnections: Int, fileLimit: Int,
                            reserve: Int = ConnectionLimits.reservedDescriptors) -> Int? {
        let available = fileLimit - reserve - operatorConnections
        guard available >= 1 else { return nil }
        return min(wanted, available)
    }
}
