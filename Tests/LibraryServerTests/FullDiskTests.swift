import Foundation
import HummingbirdTesting
import LibraryModel
@testable import LibraryServer
import TestSupport
import Testing

/// A library on a small tmpfs (the tests run as root, as `make test`'s installs do): the disk fills for real.
@Suite("A full disk")
struct FullDiskTests {
    @Test("an upload the disk cannot hold is refused with 507 and a reason; nothing of it is kept; the next that fits lands")
    func uploadOnAFullDisk() async throws {
        let folder = try Fixtures.temporaryDirectory("full-disk")
        try Fixtures.run("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", folder.path])
        defer { _ = try? Fixtures.runAllowingFailure("umount", ["-l", folder.path]) }

        let library = try await TestLibrary(folder: folder)
        let first = try BundleFixture(id: "fits")
        let later = try BundleFixture(id: "fits-later", frequency: 660)
        try await library.live { client in
            for part in [BundlePart.metadata, .cover, .audio] { try await client.put("fits.\(part.fileExtension)", first.bytes(part)) }
            #expect(try await client.songs().map(\.id) == ["fits"])

            try await client.put("too-big.json", first.json)
            let refused = try await client.put("too-big.mp3", [UInt8](repeating: 0xFF, count: 3 << 20))
            #expect(refused.status.code == 507, "\(refused.status): \(refused.text)")
            #expect(refused.errorMessage?.contains("no room on the service's disk for too-big.mp3") == true, "\(refused.text)")
            #expect(refused.errorMessage?.contains("nothing of it was kept") == true)

            // Nothing half-written: not in the bucket, not staged, not listed.
            #expect(!FileManager.default.fileExists(atPath: library.bucketFolder.appendingPathComponent("too-big.mp3").path))
            let staged = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("tmp").path)
            #expect(staged.isEmpty, "\(staged)")
            #expect(try await client.songs().map(\.id) == ["fits"])
            let report = try await client.json("/bundles/too-big", as: BundleReport.self)
            #expect(report.objects == ["too-big.json"])

            // The room the refused upload took is free again.
            for part in [BundlePart.metadata, .cover, .audio] {
                let response = try await client.put("fits-later.\(part.fileExtension)", later.bytes(part))
                #expect(response.status == .created, "\(response.text)")
            }
            #expect(try await client.songs().map(\.id).sorted() == ["fits", "fits-later"])
        }
    }
}
