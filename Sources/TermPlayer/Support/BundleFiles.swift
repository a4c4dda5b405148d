import Foundation
import LibraryModel

/// The files of one bundle found on disk, in the order the original uploader sent them: JSON, cover, MP3.
struct BundleFiles {
    var id: BundleID
    var files: [(key: ObjectKey, path: String)]

    /// Groups files and the files directly inside folders into bundles by their names.
    /// Names that are not bundle objects come back as readable complaints, not silently dropped.
    static func collect(_ arguments: [String]) -> (bundles: [BundleFiles], complaints: [String]) {
        var byBundle: [BundleID: [ObjectKey: String]] = [:]
        var complaints: [String] = []
        let fileManager = FileManager.default
        for argument in arguments {
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: argument, isDirectory: &isDirectory) else {
                complaints.append("\(argument): no such file or folder")
                continue
            }
            let paths: [String]
            if isDirectory.boolValue {
                let names = ((try? fileManager.contentsOfDirectory(atPath: argument)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
                paths = names.map { (argument as NSString).appendingPathComponent($0) }
                    .filter { var nested: ObjCBool = false; return fileManager.fileExists(atPath: $0, isDirectory: &nested) && !nested.boolValue }
            } else {
                paths = [argument]
            }
            for path in paths {
                let name = (path as NSString).lastPathComponent
                do {
                    let key = try ObjectKey(validating: name)
                    if let earlier = byBundle[key.bundle]?[key] {
                        complaints.append("\(path): \(key) already comes from \(earlier)")
                        continue
                    }
                    byBundle[key.bundle, default: [:]][key] = path
                } catch {
                    complaints.append("\(path): not a bundle file: \(error)")
                }
            }
        }
        let bundles = byBundle.keys.sorted().map { id in
            BundleFiles(
                id: id,
                files: (byBundle[id] ?? [:]).sorted { $0.key.part.uploadOrder < $1.key.part.uploadOrder }.map { ($0.key, $0.value) }
            )
        }
        return (bundles, complaints)
    }
}
