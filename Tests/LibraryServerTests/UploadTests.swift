import Foundation
import HTTPTypes
import HummingbirdTesting
import LibraryModel
@testable import LibraryServer
import TestSupport
import Testing

@Suite("Uploading and ingesting bundles through the API")
struct UploadTests {
    @Test("the original order — JSON, then JPG, then MP3 — is pending until the MP3 lands")
    func originalOrder() async throws {
        let library = try await TestLibrary()
        let bundle = try BundleFixture(id: "starting-over", title: "Starting Over", artist: "Chris Stapleton", album: "Starting Over")
        try await library.live { client in
            let afterJSON = try await client.put("starting-over.json", bundle.json)
            #expect(afterJSON.status == .created)
            let receipt = try afterJSON.decode(UploadReceipt.self)
            #expect(receipt.bundle.state == .pending)
            #expect(receipt.bundle.reason == "waiting for starting-over.mp3")
            #expect(try await client.songs().isEmpty)

            try await client.put("starting-over.jpg", bundle.jpg)
            let afterMP3 = try await client.put("starting-over.mp3", bundle.mp3).decode(UploadReceipt.self)
            #expect(afterMP3.bundle.state == .ingested)
            #expect(afterMP3.bytes == bundle.mp3.count)

            let songs = try await client.songs()
            #expect(songs.count == 1)
            let song = try #require(songs.first)
            #expect(song.title == "Starting Over")
            #expect(song.artist == "Chris Stapleton")
            #expect(song.genre == "Country")
            #expect(song.year == 2020)
            #expect(song.file.hasSuffix("/media/starting-over.mp3"))
            #expect(song.image?.hasSuffix("/media/starting-over.jpg") == true)
            #expect(abs((song.duration ?? 0) - 1.0) < 0.05)

            let status = try await client.json("/status", as: LibraryStatus.self)
            #expect(status.problems.isEmpty)
        }
    }

    static let orders: [[BundlePart]] = [
        [.metadata, .cover, .audio], [.metadata, .audio, .cover], [.cover, .metadata, .audio],
        [.cover, .audio, .metadata], [.audio, .metadata, .cover], [.audio, .cover, .metadata],
    ]

    @Test("every upload order ends with one ingested song with its cover", arguments: orders)
    func everyOrder(order: [BundlePart]) async throws {
        let library = try await TestLibrary()
        let bundle = try BundleFixture(id: "ordered")
        try await library.live { client in
            for part in order {
                let response = try await client.put("ordered.\(part.fileExtension)", bundle.bytes(part))
                #expect(response.status == .created, "\(part): \(response.text)")
            }
            let songs = try await client.songs()
            #expect(songs.count == 1)
            #expect(songs.first?.image?.hasSuffix("/media/ordered.jpg") == true)
            let report = try await client.json("/bundles/ordered", as: BundleReport.self)
            #expect(report.state == .ingested)
            #expect(report.objects == ["ordered.jpg", "ordered.json", "ordered.mp3"])
        }
    }

    @Test("an MP3 that arrives before its JSON waits for it, and says so")
    func audioFirst() async throws {
        let library = try await TestLibrary()
        let bundle = try BundleFixture(id: "early")
        try await library.live { client in
            let receipt = try await client.put("early.mp3", bundle.mp3).decode(UploadReceipt.self)
            #expect(receipt.bundle.state == .pending)
            #expect(receipt.bundle.reason?.contains("waiting for early.json") == true)
        }
    }

    @Test("re-uploading a bundle updates its song in place: never a duplicate row")
    func reupload() async throws {
        let library = try await TestLibrary()
        let bundle = try BundleFixture(id: "again", title: "First Title")
        try await library.live { client in
            try await client.put("again.json", bundle.json)
            try await client.put("again.mp3", bundle.mp3)
            let replaced = try await client.put("again.json", Fixtures.bundleJSON(title: "Second Title", genre: 5))
            #expect(replaced.status == .ok)
            try await client.put("again.mp3", bundle.mp3)
            let songs = try await client.songs()
            #expect(songs.map(\.title) == ["Second Title"])
            #expect(songs.first?.genre == "Jazz")
            #expect(try await library.service.catalog.songCount() == 1)
        }
    }

