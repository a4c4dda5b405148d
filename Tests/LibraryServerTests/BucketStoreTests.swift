import AWSClients
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LibraryModel
@testable import LibraryServer
import NIOCore
import SystemPackage
import TestSupport
import Testing

/// Every bucket implementation, fresh and empty: the local folder always, S3 when the test services run
/// (`make test` always starts them; a bucket per test on the moto server).
enum BucketImplementations {
    static var all: [String] { TestServices.awsEndpoint == nil ? ["local folder"] : ["local folder", "S3"] }

    static func make(_ name: String, prefix: String = "library/") async throws -> (bucket: any BucketStore, staging: FilePath) {
        let folder = try Fixtures.temporaryDirectory("bucket")
        let staging = FilePath(folder.appendingPathComponent("staging").path)
        switch name {
        case "local folder":
            return (try LocalBucket(root: FilePath(folder.appendingPathComponent("bucket").path), staging: staging), staging)
        case "S3":
            let client = try S3Client(bucket: TestServices.uniqueName("bucket"), configuration: try s3Configuration())
            try await client.createBucket()
            return (try S3Bucket(client: client, prefix: prefix, staging: staging), staging)
        default:
            throw Fixtures.FixtureError.missing("bucket implementation \(name)")
        }
    }

    static func s3Configuration() throws -> AWSConfiguration {
        guard let endpoint = TestServices.awsEndpoint else { throw Fixtures.FixtureError.missing(TestServices.missingAWS) }
        return try AWSConfiguration(environment: TestServices.awsEnvironment(endpoint: endpoint), service: "s3")
    }
}

@Suite("Bucket stores")
struct BucketStoreTests {
    /// Writes `bytes` to a staged file and stores it as `name`.
    @discardableResult
    static func put(_ bytes: [UInt8], as name: String, in bucket: any BucketStore, staging: FilePath) async throws -> ObjectInfo {
        let staged = staging.appending("upload-\(UUID().uuidString)")
        try Data(bytes).write(to: URL(fileURLWithPath: staged.string))
        return try await bucket.store(try ObjectKey(validating: name), fromStagedFile: staged)
    }

    @Test("a stored object is described, listed, read whole and in ranges, then deleted", arguments: BucketImplementations.all)
    func roundTrip(implementation: String) async throws {
        let (bucket, staging) = try await BucketImplementations.make(implementation)
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let key = try ObjectKey(validating: "night-drive.mp3")
        let stored = try await Self.put(bytes, as: key.name, in: bucket, staging: staging)
        #expect(stored.size == bytes.count)
        #expect(try FileManager.default.contentsOfDirectory(atPath: staging.string).isEmpty, "the staged file is consumed")

        let info = try #require(try await bucket.info(key))
        #expect(info.size == bytes.count)
        #expect(info.etag == stored.etag)
        #expect(try await bucket.contents(of: key, limit: 1 << 20) == bytes)

        var ranged: [UInt8] = []
        try await bucket.read(key, range: 1000...70_999) { ranged += Array($0.readableBytesView) }
        #expect(ranged == Array(bytes[1000...70_999]))
        var whole: [UInt8] = []
        try await bucket.read(key, range: nil) { whole += Array($0.readableBytesView) }
        #expect(whole == bytes)

        let sizeSeenInFile = try await bucket.withLocalFile(key) { path in
            (try? FileManager.default.attributesOfItem(atPath: path.string)[.size] as? Int) ?? -1
        }
        #expect(sizeSeenInFile == bytes.count)

        try await bucket.delete(key)
        #expect(try await bucket.info(key) == nil)
        await #expect(throws: BucketError.self) { try await bucket.contents(of: key, limit: 100) }
    }

    @Test("a bundle's parts are found together; other bundles sharing a prefix are not mixed in", arguments: BucketImplementations.all)
    func bundleParts(implementation: String) async throws {
        let (bucket, staging) = try await BucketImplementations.make(implementation)
        for name in ["song.json", "song.mp3", "song.jpg", "song-two.json", "songs.mp3"] {
            try await Self.put(Array(name.utf8), as: name, in: bucket, staging: staging)
        }
        let parts = try await bucket.objects(of: try BundleID(validating: "song"))
        #expect(Set(parts.keys) == [.metadata, .audio, .cover])
        #expect(parts[.audio]?.size == "song.mp3".utf8.count)
        #expect(try await bucket.objects(of: try BundleID(validating: "absent")).isEmpty)
    }

