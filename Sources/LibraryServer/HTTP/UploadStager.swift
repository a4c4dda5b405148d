import HTTPTypes
import Hummingbird
import LibraryModel
import NIOCore
import NIOPosix
import _NIOFileSystem
import SystemPackage

/// Streams an upload's body into a file in the staging folder, never into memory, and enforces a size limit.
struct UploadStager: Sendable {
    let directory: FilePath

    /// Generous per-part ceilings: a bundle's JSON is tiny; ingest judges the real limits with reasons.
    static func limit(for part: BundlePart) -> Int {
        switch part {
        case .metadata: 1 << 20
        case .cover, .pngCover: 32 << 20
        case .audio: 2 << 30
        }
    }

    func stage(_ body: RequestBody, limit: Int, key: ObjectKey) async throws -> FilePath {
        let path = directory.appending("upload-\(String(UInt64.random(in: .min ... .max), radix: 16))-\(key.name)")
        do {
            try await FileSystem.shared.withFileHandle(forWritingAt: path, options: .newFile(replaceExisting: false)) { handle in
                try await handle.withBufferedWriter { writer in
                    var received = 0
                    for try await chunk in body {
                        received += chunk.readableBytes
                        guard received <= limit else {
                            throw APIError(.contentTooLarge, "\(key) is larger than the \(limit >> 20) MiB a .\(key.part.fileExtension) may be")
                        }
                        try await writer.write(contentsOf: chunk)
                    }
                }
            }
        } catch {
            _ = try? await FileSystem.shared.removeItem(at: path)
            if let errno = Self.fullDisk(error) {
                throw APIError(.insufficientStorage, "no room on the service's disk for \(key) (\(errno)); nothing of it was kept")
            }
            throw error
        }
        return path
    }

    /// ENOSPC or EDQUOT under whatever NIOFileSystem wrapped it in: the one failure the uploader can act on.
    private static func fullDisk(_ error: any Error) -> Errno? {
        guard let error = error as? FileSystemError,
            let call = error.cause as? FileSystemError.SystemCallError,
            call.errno == .noSpace || call.errno == .diskQuotaExceeded
        else { return nil }
        return call.errno
    }
}

extension HTTPResponse.Status {
    /// RFC 4918's 507, which HTTPTypes does not name.
    static let insufficientStorage = HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")
}
