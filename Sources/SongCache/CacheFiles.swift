import OSThreads
#if canImport(Glibc)
import Glibc
#endif

/// The folder's file names and the few system calls the cache makes on them, each failure with its errno.
///
/// A copy's name is the song id (reduced to safe characters, for a person looking) plus a random token,
/// so every version of a song has a name of its own: a player that reopens a path to seek gets the bytes
/// it started with or none, never the middle of a newer version, and a replaced copy can be removed after
/// the index stops listing it.
enum CacheFiles {
    static let indexName = "index.sqlite"
    static let songSuffix = ".mp3"
    static let partSuffix = ".part"

    static func newToken() -> String {
        String(UInt64.random(in: .min ... .max), radix: 16) + String(UInt32.random(in: .min ... .max), radix: 16)
    }

    static func songName(for songID: String, token: String) -> String {
        let readable = songID.unicodeScalars.prefix(40).map { scalar -> Character in
            scalar.isASCII && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_")
                ? Character(scalar) : "_"
        }
        return String(readable) + "." + token + songSuffix
    }

    static func partName(token: String) -> String { "." + token + partSuffix }

    /// Names read back from the index are outside input too: only a plain name inside the folder is used.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\0")
    }

    /// `mkdir -p`, reporting the errno that stopped it.
    static func makeDirectory(_ path: String) throws(SongCacheError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw .unusableDirectory(path: prefix, errno: errno)
            }
        }
        var status = stat()
        guard stat(path, &status) == 0 else { throw .unusableDirectory(path: path, errno: errno) }
        guard status.st_mode & S_IFMT == S_IFDIR else { throw .unusableDirectory(path: path, errno: ENOTDIR) }
        guard access(path, W_OK | X_OK) == 0 else { throw .unusableDirectory(path: path, errno: errno) }
    }

    /// The size of a regular file, or nil when there is none.
    static func size(of path: String) -> Int? {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        return Int(status.st_size)
    }

    static func names(in directory: String) throws(SongCacheError) -> [String] {
        guard let stream = opendir(directory) else { throw .unusableDirectory(path: directory, errno: errno) }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes a file that may already be gone.
    static func remove(_ path: String) {
        _ = unlink(path)
    }
}

/// A download's bytes on their way in: a new file nobody else opens (O_EXCL), flushed to the disk before
/// it is renamed into place, so a crash leaves either the old copy or the whole new one.
final class PartFile {
    let path: String
    private var descriptor: Int32
    private(set) var written = 0

    init(path: String) throws(SongCacheError) {
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw SongCacheError.writing(path, errno: errno) }
        self.path = path
    }

    deinit { discard() }

    func append(_ bytes: [UInt8]) throws(SongCacheError) {
        let failure = bytes.withUnsafeBytes { FullWrite.write($0, to: descriptor) }
        if let failure { throw SongCacheError.writing(path, errno: failure) }
        written += bytes.count
    }

    /// Flushes and closes; a full disk can first show itself here (delayed allocation, quotas).
    func finish() throws(SongCacheError) {
        guard descriptor >= 0 else { throw .file(operation: "finish", path: path, errno: EBADF) }
        if fsync(descriptor) != 0 {
            let error = errno
            discard()
            throw SongCacheError.writing(path, errno: error)
        }
        let closed = close(descriptor)
        let error = errno
        descriptor = -1
        if closed != 0 {
            CacheFiles.remove(path)
            throw SongCacheError.writing(path, errno: error)
        }
    }

    /// Closes and deletes the partial file (nothing when already finished and renamed).
    func discard() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
        CacheFiles.remove(path)
    }
}
