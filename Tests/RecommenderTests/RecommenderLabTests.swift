import Foundation
import Recommender
import RecommenderLab
import Testing

@Suite("The evaluation lab")
struct RecommenderLabTests {
    /// The size the floor in README.md was measured at: small enough for a debug build in seconds.
    static let small = SimulationSettings(seed: 7, songs: 2_000, listeners: 100, plays: 30_000)
    /// Figures are deterministic for a seed; the tolerance covers floating-point differences between
    /// platforms and deliberate small trade-offs, not regressions.
    static let tolerance = 0.01

    @Test("the simulator is deterministic for a seed, and another seed gives another world")
    func deterministic() {
        let settings = SimulationSettings(seed: 3, songs: 300, listeners: 10, plays: 2_000)
        let first = Simulator.run(settings), again = Simulator.run(settings)
        #expect(first.listens == again.listens)
        #expect(first.marks == again.marks)
        #expect(first.songs == again.songs)
        #expect(first.listens.count == 2_000)
        var other = settings
        other.seed = 4
        #expect(Simulator.run(other).listens != first.listens)
    }

    @Test("simulated listening looks like listening: sessions, skips under 30 s, counted plays by the rule, likes")
    func realistic() {
        let simulation = Simulator.run(SimulationSettings(seed: 5, songs: 1_000, listeners: 30, plays: 6_000))
        let skips = simulation.listens.filter(\.skipped)
        #expect(skips.allSatisfy { $0.played < 30 && !$0.counted })
        let durations = Dictionary(uniqueKeysWithValues: simulation.songs.map { ($0.id, $0.duration) })
        #expect(simulation.listens.filter(\.counted).allSatisfy { $0.played >= min((durations[$0.song] ?? 0) / 2, 240) })
        let skipShare = Double(skips.count) / Double(simulation.listens.count)
        #expect(skipShare > 0.05 && skipShare < 0.4)
        #expect(simulation.marks.contains { $0.kind == .like })
        #expect(simulation.marks.contains { $0.kind == .rating(1) || $0.kind == .rating(2) })
        #expect(Set(simulation.songs.map(\.genre)).count >= 15)
        #expect(simulation.songs.allSatisfy { (120...420).contains($0.duration) && (1960...2024).contains($0.year ?? 0) })
        // Listeners come back in later sessions, hours or days apart.
        let byListener = Dictionary(grouping: simulation.listens, by: \.listener)
        let gaps = byListener.values.flatMap { plays in zip(plays, plays.dropFirst()).map { $1.startedAt - $0.startedAt - $0.played } }
        #expect(gaps.allSatisfy { $0 >= 0 })
        #expect(gaps.filter { $0 > 3_600 }.count > simulation.listeners.count * 5)
    }

    @Test("the files round-trip: evaluating the written folder gives the same figures")
    func filesRoundTrip() throws {
        let dataset = LabDataset(split: Simulator.run(SimulationSettings(seed: 2, songs: 400, listeners: 15, plays: 3_000)), maxQueries: 200)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reclab-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try LabFiles.write(dataset, to: folder)
        let read = try LabFiles.read(from: folder)
        #expect(read.queries == dataset.queries)
        #expect(read.listeners.map(\.train) == dataset.listeners.map(\.train))
        #expect(read.listeners.map(\.marks) == dataset.listeners.map(\.marks))
        let settings = Evaluation.Settings(resamples: 50)
        #expect(Evaluation.run(read, settings: settings).json == Evaluation.run(dataset, settings: settings).json)
    }

    @Test("external lists: a perfect list scores 1, a bad file is refused")
    func externalLists() throws {
        let dataset = LabDataset(split: Simulator.run(SimulationSettings(seed: 2, songs: 400, listeners: 15, plays: 3_000)), maxQueries: 100)
        var csv = "task,key,rank,song\n"
        for query in dataset.queries { csv += "radio,\(query.id),1,\(query.target)\n" }
        let perfect = try MethodLists.parse(name: "oracle", csv: csv)
        let report = Evaluation.run(dataset, external: [perfect], settings: .init(resamples: 50))
        #expect(report.figure("oracle", "radio.hr10")?.value == 1)
        #expect(report.figure("oracle", "forYou.hr10") == nil)
        #expect(throws: ExternalListsError.self) { try MethodLists.parse(name: "bad", csv: "song\nx\n") }
    }

    @Test("at the small size, our figures stay at or above the floor recorded in README.md, with no rule broken")
    func floor() throws {
        let floor = try Self.readFloor()
        #expect(floor.count >= 5, "README.md's floor table has too few rows")
        let dataset = LabDataset(split: Simulator.run(Self.small), maxQueries: 1_000)
        let report = Evaluation.run(dataset, settings: .init(seed: 1, resamples: 500))
        print(report.markdown)
        #expect(report.rules.totalBroken == 0, "\(report.rules.examples)")
        #expect(report.rules.totalLists == 2 * dataset.listeners.count + dataset.queries.count)
        for (metric, minimum) in floor {
            let figure = try #require(report.figure(Evaluation.ours, metric), "no figure \(metric)")
            #expect(figure.value >= minimum - Self.tolerance, "\(metric): \(figure.value) under the floor \(minimum)")
        }
    }

    /// The rows `| metric | floor |` between README.md's `recommender-floor` markers.
    static func readFloor() throws -> [String: Double] {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        guard let start = text.range(of: "<!-- recommender-floor:begin -->"), let end = text.range(of: "<!-- recommender-floor:end -->"),
              start.upperBound < end.lowerBound
        else {
            Issue.record("README.md has no recommender-floor markers")
            return [:]
        }
        var floor: [String: Double] = [:]
        for line in text[start.upperBound..<end.lowerBound].split(separator: "\n") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2, let value = Double(cells[1]) else { continue }
            floor[cells[0].replacingOccurrences(of: "`", with: "")] = value
        }
        return floor
    }
}
