import Foundation
import LibraryModel
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// Reports files written, moved in, deleted or moved out of a folder, through inotify.
///
/// A thread of its own blocks in `poll` on the inotify descriptor and a pipe; ending the stream writes
/// to the pipe, so the thread exits and closes them.
enum InotifyWatcher {
    /// nil when inotify is unavailable (old kernel, exhausted watches, a file system without it).
    static func changes(in folder: FilePath) -> AsyncStream<BucketChange>? {
        let watchDescriptor: Int32
        let inotify = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard inotify >= 0 else { return nil }
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF)
        watchDescriptor = inotify_add_watch(inotify, folder.string, mask)
        guard watchDescriptor >= 0 else {
            close(inotify)
            return nil
        }
        // Ending the stream writes to this pipe, which wakes the thread's poll so it can exit.
        var wakeupPipe: [Int32] = [0, 0]
        guard pipe(&wakeupPipe) == 0 else {
            close(inotify)
            return nil
        }
        for end in wakeupPipe { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let wakeup = wakeupPipe[0]
        let wake = wakeupPipe[1]
        let (stream, continuation) = AsyncStream.makeStream(of: BucketChange.self, bufferingPolicy: .unbounded)
        continuation.yield(.watching)
        continuation.onTermination = { _ in
            var byte: UInt8 = 1
            _ = write(wake, &byte, 1)
        }
        let thread = Thread {
            defer {
                close(inotify)
                close(wakeup)
                close(wake)
                continuation.finish()
            }
            readEvents(inotify: inotify, wakeup: wakeup, into: continuation)
        }
        thread.name = "termplayer-inotify"
        thread.start()
        return stream
    }

    private static func readEvents(inotify: Int32, wakeup: Int32, into continuation: AsyncStream<BucketChange>.Continuation) {
        let bufferSize = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bufferSize, alignment: MemoryLayout<inotify_event>.alignment)
        defer { buffer.deallocate() }
        var descriptors = [pollfd(fd: inotify, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeup, events: Int16(POLLIN), revents: 0)]
        while true {
            guard (try? SystemCall.run("poll", "inotify") { poll(&descriptors, 2, -1) }) != nil else { return }
            if descriptors[1].revents != 0 { return }
            guard let count = try? SystemCall.run("read", "inotify", { read(inotify, buffer, bufferSize) }) else {
                if errno == EAGAIN { continue }
                return
            }
            var offset = 0
            while offset < count {
                let event = buffer.load(fromByteOffset: offset, as: inotify_event.self)
                let nameStart = buffer + offset + MemoryLayout<inotify_event>.size
                let nameBytes = UnsafeRawBufferPointer(start: nameStart, count: Int(event.len)).prefix { $0 != 0 }
                offset += MemoryLayout<inotify_event>.size + Int(event.len)

                if event.mask & UInt32(IN_Q_OVERFLOW) != 0 || event.mask & UInt32(IN_DELETE_SELF) != 0 {
                    continuation.yield(.rescanNeeded)
                    continue
                }
                let name = String(decoding: nameBytes, as: UTF8.self)
                guard !name.isEmpty, !name.hasPrefix(".") else { continue }
                if let key = try? ObjectKey(validating: name) {
                    continuation.yield(.object(key))
                } else {
                    let gone = event.mask & UInt32(IN_DELETE | IN_MOVED_FROM) != 0
                    continuation.yield(.foreign(name: name, present: !gone))
                }
            }
        }
    }
}

/// Finds changes by listing the folder every so often, for when inotify is not available.
enum FolderPoller {
    static func changes(in bucket: LocalBucket, every interval: Duration) -> AsyncStream<BucketChange> {
        AsyncStream { continuation in
            let task = Task {
                var known: [ObjectKey: String] = [:]
                var knownForeign: Set<String> = []
                var first = true
                while !Task.isCancelled {
                    var seen: [ObjectKey: String] = [:]
                    var foreign: Set<String> = []
                    do {
                        try await bucket.list { page in
                            for object in page.objects { seen[object.key] = object.etag }
                            foreign.formUnion(page.foreignNames.map(\.name))
                        }
                    } catch {
                        continuation.yield(.rescanNeeded)
                    }
                    // The first listing is the baseline: the scan that follows `.watching` covers what is there.
                    if first {
                        continuation.yield(.watching)
                    } else {
                        for (key, etag) in seen where known[key] != etag { continuation.yield(.object(key)) }
                        for key in known.keys where seen[key] == nil { continuation.yield(.object(key)) }
                        for name in foreign.subtracting(knownForeign) { continuation.yield(.foreign(name: name, present: true)) }
                        for name in knownForeign.subtracting(foreign) { continuation.yield(.foreign(name: name, present: false)) }
                    }
                    known = seen
                    knownForeign = foreign
                    first = false
                    try? await Task.sleep(for: interval)
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
