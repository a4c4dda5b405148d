#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Feeds a request body to libcurl's read callback, from memory or streamed from a file.
final class UploadSource {
    private enum Origin {
        case bytes([UInt8], offset: Int)
        case file(FileDescriptor, path: String)
    }

    private var origin: Origin
    let size: Int
    /// Set when reading the file failed; the transfer reports this instead of libcurl's "aborted".
    private(set) var failure: TransferError?

    init(body: TransferRequest.Body) throws(TransferError) {
        switch body {
        case .none:
            origin = .bytes([], offset: 0)
            size = 0
        case .bytes(let bytes):
            origin = .bytes(bytes, offset: 0)
            size = bytes.count
        case .file(let path):
            do {
                let descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
                do {
                    size = Int(try descriptor.seek(offset: 0, from: .end))
                    _ = try descriptor.seek(offset: 0, from: .start)
                } catch {
                    try? descriptor.close()
                    throw error
                }
                origin = .file(descriptor, path: path)
            } catch let error as Errno {
                throw .unreadableFile(path: path, errno: error.rawValue)
            } catch {
                throw .unreadableFile(path: path, errno: EIO)
            }
        }
    }

    /// Copies the next bytes into `buffer`; 0 at the end, -1 after a read error.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        switch origin {
        case .bytes(let bytes, let offset):
            let count = min(buffer.count, bytes.count - offset)
            bytes.withUnsafeBytes { source in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + count]))
            }
            origin = .bytes(bytes, offset: offset + count)
            return count
        case .file(let descriptor, let path):
            do {
                return try descriptor.read(into: buffer, retryOnInterrupt: true)
            } catch {
                failure = .unreadableFile(path: path, errno: (error as? Errno)?.rawValue ?? EIO)
                return -1
            }
        }
    }

    func close() {
        if case .file(let descriptor, _) = origin { try? descriptor.close() }
        origin = .bytes([], offset: 0)
    }
}
