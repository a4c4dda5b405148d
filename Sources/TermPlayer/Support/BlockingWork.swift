import Foundation

/// Runs blocking work (a libmpg123 scan, file reads) on a thread of its own, so Swift concurrency's
/// cooperative threads never block.
enum BlockingWork {
    static func run<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.name = "termplayer-blocking"
            thread.start()
        }
    }
}
