#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

extension MethodLists {
    /// Lists another tool wrote: CSV `task,key,rank,song`, task `forYou` (key a listener id) or `radio`
    /// (key a query id), ranks from 1. A task with no rows at all is one the method did not answer.
    public static func parse(name: String, csv text: String) throws(ExternalListsError) -> MethodLists {
        var rows = LabFiles.parseCSV(text)
        guard let header = rows.first, header == ["task", "key", "rank", "song"] else {
            throw ExternalListsError(description: "\(name): the header must be task,key,rank,song")
        }
        rows.removeFirst()
        var forYou: [String: [(Int, String)]] = [:]
        var radio: [Int: [(Int, String)]] = [:]
        for (line, row) in rows.enumerated() {
            guard row.count == 4, let rank = Int(row[2]), rank >= 1 else {
                throw ExternalListsError(description: "\(name): line \(line + 2) is not task,key,rank,song")
            }
            switch row[0] {
            case "forYou": forYou[row[1], default: []].append((rank, row[3]))
            case "radio":
                guard let query = Int(row[1]) else { throw ExternalListsError(description: "\(name): line \(line + 2): bad query id \(row[1])") }
                radio[query, default: []].append((rank, row[3]))
            default: throw ExternalListsError(description: "\(name): line \(line + 2): unknown task \(row[0])")
            }
        }
        func ordered<Key>(_ lists: [Key: [(Int, String)]]) -> [Key: [String]]? {
            lists.isEmpty ? nil : lists.mapValues { $0.sorted { $0.0 < $1.0 }.map(\.1) }
        }
        return MethodLists(name: name, forYou: ordered(forYou), radio: ordered(radio))
    }
}

public struct ExternalListsError: Error, CustomStringConvertible {
    public var description: String
}

extension LabReport {
    static let metricTitles = [
        "forYou.hr10": "For you HR@10", "forYou.ndcg10": "For you NDCG@10", "radio.hr10": "radio HR@10",
        "radio.ndcg10": "radio NDCG@10", "coverage10": "coverage@10",
    ]

    /// A method × metric table with 95 % intervals, the rule check, and whether each target was met.
    public var markdown: String {
        var lines: [String] = []
        lines.append("| method | " + Evaluation.metrics.map { Self.metricTitles[$0] ?? $0 }.joined(separator: " | ") + " |")
        lines.append("| --- |" + String(repeating: " --- |", count: Evaluation.metrics.count))
        for method in methods {
            let cells = Evaluation.metrics.map { metric in
                method.figures[metric].map { "\(Self.format($0.value)) [\(Self.format($0.low)), \(Self.format($0.high))]" } ?? "—"
            }
            let name = method.name == Evaluation.ours ? "**\(method.name)**" : method.name
            lines.append("| \(name) | " + cells.joined(separator: " | ") + " |")
        }
        lines.append("")
        lines.append("\(forYouListeners) listeners with held-out songs (For you), \(radioQueries) radio queries, \(songs) songs ranked in full; 95 % intervals from \(resamples) resamples of listeners.")
        let byKind = rules.lists.keys.sorted().map { "\($0) \(rules.broken[$0] ?? 0)/\(rules.lists[$0] ?? 0)" }.joined(separator: ", ")
        lines.append("Lists of ours breaking a rule: \(rules.totalBroken) of \(rules.totalLists) (\(byKind)).")
        for example in rules.examples { lines.append("- \(example)") }
        lines.append("")
        lines.append("Targets:")
        for line in targets { lines.append("- \(line.met ? "met" : "**not met**"): \(line.text)") }
        return lines.joined(separator: "\n")
    }

    /// Each target, in words, and whether it holds.
    public var targets: [(text: String, met: Bool)] {
        var lines: [(String, Bool)] = []
        guard let mine = methods.first(where: { $0.name == Evaluation.ours }) else { return [] }
        for method in methods where method.name != Evaluation.ours {
            let isPeer = method.name.lowercased().hasPrefix("als")
            // Coverage is not a contest (random lists cover the most); it has its own target below.
            for metric in Evaluation.metrics where metric != "coverage10" {
                guard let ours = mine.figures[metric], let theirs = method.figures[metric] else { continue }
                let title = Self.metricTitles[metric] ?? metric
                if isPeer {
                    guard metric.hasSuffix("hr10") else { continue }
                    lines.append(("\(title) ≥ \(method.name): \(Self.format(ours.value)) vs \(Self.format(theirs.value))", ours.value >= theirs.value))
                } else {
                    let lead = method.lead[metric]
                    let leadText = lead.map { ", lead \(Self.format($0.value)) [\(Self.format($0.low)), \(Self.format($0.high))]" } ?? ""
                    lines.append(("\(title): lower bound \(Self.format(ours.low)) > \(method.name) \(Self.format(theirs.value))\(leadText)", ours.low > theirs.value))
                }
            }
        }
        lines.append(("no list breaks a rule: \(rules.totalBroken) broken", rules.totalBroken == 0))
        if let coverage = mine.figures["coverage10"] {
            lines.append(("coverage@10 ≥ 30 %: \(Self.format(coverage.value))", coverage.value >= 0.3))
        }
        return lines
    }

    public var json: String {
        func figure(_ figure: Figure) -> String {
            "{\"value\": \(Self.format(figure.value, 6)), \"low\": \(Self.format(figure.low, 6)), \"high\": \(Self.format(figure.high, 6))}"
        }
        let methodsText = methods.map { method in
            let figures = Evaluation.metrics.compactMap { metric in method.figures[metric].map { "\"\(metric)\": \(figure($0))" } }
            let lead = Evaluation.metrics.compactMap { metric in method.lead[metric].map { "\"\(metric)\": \(figure($0))" } }
            return "{\"name\": \"\(method.name)\", \"figures\": {\(figures.joined(separator: ", "))}, \"oursMinusThis\": {\(lead.joined(separator: ", "))}}"
        }
        let rulesText = rules.lists.keys.sorted().map { "\"\($0)\": {\"lists\": \(rules.lists[$0] ?? 0), \"broken\": \(rules.broken[$0] ?? 0)}" }
        return """
        {"methods": [\(methodsText.joined(separator: ", "))], "rules": {\(rulesText.joined(separator: ", "))}, \
        "forYouListeners": \(forYouListeners), "radioQueries": \(radioQueries), "songs": \(songs), "resamples": \(resamples), \
        "targetsMet": \(targets.allSatisfy(\.met))}
        """
    }

    static func format(_ value: Double, _ digits: Int = 3) -> String {
        let scale = pow(10, Double(digits))
        let rounded = (value * scale).rounded() / scale
        var text = String(rounded)
        if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
        } else if !text.contains("e") {
            text += "." + String(repeating: "0", count: digits)
        }
        return text
    }
}
