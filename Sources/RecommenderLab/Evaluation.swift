#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif
import Recommender

/// Top-10 lists one method made: For you per listener (by id) and radio per query (by id).
public struct MethodLists: Sendable {
    public var name: String
    public var forYou: [String: [String]]?
    public var radio: [Int: [String]]?

    public init(name: String, forYou: [String: [String]]?, radio: [Int: [String]]?) {
        self.name = name
        self.forYou = forYou
        self.radio = radio
    }
}

/// A figure with its 95 % bootstrap interval.
public struct Figure: Sendable, Hashable {
    public var value: Double
    public var low: Double
    public var high: Double
}

public struct MethodResult: Sendable {
    public var name: String
    /// Metric name (see `Evaluation.metrics`) to figure; absent when the method made no such lists.
    public var figures: [String: Figure]
    /// Our figure minus this method's, per paired resample, for methods other than ours.
    public var lead: [String: Figure]
}

/// Lists of ours that broke a rule, by rule, and how many lists were checked.
public struct RuleReport: Sendable {
    public var lists: [String: Int] = [:]
    public var broken: [String: Int] = [:]
    public var examples: [String] = []

    public var totalLists: Int { lists.values.reduce(0, +) }
    public var totalBroken: Int { broken.values.reduce(0, +) }
}

public struct LabReport: Sendable {
    public var methods: [MethodResult]
    public var rules: RuleReport
    public var forYouListeners: Int
    public var radioQueries: Int
    public var songs: Int
    public var resamples: Int

    public func figure(_ method: String, _ metric: String) -> Figure? {
        methods.first { $0.name == method }?.figures[metric]
    }
}

/// Measures the recommender against baselines on a `LabDataset`, ranking the whole catalog.
///
/// For you: each listener's top 10 at their split time against the songs they heard through or liked
/// after it (HitRate@10: share of listeners with one or more in the list; NDCG@10 with binary relevance,
/// the ideal over min(10, relevant)). Radio: for each query, the station so far and its last song as
/// the seed; HitRate@10 and NDCG@10 of the song that came next. Coverage@10: the share of the catalog in
/// anyone's For you list. Intervals resample listeners (the unit that is independent), the same draws
/// for every method, so differences between methods are paired.
public enum Evaluation {
    public static let ours = "TermPlayer"
    public static let metrics = ["forYou.hr10", "forYou.ndcg10", "radio.hr10", "radio.ndcg10", "coverage10"]
    public static let limit = 10

    public struct Settings: Sendable {
        public var seed: UInt64 = 1
        public var resamples = 1_000
        public init(seed: UInt64 = 1, resamples: Int = 1_000) {
            self.seed = seed
            self.resamples = resamples
        }
    }

    public static func run(_ dataset: LabDataset, external: [MethodLists] = [], settings: Settings = Settings()) -> LabReport {
        let model = dataset.trainedModel()
        let tastes = dataset.listeners.map { $0.taste() }
        var rules = RuleReport()
        let checker = RuleChecker(dataset: dataset)
        var methods: [MethodLists] = [ours(dataset, model: model, tastes: tastes, checker: checker, rules: &rules)]
        methods += Baselines(dataset: dataset, seed: settings.seed).all()
        methods += external
        return score(dataset, methods: methods, rules: rules, settings: settings)
    }

    /// Our lists, each checked against every rule as it is made.
    static func ours(_ dataset: LabDataset, model: RecommendationModel, tastes: [ListenerTaste], checker: RuleChecker, rules: inout RuleReport) -> MethodLists {
        var forYou: [String: [String]] = [:]
        for (number, listener) in dataset.listeners.enumerated() {
            let list = model.forYou(tastes[number], limit: limit, now: listener.splitTime).map(\.songID)
            forYou[listener.id] = list
            checker.check(list, kind: "For you", taste: tastes[number], now: listener.splitTime, into: &rules, label: listener.id)
            let discover = model.forYou(tastes[number], limit: limit, now: listener.splitTime, discover: true).map(\.songID)
            checker.check(discover, kind: "Discover", taste: tastes[number], now: listener.splitTime, into: &rules, label: listener.id)
        }
        var radio: [Int: [String]] = [:]
        for query in dataset.queries {
            let taste = radioTaste(tastes[query.listener], query)
            let station = query.prefix.map(\.song)
            let list = (try? model.radio(seeds: [.song(query.previous)], station: station, taste: taste, limit: limit).map(\.songID)) ?? []
            radio[query.id] = list
            checker.check(list, kind: "radio", taste: taste, station: station, into: &rules, label: "query \(query.id)")
        }
        return MethodLists(name: Self.ours, forYou: forYou, radio: radio)
    }