    @Test("50 uploads, 8 bundles at a time, all land, each exactly once")
    func concurrentUploads() async throws {
        let library = try await TestLibrary()
        let mp3 = try Data(contentsOf: Fixtures.toneMP3(seconds: 0.5))
        try await library.live(.ahc(.http)) { client in
            // Eight at a time, as many as the client's pool has connections: the server sees the same
            // concurrency as with all 50 queued, and no request waits past the pool's 10-s timeout on a
            // loaded machine (which it did, once, in CI-like runs).
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    if index >= 8 { try await group.next() }
                    group.addTask {
                        let id = "bundle-\(index)"
                        let json = try await client.put("\(id).json", Fixtures.bundleJSON(title: "Concurrent \(index)"))
                        #expect(json.status == .created)
                        let audio = try await client.put("\(id).mp3", mp3)
                        #expect(audio.status == .created)
                    }
                }
                try await group.waitForAll()
            }
            let songs = try await client.songs()
            #expect(songs.count == 50)
            #expect(Set(songs.map(\.id)).count == 50)
            #expect(try await client.json("/status", as: LibraryStatus.self).problems.isEmpty)
        }
    }

    @Test("the same bundle uploaded by 10 clients at once is one song")
    func concurrentSameBundle() async throws {
        let library = try await TestLibrary()
        let bundle = try BundleFixture(id: "contended")
        try await library.live(.ahc(.http)) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        try await client.put("contended.json", bundle.json)
                        try await client.put("contended.mp3", bundle.mp3)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await client.songs().count == 1)
            #expect(try await library.service.catalog.songCount() == 1)
        }
    }

    @Test("a bundle copied into the bucket folder by hand appears within 2 s", arguments: [false, true])
    func droppedIn(polling: Bool) async throws {
        // A half-second scan: with the default 1 s, a file caught half-written by one scan is only
        // finished at the next, and two scans plus ingest overran 2 s on a loaded CI machine.
        let library = try await TestLibrary(watchMode: polling ? .polling(interval: .milliseconds(500)) : .automatic)
        let bundle = try BundleFixture(id: "dropped", title: "Dropped In")
        try await library.live { client in
            // Let the start-up scan finish, so only the watcher can find the new files.
            try await Task.sleep(for: .milliseconds(300))
            try bundle.mp3.write(to: library.bucketFolder.appendingPathComponent("dropped.mp3"))
            try bundle.json.write(to: library.bucketFolder.appendingPathComponent("dropped.json"))
            let appeared = try await client.eventually(within: 2) { try await client.songs().map(\.title) == ["Dropped In"] }
            #expect(appeared)

            try FileManager.default.removeItem(at: library.bucketFolder.appendingPathComponent("dropped.json"))
            let removed = try await client.eventually(within: 2) { try await client.songs().isEmpty }
            #expect(removed, "deleting the JSON from the bucket removes the song")
        }
    }

    @Test("a stray file in the bucket is reported, not silently ignored")
    func strayFile() async throws {
        let library = try await TestLibrary()
        try await library.live { client in
            try await Task.sleep(for: .milliseconds(300))
            try Data("x".utf8).write(to: library.bucketFolder.appendingPathComponent("My Song.mp3"))
            let reported = try await client.eventually(within: 2) {
                try await client.json("/status", as: LibraryStatus.self).problems.contains {
                    $0.bundle == "My Song.mp3" && $0.reason == #"ignored, not a bundle object: "My Song" contains " "; bundle ids use only letters, digits, '-', '_' and '.'"#
                }
            }
            #expect(reported)
        }
    }

    @Test("bundles already in the bucket are ingested when the service starts")
    func startupScan() async throws {
        let library = try await TestLibrary()
        let bundle = try BundleFixture(id: "before-start", title: "Was Here First")
        try bundle.json.write(to: library.bucketFolder.appendingPathComponent("before-start.json"))
        try bundle.mp3.write(to: library.bucketFolder.appendingPathComponent("before-start.mp3"))
        try await library.live { client in
            let ingested = try await client.eventually(within: 2) { try await client.songs().map(\.title) == ["Was Here First"] }
            #expect(ingested)
        }
    }

    @Test("DELETE removes a bundle's objects and its song")
    func delete() async throws {
        let library = try await TestLibrary()
        let bundle = try BundleFixture(id: "doomed")
        try await library.live { client in
            try await client.put("doomed.json", bundle.json)
            try await client.put("doomed.mp3", bundle.mp3)
            let response = try await client.executeRequest(
                uri: "/bundles/doomed", method: .delete, headers: [.authorization: "Bearer \(TestLibrary.token)"], body: nil)
            #expect(response.status == .ok)
            #expect(try response.decode(BundleReport.self).state == .absent)
            #expect(try await client.songs().isEmpty)
            #expect(try await client.get("/media/doomed.mp3").status == .notFound)
            #expect(try await client.executeRequest(uri: "/bundles/doomed", method: .delete, headers: [.authorization: "Bearer \(TestLibrary.token)"], body: nil).status == .notFound)
        }
    }
}