    @Test("listing visits every object across pages and reports names that are not bundle objects", arguments: BucketImplementations.all)
    func listing(implementation: String) async throws {
        let (bucket, staging) = try await BucketImplementations.make(implementation)
        let names = (0..<25).map { "bundle-\($0).json" }
        for name in names { try await Self.put([1, 2, 3], as: name, in: bucket, staging: staging) }
        var listed: [String] = []
        try await bucket.list { page in listed += page.objects.map(\.key.name) }
        #expect(listed.sorted() == names.sorted())
    }

    @Test("an object larger than the limit is refused with its size, and a missing one is not found", arguments: BucketImplementations.all)
    func limits(implementation: String) async throws {
        let (bucket, staging) = try await BucketImplementations.make(implementation)
        try await Self.put(Array(repeating: 7, count: 5000), as: "big.json", in: bucket, staging: staging)
        do {
            _ = try await bucket.contents(of: try ObjectKey(validating: "big.json"), limit: 100)
            Issue.record("a 5000-byte object was read with a 100-byte limit")
        } catch BucketError.tooLarge(_, let size, let limit) {
            #expect(size == 5000 && limit == 100)
        }
        do {
            _ = try await bucket.contents(of: try ObjectKey(validating: "missing.json"), limit: 100)
            Issue.record("a missing object was read")
        } catch BucketError.notFound(let key) {
            #expect(key.name == "missing.json")
        }
    }
}

@Suite("S3 bucket", .enabled(if: TestServices.awsEndpoint != nil, Comment(rawValue: TestServices.missingAWS)))
struct S3BucketTests {
    @Test("objects live under the prefix; objects outside it, in sub-folders, or with foreign names are kept apart")
    func prefixes() async throws {
        let client = try S3Client(bucket: TestServices.uniqueName("prefixes"), configuration: try BucketImplementations.s3Configuration())
        try await client.createBucket()
        let folder = try Fixtures.temporaryDirectory("s3")
        let bucket = try S3Bucket(client: client, prefix: "music", staging: FilePath(folder.path))
        try await BucketStoreTests.put([1], as: "inside.json", in: bucket, staging: FilePath(folder.path))
        try await client.put("outside.json", body: ByteBuffer(string: "{}"), contentType: "application/json")
        try await client.put("music/covers/extra.jpg", body: ByteBuffer(string: "x"), contentType: "image/jpeg")
        try await client.put("music/My Song.MP3", body: ByteBuffer(string: "x"), contentType: "audio/mpeg")

        #expect(try await client.head("music/inside.json") != nil, "stored under the prefix, which gained its slash")
        var objects: [String] = []
        var foreign: [String] = []
        try await bucket.list { page in
            objects += page.objects.map(\.key.name)
            foreign += page.foreignNames.map(\.name)
        }
        #expect(objects == ["inside.json"])
        #expect(foreign == ["My Song.MP3"])
    }

