public import AWSClients
import Foundation
import _NIOFileSystem
public import LibraryModel
public import NIOCore
public import NIOPosix
public import SystemPackage

/// A bucket in S3 or an S3-compatible store: object `<key>` is `s3://<bucket>/<prefix><key>`.
///
/// Holds nothing locally but files in flight, so any number of service replicas can share one. S3 cannot
/// tell a service about objects written behind its back; its event notifications (through SQS, or POSTed
/// to `/events/s3`) do that instead.
public struct S3Bucket: BucketStore {
    let client: S3Client
    /// Prepended to every key: "library/" keeps the bundles in one folder of a shared bucket.
    let prefix: String
    public var keyPrefix: String { prefix }
    /// Where objects are downloaded for libraries that read files, and uploads are staged.
    let staging: FilePath
    private let threadPool: NIOThreadPool

    public init(client: S3Client, prefix: String, staging: FilePath, threadPool: NIOThreadPool = .singleton) throws(BucketError) {
        self.client = client
        self.prefix = prefix.isEmpty || prefix.hasSuffix("/") ? prefix : prefix + "/"
        self.staging = staging
        self.threadPool = threadPool
        do throws(SystemCallError) {
            try LocalFiles.makeDirectory(staging)
        } catch {
            throw .io(error)
        }
    }

    public var description: String {
        prefix.isEmpty ? client.description : "\(client.description), under \(prefix)"
    }

    private func objectName(_ key: ObjectKey) -> String { prefix + key.name }

    public func info(_ key: ObjectKey) async throws(BucketError) -> ObjectInfo? {
        do {
            return try await client.head(objectName(key)).map { ObjectInfo(key: key, $0) }
        } catch {
            throw .s3(error)
        }
    }

    /// One listing of the bundle's id followed by a dot finds every part in a single request.
    public func objects(of bundle: BundleID) async throws(BucketError) -> [BundlePart: ObjectInfo] {
        let page: S3Client.ListingPage
        do {
            page = try await client.list(prefix: prefix + bundle.rawValue + ".", maxKeys: 100)
        } catch {
            throw .s3(error)
        }
        var found: [BundlePart: ObjectInfo] = [:]
        for object in page.objects {
            guard let key = try? ObjectKey(validating: String(object.key.dropFirst(prefix.count))), key.bundle == bundle else { continue }
            found[key.part] = ObjectInfo(key: key, object)
        }
        return found
    }

    public func list(_ visit: (BucketListingPage) async throws -> Void) async throws(BucketError) {
        var token: String?
        repeat {
            let listing: S3Client.ListingPage
            do {
                listing = try await client.list(prefix: prefix, after: token)
            } catch {
                throw .s3(error)
            }
            var page = BucketListingPage()
            for object in listing.objects {
                let name = String(object.key.dropFirst(prefix.count))
                // A folder marker ("x/") or anything under a sub-folder is not ours to judge.
                if name.isEmpty || name.contains("/") { continue }
                do {
                    page.objects.append(ObjectInfo(key: try ObjectKey(validating: name), object))
                } catch {
                    page.foreignNames.append((name, error))
                }
            }
            do {
                try await visit(page)
            } catch let error as BucketError {
                throw error
            } catch {
                throw .storage(operation: "list", key: client.description, underlying: "\(error)")
            }
            token = listing.continuationToken
        } while token != nil
    }

    public func contents(of key: ObjectKey, limit: Int) async throws(BucketError) -> [UInt8] {
        let contents: S3Client.Contents
        do {
            contents = try await client.contents(of: objectName(key), limit: limit)
        } catch {
            throw .s3(error)
        }
        switch contents {
        case .missing: throw .notFound(key)
        case .tooLarge(let size): throw .tooLarge(key, size: size, limit: limit)
        case .bytes(let buffer): return Array(buffer.readableBytesView)
        }
    }

    public func read(
        _ key: ObjectKey,
        range: ClosedRange<Int>?,
        into write: (ByteBuffer) async throws -> Void
    ) async throws(BucketError) {
        let found: Bool
        do {
            found = try await client.read(objectName(key), range: range, into: write)
        } catch let error as AWSError {
            throw .s3(error)
        } catch {
            throw .storage(operation: "read", key: objectName(key), underlying: "\(error)")
        }
        if !found { throw .notFound(key) }
    }

    /// Downloads the object into the staging folder, runs `body` on the thread pool, then removes the copy.
    public func withLocalFile<Result: Sendable>(
        _ key: ObjectKey,
        _ body: @escaping @Sendable (FilePath) -> Result
    ) async throws(BucketError) -> Result {
        let copy = staging.appending("s3-\(UUID().uuidString)-\(key.name)")
        defer { _ = unlink(copy.string) }
        do {
            // Written from the thread pool, chunk by chunk as it arrives: a blocking write here would hold
            // one of Swift concurrency's few threads for as long as the disk takes.
            let (client, name) = (client, objectName(key))
            let found = try await FileSystem(threadPool: threadPool).withFileHandle(
                forWritingAt: copy, options: .newFile(replaceExisting: true, permissions: [.ownerReadWrite])
            ) { file in
                var offset: Int64 = 0
                return try await client.read(name) { chunk in
                    try await file.write(contentsOf: chunk, toAbsoluteOffset: offset)
                    offset += Int64(chunk.readableBytes)
                }
            }
            guard found else { throw BucketError.notFound(key) }
            return try await threadPool.runIfActive { body(copy) }
        } catch let error as BucketError {
            throw error
        } catch let error as AWSError {
            throw .s3(error)
        } catch {
            throw .storage(operation: "download", key: objectName(key), underlying: "\(error)")
        }
    }

    /// Sends the staged file as it is read from the thread pool: an upload (up to 2 GiB) is never in
    /// memory whole.
    public func store(_ key: ObjectKey, fromStagedFile staged: FilePath) async throws(BucketError) -> ObjectInfo {
        defer { _ = unlink(staged.string) }
        let (client, name) = (client, objectName(key))
        do {
            let stored = try await FileSystem(threadPool: threadPool).withFileHandle(forReadingAt: staged) { file in
                let size = try await file.info().size
                return try await client.put(
                    name, streaming: file.readChunks(in: 0..<size, chunkLength: .mebibytes(1)), size: Int(size), contentType: key.part.contentType)
            }
            return ObjectInfo(key: key, stored)
        } catch let error as AWSError {
            throw .s3(error)
        } catch {
            throw .storage(operation: "read staged upload", key: staged.string, underlying: "\(error)")
        }
    }

    public func delete(_ key: ObjectKey) async throws(BucketError) {
        do {
            try await client.delete(objectName(key))
        } catch {
            throw .s3(error)
        }
    }

    public func directURL(forKeyNamed name: String, expires: Int?) -> String? {
        if let expires { client.presignedURL(for: prefix + name, expires: expires) } else { client.publicURL(for: prefix + name) }
    }

    /// S3 reports changes through event notifications, not to a watcher.
    public func externalChanges() -> AsyncStream<BucketChange>? { nil }
}

extension ObjectInfo {
    init(key: ObjectKey, _ object: S3Client.Object) {
        self.init(key: key, size: object.size, etag: object.etag, lastModified: object.lastModified)
    }
}
