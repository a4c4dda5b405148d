import ArgumentParser
import Foundation
import Recommender
import RecommenderLab

/// The recommender's evaluation lab: a seeded world of listeners, and the measurement of our lists
/// against baselines and against lists other tools made on the same files.
@main
struct RecLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "termplayer-reclab",
        abstract: "Simulate listeners and measure TermPlayer's recommendations against baselines.",
        subcommands: [Simulate.self, Evaluate.self])
}

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a simulated library, its plays split by time, and the radio queries, as CSV.")

    @Option(help: "Seed of every random choice.") var seed: UInt64 = 1
    @Option(help: "Songs in the catalog.") var songs = 10_000
    @Option(help: "Listeners.") var listeners = 500
    @Option(help: "Plays over all listeners.") var plays = 200_000
    @Option(help: "Most radio (next-song) queries to sample.") var queries = 5_000
    @Option(help: "Folder to write the files into.") var out: String

    func validate() throws {
        guard songs >= 100, listeners >= 1, plays >= listeners * 5, queries >= 0 else {
            throw ValidationError("need at least 100 songs, 1 listener and 5 plays per listener")
        }
    }

    func run() throws {
        let started = Date()
        let simulation = Simulator.run(SimulationSettings(seed: seed, songs: songs, listeners: listeners, plays: plays))
        let dataset = LabDataset(split: simulation, maxQueries: queries)
        try LabFiles.write(dataset, to: out)
        let train = dataset.listeners.reduce(0) { $0 + $1.train.count }
        let test = dataset.listeners.reduce(0) { $0 + $1.test.count }
        let skips = simulation.listens.filter(\.skipped).count
        let counted = simulation.listens.filter(\.counted).count
        let likes = simulation.marks.filter { $0.kind == .like }.count
        print("""
            wrote \(out): \(simulation.songs.count) songs, \(dataset.listeners.count) listeners, \(train) train + \(test) test plays \
            (\(percent(counted, simulation.listens.count)) counted, \(percent(skips, simulation.listens.count)) skipped), \
            \(likes) likes, \(simulation.marks.count - likes) ratings, \(dataset.queries.count) radio queries \
            in \(String(format: "%.1f", Date().timeIntervalSince(started))) s
            """)
    }

    private func percent(_ part: Int, _ whole: Int) -> String {
        String(format: "%.1f %%", 100 * Double(part) / Double(max(1, whole)))
    }
}

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure our lists and the baselines' on a simulated folder; print a table.")

    @Argument(help: "A folder `simulate` wrote.") var directory: String
    @Option(name: .customLong("external"), help: "NAME=FILE: lists another tool made (CSV task,key,rank,song).") var external: [String] = []
    @Option(help: "Bootstrap resamples.") var resamples = 1_000
    @Option(help: "Seed of the baselines and the resampling.") var seed: UInt64 = 1
    @Flag(help: "Print JSON instead of a markdown table.") var json = false

    func run() throws {
        let dataset = try LabFiles.read(from: directory)
        var lists: [MethodLists] = []
        for entry in external {
            guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex else {
                throw ValidationError("--external wants NAME=FILE, not \(entry)")
            }
            let name = String(entry[..<equals]), file = String(entry[entry.index(after: equals)...])
            let text = try String(contentsOfFile: file, encoding: .utf8)
            lists.append(try MethodLists.parse(name: name, csv: text))
        }
        let report = Evaluation.run(dataset, external: lists, settings: .init(seed: seed, resamples: resamples))
        print(json ? report.json : report.markdown)
    }
}
