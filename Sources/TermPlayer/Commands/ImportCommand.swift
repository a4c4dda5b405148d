import APIClient
import ArgumentParser
import Foundation
import LibraryModel
import MPEGAudio
import SystemPackage

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Make bundles from ordinary MP3s (ID3 tags, embedded cover) and upload them.",
        discussion: """
            Every .mp3 under the folder becomes a bundle named after its artist and title. The JSON comes from \
            the ID3 tags (the file name when there is no title tag) and the cover from the embedded picture. \
            Importing the same files again updates the same bundles.
            """
    )

    @OptionGroup var service: ServiceLocation

    @Flag(name: .customLong("dry-run"), help: "Show the bundles that would be made, without uploading.")
    var dryRun = false

    @Argument(help: ArgumentHelp("A folder of MP3s (searched recursively).", valueName: "folder"))
    var folder: String

    func run() async throws {
        let files = Self.findMP3s(in: folder)
        guard !files.isEmpty else { throw CommandFailure(message: "no .mp3 files in \(folder)") }
        var bundles: [(id: BundleID, parts: [BundleUploader.Part])] = []
        var usedIDs = Set<BundleID>()
        var skipped = 0
        for path in files {
            let probe = await BlockingWork.run {
                Result { () throws(MPEGAudioError) in try MP3Probe.probe(fileAt: FilePath(path), includePictures: true) }
            }
            let info: MP3Info
            switch probe {
            case .success(let value): info = value
            case .failure(let error):
                Terminal.error("skipping \(path): \(error)")
                skipped += 1
                continue
            }
            let bundle = Self.bundle(for: path, tags: info.tags, avoiding: usedIDs)
            usedIDs.insert(bundle.id)
            if dryRun {
                print("\(bundle.id)  \(String(decoding: bundle.metadata.jsonDocument(), as: UTF8.self))  \(bundle.cover == nil ? "" : "+cover")")
            }
            var parts = [BundleUploader.Part(key: ObjectKey(bundle: bundle.id, part: .metadata), source: .bytes(Array(bundle.metadata.jsonDocument())))]
            if let cover = bundle.cover {
                parts.append(BundleUploader.Part(key: ObjectKey(bundle: bundle.id, part: cover.format == .png ? .pngCover : .cover), source: .bytes(cover.bytes)))
            }
            parts.append(BundleUploader.Part(key: ObjectKey(bundle: bundle.id, part: .audio), source: .file(path)))
            bundles.append((bundle.id, parts))
        }
        if dryRun { return }
        guard !bundles.isEmpty else { throw CommandFailure(message: "none of the \(files.count) files could be read as MP3") }
        let token = try service.requiredToken()
        let allIngested = await BundleUploader(client: LibraryClient(server: service.serverURL, token: token)).upload(bundles)
        if !allIngested || skipped > 0 { throw ExitCode.failure }
    }

    struct ImportedBundle {
        var id: BundleID
        var metadata: BundleMetadata
        var cover: EmbeddedPicture?
    }

    /// The bundle an MP3 becomes: id from artist and title (else the file name), unique within this import.
    static func bundle(for path: String, tags: ID3Tags, avoiding used: Set<BundleID>) -> ImportedBundle {
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        // Held to the JSON's limits, so the bundle written is one the service takes.
        let (artist, album) = (BundleMetadata.clampedTagText(tags.artist), BundleMetadata.clampedTagText(tags.album))
        let title = BundleMetadata.clampedTagText(tags.title) ?? BundleMetadata.clampedTagText(stem) ?? "Untitled"
        let base = BundleID.slug([artist, title].compactMap { $0 }.joined(separator: " ")) ?? BundleID.slug(stem)
            ?? BundleID.slug("track")!
        var id = base
        var counter = 2
        while used.contains(id), let next = try? BundleID(validating: "\(base.rawValue)-\(counter)") {
            id = next
            counter += 1
        }
        let metadata = BundleMetadata(
            title: title,
            album: album,
            artist: artist,
            genre: BundleMetadata.clampedTagText(tags.genre, limit: BundleMetadata.maximumGenreNameLength).map(GenreReference.name),
            year: tags.year
        )
        return ImportedBundle(id: id, metadata: metadata, cover: tags.picture)
    }

    static func findMP3s(in folder: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        return enumerator.compactMap { $0 as? String }
            .filter { $0.lowercased().hasSuffix(".mp3") && !($0 as NSString).lastPathComponent.hasPrefix(".") }
            .sorted()
            .map { (folder as NSString).appendingPathComponent($0) }
    }
}