    /// The listener at the split, with the session so far as their latest plays: the station's skips
    /// are what a radio steers by.
    static func radioTaste(_ base: ListenerTaste, _ query: RadioQuery) -> ListenerTaste {
        var taste = base
        let last = base.recent.last?.startedAt ?? -.infinity
        taste.recent += query.prefix.filter { $0.startedAt > last }
        return taste
    }

    static func score(_ dataset: LabDataset, methods: [MethodLists], rules: RuleReport, settings: Settings) -> LabReport {
        let relevant = dataset.listeners.map(\.relevant)
        let forYouUnits = dataset.listeners.indices.filter { !relevant[$0].isEmpty }
        var queriesBy: [Int: [RadioQuery]] = [:]
        for query in dataset.queries { queriesBy[query.listener, default: []].append(query) }
        let radioUnits = queriesBy.keys.sorted()
        var songNumber: [String: Int] = [:]
        for (number, song) in dataset.songs.enumerated() { songNumber[song.id] = number }

        var random = SeededGenerator(seed: settings.seed, stream: 77)
        let resamples = max(1, settings.resamples)
        func draws(_ count: Int) -> [[Int]] {
            (0..<resamples).map { _ in (0..<count).map { _ in count > 0 ? random.int(below: count) : 0 } }
        }
        let forYouDraws = draws(forYouUnits.count)
        let radioDraws = draws(radioUnits.count)

        /// Per unit: summed metric and how many questions it holds.
        struct Units {
            var sums: [Double]
            var counts: [Double]
        }
        func stats(_ units: Units, _ draws: [[Int]]) -> (Double, [Double]) {
            let total = units.counts.reduce(0, +)
            let value = total > 0 ? units.sums.reduce(0, +) / total : 0
            let samples = draws.map { draw -> Double in
                var sum = 0.0, count = 0.0
                for unit in draw {
                    sum += units.sums[unit]
                    count += units.counts[unit]
                }
                return count > 0 ? sum / count : 0
            }
            return (value, samples)
        }

        var results: [(name: String, values: [String: Double], samples: [String: [Double]])] = []
        for method in methods {
            var values: [String: Double] = [:]
            var samples: [String: [Double]] = [:]
            if let lists = method.forYou {
                var hits = Units(sums: [], counts: [])
                var gains = Units(sums: [], counts: [])
                var listSongs: [[Int]] = []
                for unit in forYouUnits {
                    let list = Array((lists[dataset.listeners[unit].id] ?? []).prefix(limit))
                    let found = list.enumerated().filter { relevant[unit].contains($0.element) }
                    let ideal = (0..<min(limit, relevant[unit].count)).reduce(0.0) { $0 + 1 / log2(Double($1) + 2) }
                    hits.sums.append(found.isEmpty ? 0 : 1)
                    hits.counts.append(1)
                    gains.sums.append(found.reduce(0.0) { $0 + 1 / log2(Double($1.offset) + 2) } / ideal)
                    gains.counts.append(1)
                    listSongs.append(list.compactMap { songNumber[$0] })
                }
                (values["forYou.hr10"], samples["forYou.hr10"]) = stats(hits, forYouDraws)
                (values["forYou.ndcg10"], samples["forYou.ndcg10"]) = stats(gains, forYouDraws)
                var stamp = [Int](repeating: -1, count: dataset.songs.count)
                func coverage(_ draw: [Int], _ mark: Int) -> Double {
                    var distinct = 0
                    for unit in draw {
                        for song in listSongs[unit] where stamp[song] != mark {
                            stamp[song] = mark
                            distinct += 1
                        }
                    }
                    return Double(distinct) / Double(max(1, dataset.songs.count))
                }
                let whole = coverage(Array(forYouUnits.indices), -2)
                values["coverage10"] = whole
                // A resample holds ~63 % distinct listeners, so its coverage runs low; the draws are
                // centred on the whole set's figure, and only their spread is used.
                let drawn = forYouDraws.enumerated().map { coverage($0.element, $0.offset) }
                let bias = drawn.reduce(0, +) / Double(max(1, drawn.count)) - whole
                samples["coverage10"] = drawn.map { $0 - bias }
            }
            if let lists = method.radio {
                var hits = Units(sums: [], counts: [])
                var gains = Units(sums: [], counts: [])
                for unit in radioUnits {
                    let queries = queriesBy[unit] ?? []
                    var hit = 0.0, gain = 0.0
                    for query in queries {
                        if let rank = (lists[query.id] ?? []).prefix(limit).firstIndex(of: query.target) {
                            hit += 1
                            gain += 1 / log2(Double(rank) + 2)
                        }
                    }
                    hits.sums.append(hit)
                    gains.sums.append(gain)
                    hits.counts.append(Double(queries.count))
                    gains.counts.append(Double(queries.count))
                }
                (values["radio.hr10"], samples["radio.hr10"]) = stats(hits, radioDraws)
                (values["radio.ndcg10"], samples["radio.ndcg10"]) = stats(gains, radioDraws)
            }
            results.append((method.name, values, samples))
        }

        func interval(_ value: Double, _ samples: [Double]) -> Figure {
            let sorted = samples.sorted()
            func at(_ share: Double) -> Double {
                sorted.isEmpty ? value : sorted[min(sorted.count - 1, max(0, Int((share * Double(sorted.count)).rounded(.down))))]
            }
            return Figure(value: value, low: at(0.025), high: at(0.975))
        }
        let mine = results.first { $0.name == Self.ours }
        let report = results.map { result -> MethodResult in
            var figures: [String: Figure] = [:]
            var lead: [String: Figure] = [:]
            for (metric, value) in result.values {
                figures[metric] = interval(value, result.samples[metric] ?? [])
                if result.name != Self.ours, let mine, let ourValue = mine.values[metric],
                   let ourSamples = mine.samples[metric], let theirs = result.samples[metric] {
                    lead[metric] = interval(ourValue - value, zip(ourSamples, theirs).map { $0 - $1 })
                }
            }
            return MethodResult(name: result.name, figures: figures, lead: lead)
        }
        return LabReport(
            methods: report, rules: rules, forYouListeners: forYouUnits.count, radioQueries: dataset.queries.count,
            songs: dataset.songs.count, resamples: resamples)
    }
}

