import CGlibcMalloc
import Dispatch

/// Gives the heap's free pages back to the system after a burst of connections: glibc keeps the
/// freed buffers of each connection in its arenas (`free` does not return them), so without a trim
/// a flood's peak stays in the RSS.
enum MemoryTrim {
    /// Runs `malloc_trim(0)` off the event loop (a trim walks the heap), on a queue of the default
    /// quality of service.
    static func afterBurst() {
        DispatchQueue.global().async { _ = malloc_trim(0) }
    }
}
