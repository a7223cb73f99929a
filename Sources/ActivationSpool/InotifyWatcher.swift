import Foundation
import Glibc

/// Watches one directory with inotify for files that appear in it (renamed in, or closed after
/// writing), reading events on a dedicated thread so that no cooperative-pool thread ever blocks.
///
/// The thread sleeps in poll(2) on the inotify descriptor and a wake-up pipe; `stop()` writes to
/// the pipe. A kernel queue overflow is reported, so that the caller rescans.
final class InotifyWatcher: Sendable {
    /// What the kernel reported.
    enum Event: Sendable, Equatable {
        /// A name appeared in the directory.
        case name(String)
        /// Events were lost (the kernel queue overflowed), or a name is not UTF-8: rescan.
        case overflow
    }

    private let directory: String
    private let inotify: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32

    /// Starts watching `directory`. Events that happen from now on are kept by the kernel until
    /// `run` reads them, so a scan made after this call misses nothing.
    init(directory: String) throws(SpoolError) {
        self.directory = directory
        inotify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard inotify >= 0 else { throw .last("inotify_init1", directory) }
        let mask = UInt32(IN_MOVED_TO | IN_CLOSE_WRITE)
        guard inotify_add_watch(inotify, directory, mask) >= 0 else {
            let error = SpoolError.last("inotify_add_watch", directory)
            close(inotify)
            throw error
        }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            let error = SpoolError.last("pipe", directory)
            close(inotify)
            throw error
        }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
    }

    deinit {
        close(inotify)
        close(wakeRead)
        close(wakeWrite)
    }

    /// Reports events to `handler` from a dedicated thread until the calling task is cancelled.
    func run(_ handler: @escaping @Sendable (Event) -> Void) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                let thread = Thread { [self] in
                    readEvents(handler)
                    done.resume()
                }
                thread.name = "activationd-inotify"
                thread.start()
            }
        } onCancel: {
            stop()
        }
    }

    /// Wakes the reading thread and makes it return. The pipe stays readable, so a stop that comes
    /// before the thread starts still stops it.
    func stop() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    private func readEvents(_ handler: (Event) -> Void) {
        // Room for many events: each is 16 bytes plus its NUL-padded name.
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            var fds = [pollfd(fd: inotify, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, -1)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0, fds[1].revents == 0 else { return }
            let count = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EAGAIN || errno == EINTR { continue }
                return
            }
            for event in Self.parse(buffer[..<count]) { handler(event) }
        }
    }

    /// Splits a read of `struct inotify_event`s: wd (4), mask (4), cookie (4), len (4), name (len).
    static func parse(_ bytes: ArraySlice<UInt8>) -> [Event] {
        var events: [Event] = []
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset + 16 <= raw.count {
                let mask = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                let length = Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                let nameBytes = raw[(offset + 16)..<min(raw.count, offset + 16 + length)]
                if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                    events.append(.overflow)
                } else if length > 0 {
                    // A name that is not UTF-8 has no String: a scan finds it and sets it aside.
                    let name = SpoolName(bytes: nameBytes.prefix(while: { $0 != 0 }))
                    events.append(name.text.map(Event.name) ?? .overflow)
                }
                offset += 16 + length
            }
        }
        return events
    }
}
