public import LibraryModel
public import NIOCore
public import NIOPosix
import _NIOFileSystem
import Foundation
public import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// A bucket that is a folder: object `<key>` is the file `<root>/<key>`.
///
/// Writes arrive as staged files on the same file system and are renamed into place, so a reader never
/// sees half an object. Files copied in by hand are noticed through `externalChanges()`.
public struct LocalBucket: BucketStore {
    public let root: FilePath
    /// Where uploads are written before they are validated and renamed into the bucket.
    public let staging: FilePath
    let watchMode: WatchMode
    private let threadPool: NIOThreadPool

    public enum WatchMode: Sendable {
        /// inotify, falling back to polling when the kernel or file system refuses it.
        case automatic
        /// Poll the folder every `interval`.
        case polling(interval: Duration)
    }

    public init(root: FilePath, staging: FilePath, watchMode: WatchMode = .automatic, threadPool: NIOThreadPool = .singleton) throws(BucketError) {
        self.root = root
        self.staging = staging
        self.watchMode = watchMode
        self.threadPool = threadPool
        do throws(SystemCallError) {
            try LocalFiles.makeDirectory(root)
            try LocalFiles.makeDirectory(staging)
        } catch {
            throw .io(error)
        }
    }

    public var description: String { "folder \(root)" }

    func path(of key: ObjectKey) -> FilePath { root.appending(key.name) }

    public func info(_ key: ObjectKey) async throws(BucketError) -> ObjectInfo? {
        try await onPool { () throws(BucketError) in try self.statObject(key) }
    }

    public func objects(of bundle: BundleID) async throws(BucketError) -> [BundlePart: ObjectInfo] {
        try await onPool { () throws(BucketError) in
            var found: [BundlePart: ObjectInfo] = [:]
            for part in BundlePart.allCases {
                if let info = try self.statObject(ObjectKey(bundle: bundle, part: part)) { found[part] = info }
            }
            return found
        }
    }

    public func list(_ visit: (BucketListingPage) async throws -> Void) async throws(BucketError) {
        let reader = try await onPool { () throws(BucketError) in
            do throws(SystemCallError) { return try DirectoryReader(root) } catch { throw .io(error) }
        }
        defer { reader.close() }
        while true {
            let page = try await onPool { () throws(BucketError) -> BucketListingPage? in
                try self.nextPage(from: reader, size: 1000)
            }
            guard let page else { return }
            do {
                try await visit(page)
            } catch let error as BucketError {
                throw error
            } catch {
                throw .storage(operation: "list", key: root.string, underlying: "\(error)")
            }
        }
    }

    public func contents(of key: ObjectKey, limit: Int) async throws(BucketError) -> [UInt8] {
        try await onPool { () throws(BucketError) in
            let path = self.path(of: key)
            do throws(LocalFiles.ReadError) {
                return try LocalFiles.readWholeFile(path, limit: limit)
            } catch {
                switch error {
                case .fileTooLarge(let size): throw .tooLarge(key, size: size, limit: limit)
                case .system(let error) where error.errno == ENOENT: throw .notFound(key)
                case .system(let error): throw .io(error)
                }
            }
        }
    }

    public func read(
        _ key: ObjectKey,
        range: ClosedRange<Int>?,
        into write: (ByteBuffer) async throws -> Void
    ) async throws(BucketError) {
        let path = path(of: key)
        do {
            try await FileSystem(threadPool: threadPool).withFileHandle(forReadingAt: path) { handle in
                let span: ClosedRange<Int64>
                if let range {
                    span = Int64(range.lowerBound)...Int64(range.upperBound)
                } else {
                    let size = try await handle.info().size
                    guard size > 0 else { return }
                    span = 0...(size - 1)
                }
                for try await chunk in handle.readChunks(in: span, chunkLength: .kibibytes(64)) {
                    try await write(chunk)
                }
            }
        } catch let error as FileSystemError where error.code == .notFound {
            throw .notFound(key)
        } catch {
            throw .storage(operation: "read", key: key.name, underlying: "\(error)")
        }
    }

    public func withLocalFile<Result: Sendable>(
        _ key: ObjectKey,
        _ body: @escaping @Sendable (FilePath) -> Result
    ) async throws(BucketError) -> Result {
        let path = path(of: key)
        return try await onPool { () throws(BucketError) in body(path) }
    }

    public func store(_ key: ObjectKey, fromStagedFile staged: FilePath) async throws(BucketError) -> ObjectInfo {
        try await onPool { () throws(BucketError) in
            let destination = self.path(of: key)
            do throws(SystemCallError) {
                try SystemCall.run("rename", staged.string) { rename(staged.string, destination.string) }
            } catch {
                throw .io(error)
            }
            guard let info = try self.statObject(key) else { throw .notFound(key) }
            return info
        }
    }

    public func delete(_ key: ObjectKey) async throws(BucketError) {
        try await onPool { () throws(BucketError) in
            let path = self.path(of: key)
            do throws(SystemCallError) {
                try SystemCall.run("unlink", path.string) { unlink(path.string) }
            } catch where error.errno == ENOENT {
                return
            } catch {
                throw .io(error)
            }
        }
    }

    public func directURL(forKeyNamed name: String, expires: Int?) -> String? { nil }

    public func externalChanges() -> AsyncStream<BucketChange>? {
        switch watchMode {
        case .automatic:
            if let stream = InotifyWatcher.changes(in: root) { return stream }
            return FolderPoller.changes(in: self, every: .seconds(1))
        case .polling(let interval):
            return FolderPoller.changes(in: self, every: interval)
        }
    }

    // MARK: Blocking helpers, run on the thread pool

    private func onPool<Result: Sendable>(
        _ body: @escaping @Sendable () throws(BucketError) -> Result
    ) async throws(BucketError) -> Result {
        do {
            return try await threadPool.runIfActive { try body() }
        } catch let error as BucketError {
            throw error
        } catch {
            throw .storage(operation: "thread pool", key: root.string, underlying: "\(error)")
        }
    }

    func statObject(_ key: ObjectKey) throws(BucketError) -> ObjectInfo? {
        do throws(SystemCallError) {
            guard let status = try LocalFiles.status(of: path(of: key)) else { return nil }
            return ObjectInfo(key: key, status: status)
        } catch {
            throw .io(error)
        }
    }

    private func nextPage(from reader: DirectoryReader, size: Int) throws(BucketError) -> BucketListingPage? {
        var page = BucketListingPage()
        var sawAny = false
        while page.objects.count + page.foreignNames.count < size, let name = reader.next() {
            sawAny = true
            // Hidden files are editors' and tools' business (.DS_Store, .x.swp), never bundle objects.
            if name.hasPrefix(".") { continue }
            do {
                let key = try ObjectKey(validating: name)
                if let info = try statObject(key) { page.objects.append(info) }
            } catch let error as KeyError {
                page.foreignNames.append((name, error))
            } catch let error as BucketError {
                throw error
            } catch {
                throw .storage(operation: "list", key: name, underlying: "\(error)")
            }
        }
        return sawAny ? page : nil
    }
}

extension ObjectInfo {
    init(key: ObjectKey, status: LocalFiles.Status) {
        self.init(
            key: key,
            size: status.size,
            // Size, modification time and inode change whenever the file is rewritten or replaced.
            etag: "\(String(status.size, radix: 16))-\(String(status.modifiedNanoseconds, radix: 16))-\(String(status.inode, radix: 16))",
            lastModified: Date(timeIntervalSince1970: Double(status.modifiedNanoseconds) / 1e9)
        )
    }
}