    @Test("a presigned URL fetches a private object without credentials; a plain URL only once the object is public")
    func directURLs() async throws {
        let configuration = try BucketImplementations.s3Configuration()
        let client = try S3Client(bucket: TestServices.uniqueName("urls"), configuration: configuration)
        try await client.createBucket()
        try await client.put("lib/tune.mp3", body: ByteBuffer(string: "ID3 bytes"), contentType: "audio/mpeg")
        let bucket = try S3Bucket(client: client, prefix: "lib/", staging: FilePath(try Fixtures.temporaryDirectory("s3").path))

        func fetch(_ url: String) async throws -> (status: Int, body: String) {
            let (data, response) = try await URLSession.shared.data(from: try #require(URL(string: url)))
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }
        let presigned = try #require(bucket.directURL(forKeyNamed: "tune.mp3", expires: 600))
        #expect(presigned.contains("X-Amz-Expires=600") && presigned.contains("X-Amz-Signature="))
        #expect(try await fetch(presigned) == (200, "ID3 bytes"))

        let plain = try #require(bucket.directURL(forKeyNamed: "tune.mp3", expires: nil))
        #expect(plain.hasSuffix("/lib/tune.mp3") && !plain.contains("?"))
        #expect(try await fetch(plain).status == 403, "the object is private so far")
        // What `--media public` expects of the bucket's owner: objects anyone may read.
        let endpoint = try #require(configuration.endpoint)
        let signed = SignedHTTPClient(configuration: configuration, service: "s3")
        _ = try await signed.send(
            SignedHTTPClient.Request(.PUT, endpoint, path: "/\(client.bucket)/lib/tune.mp3", query: [("acl", "")], headers: [("x-amz-acl", "public-read")]),
            operation: "make public")
        #expect(try await fetch(plain) == (200, "ID3 bytes"))
    }

    /// The process's peak resident memory in MiB since the last `resetPeakMemory()`.
    static func peakMemory() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
        return try #require(Int(line.split(separator: " ").dropFirst().first ?? "")) / 1024
    }

    /// Starts `peakMemory()` over from what is resident now (writing 5 to clear_refs resets VmHWM).
    static func resetPeakMemory() throws {
        try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    @Test("a 128 MiB upload and its download stream through S3, never holding the file in memory", .enabled(if: TestServices.awsEndpoint != nil))
    func streamed() async throws {
        let (bucket, staging) = try await BucketImplementations.make("S3")
        let staged = staging.appending("upload-large")
        let size = 128 << 20
        let pattern = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 11) }
        #expect(FileManager.default.createFile(atPath: staged.string, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: staged.string))
        for _ in 0..<(size >> 20) { handle.write(Data(pattern)) }
        try handle.close()
        let key = try ObjectKey(validating: "long-mix.mp3")

        try Self.resetPeakMemory()
        let before = try Self.peakMemory()
        let stored = try await bucket.store(key, fromStagedFile: staged)
        let upload = try Self.peakMemory() - before
        #expect(stored.size == size)
        // Read whole, the file was in memory three times over (the bytes, the buffer, the copy hashed): 384
        // MiB. Streamed, the peak moves by what the client and allocator keep (up to 51 MiB seen), never by
        // the file itself.
        #expect(upload < size >> 20, "the upload raised the peak by \(upload) MiB")

        try Self.resetPeakMemory()
        let reset = try Self.peakMemory()
        let sample = try await bucket.withLocalFile(key) { path -> [UInt8]? in
            guard let file = FileHandle(forReadingAtPath: path.string) else { return nil }
            defer { try? file.close() }
            try? file.seek(toOffset: UInt64(size - (1 << 20)))
            return Array(file.readData(ofLength: 1 << 20))
        }
        #expect(try Self.peakMemory() - reset < size >> 20)
        #expect(sample == pattern, "the last MiB downloaded is the last MiB uploaded")
        try await bucket.delete(key)
    }

    @Test("a server that is not there fails quickly with the operation named")
    func unreachable() async throws {
        let configuration = try AWSConfiguration(environment: TestServices.awsEnvironment(endpoint: "http://127.0.0.1:9"), service: "s3")
        let client = try S3Client(bucket: "music", configuration: configuration)
        let started = ContinuousClock.now
        do {
            _ = try await client.head("x.json")
            Issue.record("a HEAD to a closed port succeeded")
        } catch {
            #expect("\(error)".contains("HEAD s3://music/x.json"))
            guard case .transport = error else { Issue.record("expected a transport error, got \(error)"); return }
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("a bucket that does not exist is reported with S3's own error code")
    func missingBucket() async throws {
        let client = try S3Client(bucket: TestServices.uniqueName("never-made"), configuration: try BucketImplementations.s3Configuration())
        await #expect { _ = try await client.list(prefix: "") } throws: { error in
            (error as? AWSError)?.code == "NoSuchBucket"
        }
    }
}