/// The rules every list of ours keeps, checked from the listener's data rather than from anything the
/// recommender computed.
struct RuleChecker {
    let artistOf: [String: String]

    init(dataset: LabDataset) {
        var artistOf: [String: String] = [:]
        for song in dataset.songs { artistOf[song.id] = song.artist.lowercased() }
        self.artistOf = artistOf
    }

    /// `now` marks a For you list (and Discover when `kind` says so); `station` a radio's songs so far.
    func check(_ list: [String], kind: String, taste: ListenerTaste, now: Double? = nil, station: [String]? = nil, into report: inout RuleReport, label: String) {
        report.lists[kind, default: 0] += 1
        let broken = violations(list, kind: kind, taste: taste, now: now, station: station)
        if let rule = broken.first {
            report.broken[kind, default: 0] += 1
            if report.examples.count < 10 { report.examples.append("\(kind) \(label): \(rule)") }
        }
    }

    func violations(_ list: [String], kind: String, taste: ListenerTaste, now: Double?, station: [String]?) -> [String] {
        var broken: [String] = []
        if list.contains(where: { taste.marks[$0]?.rating == 1 }) { broken.append("a 1-star song") }
        if Set(list).count != list.count { broken.append("a song twice") }
        let tail = station ?? []
        let sequence = (tail + list).map { artistOf[$0] ?? $0 }
        for position in tail.count..<sequence.count {
            let before = sequence[max(0, position - 9)..<position]
            if before.filter({ $0 == sequence[position] }).count >= 2 {
                broken.append("a third song by one artist within 10")
                break
            }
        }
        if let station, list.contains(where: { station.contains($0) }) { broken.append("a station song again") }
        if let now {
            let playedSongs = Set(taste.recent.map(\.song))
            if kind == "Discover" {
                if list.contains(where: { song in
                    playedSongs.contains(song) || taste.marks[song].map { $0.plays > 0 || $0.skips > 0 || $0.lastPlayed != nil } == true
                }) { broken.append("a played song in Discover") }
            } else {
                let since = now - RecommendationModel.dayInSeconds
                let recent = Set(taste.recent.filter { $0.startedAt >= since }.map(\.song))
                if list.contains(where: { recent.contains($0) || (taste.marks[$0]?.lastPlayed ?? -.infinity) >= since }) {
                    broken.append("a song played in the last 24 hours")
                }
            }
        }
        return broken
    }
}
