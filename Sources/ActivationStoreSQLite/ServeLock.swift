import Foundation
import Glibc
import Synchronization

/// An exclusive `flock` on a file beside the database, held by the one `serve` whose courier
/// works the file's outbox. A separate file, not the database: closing any descriptor of the
/// database would drop SQLite's own POSIX locks on it. The kernel lets go of the lock when the
/// process exits, killed or not, so a lock that can be taken means no other courier is running.
final class ServeLock: Sendable {
    let path: String
    private let descriptor = Mutex<Int32?>(nil)

    init(path: String) {
        self.path = path
    }

    /// Takes the lock without waiting; true when it is held (now or already), false when
    /// another process holds it.
    func acquire() throws -> Bool {
        try descriptor.withLock { held in
            if held != nil { return true }
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO, userInfo: [NSFilePathErrorKey: path])
            }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                let error = errno
                close(fd)
                if error == EWOULDBLOCK { return false }
                throw POSIXError(POSIXErrorCode(rawValue: error) ?? .EIO, userInfo: [NSFilePathErrorKey: path])
            }
            held = fd
            return true
        }
    }

    /// Lets go of the lock, if held.
    func release() {
        descriptor.withLock { held in
            if let fd = held { close(fd) }
            held = nil
        }
    }
}
