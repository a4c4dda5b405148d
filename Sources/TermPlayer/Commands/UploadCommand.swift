import APIClient
import ArgumentParser
import LibraryModel

struct UploadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload",
        abstract: "Upload song bundles through the API, JSON first.",
        discussion: """
            A bundle is <id>.json (metadata) + <id>.mp3 + an optional <id>.jpg or <id>.png cover. Give files, \
            or folders whose files are bundles. Each bundle's parts go up in the original order (JSON, cover, \
            MP3) and one line per bundle says how ingest went. Exits non-zero unless every bundle was ingested.
            """
    )

    @OptionGroup var service: ServiceLocation

    @Argument(help: ArgumentHelp("Bundle files, or folders of them.", valueName: "file-or-folder"))
    var paths: [String]

    func run() async throws {
        let (bundles, complaints) = BundleFiles.collect(paths)
        for complaint in complaints { Terminal.error("skipping \(complaint)") }
        guard !bundles.isEmpty else { throw CommandFailure(message: "no bundle files to upload") }
        let token = try service.requiredToken()
        let uploader = BundleUploader(client: LibraryClient(server: service.serverURL, token: token))
        let parts = bundles.map { bundle in
            (id: bundle.id, parts: bundle.files.map { BundleUploader.Part(key: $0.key, source: .file($0.path)) })
        }
        let allIngested = await uploader.upload(parts)
        if !allIngested || !complaints.isEmpty { throw ExitCode.failure }
    }
}
