public import AWSClients
public import Foundation
public import LibraryModel
public import NIOCore
public import SystemPackage

/// What a bucket knows about one stored object.
public struct ObjectInfo: Hashable, Sendable {
    public var key: ObjectKey
    public var size: Int
    /// Changes whenever the object's bytes may have changed; quoted as an HTTP entity tag.
    public var etag: String
    public var lastModified: Date

    public init(key: ObjectKey, size: Int, etag: String, lastModified: Date) {
        self.key = key
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// One page of a bucket listing. Names that are not bundle objects are reported, not dropped, so status
/// can tell a person why their "My Song.mp3" was not picked up.
public struct BucketListingPage: Sendable {
    public var objects: [ObjectInfo]
    public var foreignNames: [(name: String, reason: KeyError)]

    public init(objects: [ObjectInfo] = [], foreignNames: [(name: String, reason: KeyError)] = []) {
        self.objects = objects
        self.foreignNames = foreignNames
    }
}

/// Where bundles are stored: a local folder by default, S3 when scaled out.
///
/// Implementations are safe to call from any task. Every method that takes a key only ever touches that
/// key's object: keys are validated `ObjectKey`s, which cannot name anything outside the bucket.
public protocol BucketStore: Sendable {
    /// For people: "folder /home/me/.local/share/termplayer/bucket".
    var description: String { get }

    /// What the store's object names start with in the underlying bucket ("library/"), as S3 event
    /// notifications name them; "" when the store is the whole bucket.
    var keyPrefix: String { get }

    func info(_ key: ObjectKey) async throws(BucketError) -> ObjectInfo?

    /// The objects present for one bundle, by part.
    func objects(of bundle: BundleID) async throws(BucketError) -> [BundlePart: ObjectInfo]

    /// Visits every object, a page at a time, in no particular order.
    func list(_ visit: (BucketListingPage) async throws -> Void) async throws(BucketError)

    /// The whole object, for small objects such as a bundle's JSON. Larger than `limit` is an error.
    func contents(of key: ObjectKey, limit: Int) async throws(BucketError) -> [UInt8]

    /// Streams `range` of the object (the whole object when nil) to `write`, a chunk at a time.
    func read(
        _ key: ObjectKey,
        range: ClosedRange<Int>?,
        into write: (ByteBuffer) async throws -> Void
    ) async throws(BucketError)

    /// Runs `body` on a thread of the store's with a local file holding the object, for libraries that read
    /// files (libmpg123). `body` reports its own failures in its result.
    func withLocalFile<Result: Sendable>(
        _ key: ObjectKey,
        _ body: @escaping @Sendable (FilePath) -> Result
    ) async throws(BucketError) -> Result

    /// Stores the staged file as `key`, replacing any object there; the staged file is consumed.
    func store(_ key: ObjectKey, fromStagedFile staged: FilePath) async throws(BucketError) -> ObjectInfo

    func delete(_ key: ObjectKey) async throws(BucketError)

    /// A URL clients can fetch the object from without this service, valid for `expires` seconds (nil: for
    /// good), or nil when the store has no such URLs (a local folder is reached through `/media/`). Takes
    /// the key's name as the catalog stores it (validated when written), so a listing validates nothing.
    func directURL(forKeyNamed name: String, expires: Int?) -> String?

    /// Objects that appeared, changed or vanished without going through `store` (a file copied in by hand),
    /// or nil when the store cannot see such changes and relies on notifications instead (S3 → SQS).
    func externalChanges() -> AsyncStream<BucketChange>?
}

extension BucketStore {
    public var keyPrefix: String { "" }

    /// The bundle object an event notification's full key names. Keys outside the prefix belong to someone
    /// else's part of a shared bucket; keys inside it that are no bundle object's cannot be ingested.
    public func objectKey(notified name: String) -> NotifiedKey {
        guard name.hasPrefix(keyPrefix) else { return .outsidePrefix }
        do {
            return .object(try ObjectKey(validating: String(name.dropFirst(keyPrefix.count))))
        } catch {
            return .notABundleObject(error)
        }
    }
}

/// What a notified key is to a bucket store.
public enum NotifiedKey: Sendable {
    case object(ObjectKey)
    case outsidePrefix
    case notABundleObject(KeyError)
}

/// An object key whose object may have changed outside the service's own writes.
public enum BucketChange: Hashable, Sendable {
    /// The watcher is armed: every change from here on is reported. A scan that must not miss a change
    /// starts after this, so a file landing between the scan and the watch cannot go unseen.
    case watching
    case object(ObjectKey)
    /// A file that is not a bundle object appeared (`present`) or went away.
    case foreign(name: String, present: Bool)
    /// Changes were lost (an inotify queue overflow): everything must be looked at again.
    case rescanNeeded
}

/// Why a bucket operation failed.
public enum BucketError: Error, Sendable, CustomStringConvertible {
    case notFound(ObjectKey)
    case tooLarge(ObjectKey, size: Int, limit: Int)
    /// A system call failed on a path.
    case io(SystemCallError)
    /// Anything else the storage layer threw, with its own description.
    case storage(operation: String, key: String, underlying: String)
    /// S3 (or an S3-compatible server) refused or did not answer; the error names the operation.
    case s3(AWSError)

    public var description: String {
        switch self {
        case .notFound(let key): "\(key) is not in the bucket"
        case .tooLarge(let key, let size, let limit): "\(key) is \(size) bytes; at most \(limit) are read"
        case .io(let error): error.description
        case .storage(let operation, let key, let underlying): "\(operation) \(key): \(underlying)"
        case .s3(let error): error.description
        }
    }
}
