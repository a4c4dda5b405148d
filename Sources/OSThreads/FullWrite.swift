#if canImport(Glibc)
import Glibc
#endif

/// Writing all of a buffer to a descriptor, whatever `write(2)` takes at a time, through signals.
public enum FullWrite {
    /// Writes all of `bytes`; returns the errno that stopped it, or nil when all went out.
    @discardableResult
    public static func write(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            if written > 0 {
                offset += written
            } else if written == -1, errno == EINTR {
                continue
            } else {
                return written == -1 ? errno : EIO
            }
        }
        return nil
    }

    /// Writes all of `text` as UTF-8; returns the errno that stopped it, or nil.
    @discardableResult
    public static func write(_ text: String, to descriptor: Int32) -> Int32? {
        var text = text
        return text.withUTF8 { write(UnsafeRawBufferPointer($0), to: descriptor) }
    }
}
