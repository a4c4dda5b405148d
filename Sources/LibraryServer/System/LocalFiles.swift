import SystemPackage
// In release builds the compiler attributes `struct stat` to Dispatch's C module, which saw the header first.
import CDispatch

#if canImport(Glibc)
import Glibc
#endif

/// Small blocking file operations for the local bucket and library folder. Callers run them on a thread
/// pool; each goes through `SystemCall` so failures carry the call, the path and errno.
enum LocalFiles {
    struct Status {
        var size: Int
        var modifiedNanoseconds: Int
        var inode: UInt
        var isRegularFile: Bool
    }

    enum ReadError: Error {
        case fileTooLarge(size: Int)
        case system(SystemCallError)
    }

    /// `stat` a path; nil when nothing (or something other than a regular file) is there.
    static func status(of path: FilePath) throws(SystemCallError) -> Status? {
        var buffer = stat()
        do throws(SystemCallError) {
            try SystemCall.run("stat", path.string) { stat(path.string, &buffer) }
        } catch where error.errno == ENOENT || error.errno == ENOTDIR {
            return nil
        }
        let status = Status(
            size: Int(buffer.st_size),
            modifiedNanoseconds: Int(buffer.st_mtim.tv_sec) * 1_000_000_000 + Int(buffer.st_mtim.tv_nsec),
            inode: UInt(buffer.st_ino),
            isRegularFile: (buffer.st_mode & S_IFMT) == S_IFREG
        )
        return status.isRegularFile ? status : nil
    }

    /// `mkdir -p`.
    static func makeDirectory(_ path: FilePath, mode: mode_t = 0o755) throws(SystemCallError) {
        var partial = FilePath(root: path.root)
        for component in path.components {
            partial.append(component)
            do throws(SystemCallError) {
                try SystemCall.run("mkdir", partial.string) { mkdir(partial.string, mode) }
            } catch where error.errno == EEXIST {
                continue
            }
        }
    }

    static func readWholeFile(_ path: FilePath, limit: Int) throws(ReadError) -> [UInt8] {
        let descriptor: Int32
        do throws(SystemCallError) {
            descriptor = try SystemCall.run("open", path.string) { open(path.string, O_RDONLY | O_CLOEXEC) }
        } catch {
            throw .system(error)
        }
        defer { close(descriptor) }
        var buffer = stat()
        do throws(SystemCallError) {
            try SystemCall.run("fstat", path.string) { fstat(descriptor, &buffer) }
        } catch {
            throw .system(error)
        }
        let size = Int(buffer.st_size)
        guard size <= limit else { throw .fileTooLarge(size: size) }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let count: Int
            do throws(SystemCallError) {
                count = try bytes.withUnsafeMutableBytes { raw in
                    Result { () throws(SystemCallError) in
                        try SystemCall.run("read", path.string) {
                            Glibc.read(descriptor, raw.baseAddress! + filled, size - filled)
                        }
                    }
                }.get()
            } catch {
                throw .system(error)
            }
            if count == 0 { break }  // shrank while reading; return what is there
            filled += count
        }
        return Array(bytes.prefix(filled))
    }

    /// Writes `bytes` to `path` with `mode`, replacing it atomically through a temporary sibling.
    static func writeAtomically(_ bytes: [UInt8], to path: FilePath, mode: mode_t = 0o644) throws(SystemCallError) {
        let temporary = path.string + ".tmp-\(getpid())"
        let descriptor = try SystemCall.run("open", temporary) {
            open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        }
        var written = 0
        do throws(SystemCallError) {
            while written < bytes.count {
                written += try bytes.withUnsafeBytes { raw in
                    Result { () throws(SystemCallError) in
                        try SystemCall.run("write", temporary) {
                            Glibc.write(descriptor, raw.baseAddress! + written, bytes.count - written)
                        }
                    }
                }.get()
            }
            try SystemCall.run("fsync", temporary) { fsync(descriptor) }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        try SystemCall.run("rename", path.string) { rename(temporary, path.string) }
    }
}

/// Reads a directory's entry names one at a time (`opendir`/`readdir`), so listing a bucket of 300,000
/// files never holds them all. Used from one thread at a time.
final class DirectoryReader: @unchecked Sendable {
    private var directory: OpaquePointer?
    let path: FilePath

    init(_ path: FilePath) throws(SystemCallError) {
        self.path = path
        guard let directory = opendir(path.string) else {
            throw SystemCallError(operation: "opendir", path: path.string, errno: errno)
        }
        self.directory = directory
    }

    func next() -> String? {
        guard let directory else { return nil }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            return name
        }
        return nil
    }

    func close() {
        if let directory { closedir(directory) }
        directory = nil
    }

    deinit { close() }
}
