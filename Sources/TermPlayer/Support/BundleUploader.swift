import APIClient
import ArgumentParser
import LibraryModel

/// Uploads bundles through the API, a few at a time, and reports each one's ingest outcome.
struct BundleUploader {
    enum Source: Sendable {
        case file(String)
        case bytes([UInt8])
    }

    struct Part: Sendable {
        var key: ObjectKey
        var source: Source
    }

    struct Outcome: Sendable {
        var id: BundleID
        var report: BundleReport?
        var failure: String?
    }

    let client: LibraryClient
    var parallel = 4

    /// Uploads every bundle's parts in order (JSON first), printing one line per bundle as it finishes.
    /// Returns true when every bundle ended up ingested.
    func upload(_ bundles: [(id: BundleID, parts: [Part])]) async -> Bool {
        var outcomes: [Outcome] = []
        await withTaskGroup(of: Outcome.self) { group in
            var next = bundles.makeIterator()
            for _ in 0..<parallel {
                guard let bundle = next.next() else { break }
                group.addTask { await uploadOne(bundle.id, bundle.parts) }
            }
            for await outcome in group {
                Self.print(outcome)
                outcomes.append(outcome)
                if let bundle = next.next() {
                    group.addTask { await uploadOne(bundle.id, bundle.parts) }
                }
            }
        }
        let ingested = outcomes.filter { $0.report?.state == .ingested }.count
        let pending = outcomes.filter { $0.report?.state == .pending }.count
        let rejected = outcomes.filter { $0.report?.state == .rejected }.count
        let failed = outcomes.filter { $0.failure != nil }.count
        Swift.print("\(ingested) ingested, \(pending) pending, \(rejected) rejected, \(failed) failed")
        return ingested == outcomes.count
    }

    private func uploadOne(_ id: BundleID, _ parts: [Part]) async -> Outcome {
        var last: BundleReport?
        for part in parts {
            do {
                switch part.source {
                case .file(let path): last = try await client.upload(part.key, fromFile: path).bundle
                case .bytes(let bytes): last = try await client.upload(part.key, bytes: bytes).bundle
                }
            } catch {
                return Outcome(id: id, report: last, failure: "\(part.key): \(error)")
            }
        }
        return Outcome(id: id, report: last, failure: nil)
    }

    private static func print(_ outcome: Outcome) {
        let id = DisplayWidth.pad(outcome.id.rawValue, to: 24)
        if let failure = outcome.failure {
            Swift.print("failed    \(id)  \(failure)")
        } else if let report = outcome.report {
            switch report.state {
            case .ingested:
                let song = report.song.map { "\($0.title) — \($0.artist.isEmpty ? "unknown artist" : $0.artist)" } ?? ""
                Swift.print("ingested  \(id)  \(song)")
            case .pending, .rejected, .absent:
                Swift.print("\(DisplayWidth.pad(report.state.rawValue, to: 8))  \(id)  \(report.reason ?? "")")
            }
        }
    }
}
