import CoverArt
import Foundation
import LibraryModel
import ListeningFormats
import MPEGAudio
import SystemPackage
import TerminalArt
import WireFormats

/// One parser of outside input, and what must hold for whatever it accepts. A broken property stops the run
/// like a crash does (`precondition`), and libFuzzer keeps the input that broke it.
struct Harness: Sendable {
    let name: String
    let about: String
    let run: @Sendable ([UInt8]) -> Void

    static let all: [Harness] = [
        Harness(name: "bundle-json", about: "a bundle's JSON document, which triggers ingest") { bytes in
            guard let metadata = try? BundleMetadata.parse(Data(bytes)) else { return }
            // What the service writes back (the local bucket's copy, re-uploads) must read as the same song.
            let again = try? BundleMetadata.parse(metadata.jsonDocument())
            precondition(again == metadata, "a bundle's own JSON document does not read back the same")
        },
        Harness(name: "object-key", about: "bucket object keys and bundle ids") { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            if let key = try? ObjectKey(validating: text) {
                precondition(key.name == text, "a key was accepted as another name")
                staysInTheBucket(key.bundle)
            }
            if let id = try? BundleID(validating: text) { staysInTheBucket(id) }
            if let slug = BundleID.slug(text) {
                precondition((try? BundleID(validating: slug.rawValue)) == slug, "a slug is not a valid id")
            }
        },
        Harness(name: "range-header", about: "HTTP Range headers against an object's size") { bytes in
            // The first four bytes choose the object's size, the rest is the header.
            let size = bytes.prefix(4).reduce(0) { $0 << 8 | Int($1) }
            let header = String(decoding: bytes.dropFirst(4), as: UTF8.self)
            if case .partial(let range) = ByteRangeRequest.parse(header, size: size) {
                precondition(range.lowerBound >= 0 && range.upperBound < size, "a range outside the object")
            }
        },
        Harness(name: "s3-event", about: "S3 event notifications as SQS bodies, SNS envelopes and MinIO webhooks") { bytes in
            do throws(S3EventError) {
                _ = try S3EventNotification.objects(in: bytes)
            } catch {
                // The reason goes to the dead-letter record.
                precondition(!error.description.isEmpty, "a refusal that says nothing")
            }
        },
        Harness(name: "query-string", about: "query strings and form bodies of the service's own API") { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            let parameters = FormQuery.parse(text)
            precondition(parameters.count <= text.utf8.count + 1, "more parameters than the text could hold")
            _ = FormQuery.strictlyDecoded(text)
        },
        Harness(name: "subsonic-parameters", about: "Subsonic requests: a query string, a NUL, a form body") { bytes in
            let split = bytes.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
            let query = split.first.map { String(decoding: $0, as: UTF8.self) }
            let form = split.count > 1 ? String(decoding: split[1], as: UTF8.self) : nil
            let parameters = SubsonicParameters(query: query, form: form)
            precondition(parameters.pairs.allSatisfy { !$0.name.isEmpty }, "a parameter without a name")
            if let first = parameters.pairs.first {
                precondition(parameters[first.name] == first.value, "the first value is not the one read")
            }
        },
        Harness(name: "m3u8-playlist", about: "M3U and M3U8 playlists being imported") { bytes in
            readsBack(bytes, as: .m3u8)
        },
        Harness(name: "xspf-playlist", about: "XSPF playlists being imported (Foundation's XMLParser on libxml2)") { bytes in
            readsBack(bytes, as: .xspf)
        },
        Harness(name: "listen-file", about: "ListenBrainz exports (JSON arrays and JSON Lines) being imported") { bytes in
            if let contents = try? ListenFiles.parse(bytes, now: Date(timeIntervalSince1970: 1_800_000_000)) {
                precondition(contents.problemCount >= contents.problems.count, "problems counted short")
            }
        },
        Harness(name: "terminal-replies", about: "what a terminal answers to the capability queries") { bytes in
            let replies = TerminalReplies.parse(bytes, kittyQueryID: 31)
            if let cell = replies.cellPixels { precondition(cell.width > 0 && cell.height > 0, "an empty cell size") }
        },
        Harness(name: "mp3-decode", about: "libmpg123 decoding a stream fed in two parts") { bytes in
            guard let decoder = try? MPEGDecoder() else { return }
            let half = bytes.count / 2
            for part in [bytes[..<half], bytes[half...]] {
                do {
                    try part.withUnsafeBytes { try decoder.feed($0) }
                    decoding: for _ in 0..<4_096 {
                        switch try decoder.decodeFrame() {
                        case .needMore: break decoding
                        case .audio, .format: continue
                        }
                    }
                } catch {
                    return
                }
            }
            try? decoder.finish()
        },
        Harness(name: "mp3-probe", about: "ingest's probe of an MP3's length and ID3 tags, pictures included") { bytes in
            guard let file = ScratchFile.holding(bytes), let info = try? MP3Probe.probe(fileAt: file, includePictures: true) else { return }
            precondition(info.duration >= 0 && info.frames >= 0, "a negative length")
            // Ingest lists tag text only after clamping it to the JSON's limits.
            for text in [info.tags.title, info.tags.artist, info.tags.album, info.tags.genre] {
                guard let clamped = BundleMetadata.clampedTagText(text) else { continue }
                precondition(clamped.unicodeScalars.count <= BundleMetadata.maximumTextLength, "tag text past the clamp")
                precondition(!clamped.unicodeScalars.contains { $0.properties.generalCategory == .control }, "a control character kept")
            }
        },
        Harness(name: "cover", about: "JPEG and PNG covers: the header, then a decode scaled to fit") { bytes in
            if let info = try? CoverDecoder.info(bytes) {
                precondition(info.width > 0 && info.height > 0, "a cover with no pixels")
            }
            if let picture = try? CoverDecoder.decode(bytes, fitting: CoverSize(width: 48, height: 48)) {
                precondition(picture.width <= 48 && picture.height <= 48, "a cover scaled past its box")
            }
        },
    ]

    /// An import reads the file; what TermPlayer then exports in that format must import again, whole.
    private static func readsBack(_ bytes: [UInt8], as format: PlaylistFormat) {
        _ = PlaylistFormat.detect(bytes, fileName: nil)
        guard let playlist = try? PlaylistFiles.parse(bytes, format: format) else { return }
        let again = try? PlaylistFiles.parse(PlaylistFiles.render(playlist, as: format), format: format)
        precondition(again?.entries.count == playlist.entries.count, "an exported \(format) playlist lost entries")
    }

    /// A bucket key is joined to the bucket's folder as it is: it must not climb out of it or hide.
    private static func staysInTheBucket(_ id: BundleID) {
        let raw = id.rawValue
        precondition(!raw.contains("/") && !raw.contains("\\") && !raw.hasPrefix(".") && !raw.contains("\0"), "an id that leaves the bucket: \(raw.debugDescription)")
    }
}

/// The probe reads a file, so each input is written to one reused file in memory-backed storage.
enum ScratchFile {
    static let path: FilePath = {
        let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return FilePath("\(folder)/termplayer-fuzz-\(getpid()).mp3")
    }()

    static func holding(_ bytes: [UInt8]) -> FilePath? {
        FileManager.default.createFile(atPath: path.string, contents: Data(bytes)) ? path : nil
    }
}
