import Foundation
import TestSupport
import Testing

/// The XML gate: the same answers as SubsonicSchemaTests, asked with `f=xml`, validated by Debian's python3-lxml
/// against Subsonic's own 1.16.1 XSD once the OpenSubsonic additions it does not know are taken out (the fixed list
/// in Tests/Tools/subsonic-xsd-check.py). The XSD is not in git, its licence being unclear: `make test` fetches it
/// from PyPI into a cache (scripts/ensure-deps.sh), and a missing one fails this test rather than skipping it.
@Suite("Subsonic: XML answers validate against Subsonic's 1.16.1 XSD")
struct SubsonicXSDTests {
    struct Report: Decodable {
        var checked: [String]
        var failures: [SubsonicSchemaTests.Report.Failure]
        var unused: [String]
    }

    /// Where scripts/ensure-deps.sh puts the XSD (not under XDG_CACHE_HOME, which test-services.sh moves).
    static var xsd: URL {
        FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/termplayer-test/subsonic-rest-api-1.16.1.xsd")
    }

    @Test("every method's XML answer, successes and failures alike, OpenSubsonic's additions taken out")
    func xsdValid() async throws {
        guard FileManager.default.fileExists(atPath: Self.xsd.path) else {
            throw Fixtures.FixtureError.missing("Subsonic's 1.16.1 XSD at \(Self.xsd.path): `make test` fetches it (scripts/ensure-deps.sh)")
        }
        // Debian's python3-lxml is there for Debian's python3, whichever python3 comes first on PATH.
        let python = "/usr/bin/python3"
        guard try Fixtures.runAllowingFailure(python, ["-c", "import lxml.etree"]).status == 0 else {
            throw Fixtures.FixtureError.missing("python3-lxml for \(python): `make test` installs it (scripts/ensure-deps.sh)")
        }
        let folder = try await SubsonicSchemaTests.answers(format: "xml")
        let script = Fixtures.repositoryRoot.appendingPathComponent("Tests/Tools/subsonic-xsd-check.py").path
        let result = try Fixtures.runAllowingFailure(python, [script, Self.xsd.path, folder.path])
        let report = try JSONDecoder().decode(Report.self, from: Data(result.standardOutput.utf8))
        #expect(report.failures.isEmpty, "\(report.failures.map { "\($0.file): \($0.error)" }.joined(separator: "\n"))\n\(result.standardError)")
        #expect(report.checked.count == SubsonicSchemaTests.calls.count + 2)
        #expect(report.unused.isEmpty, "in the strip list but in no answer, so to be taken off it: \(report.unused)")
    }
}
