import Catalog
import Foundation

extension SubsonicService {
    func ping(_ call: SubsonicCall) async throws -> SubsonicReply { .element(nil) }

    /// Always valid: DSub nags about a trial otherwise.
    func getLicense(_ call: SubsonicCall) async throws -> SubsonicReply {
        var license = SubsonicElement("license")
        license.set("valid", true)
        return .element(license)
    }

    /// What a client may rely on beyond Subsonic 1.16.1: form POSTs and API keys.
    func getOpenSubsonicExtensions(_ call: SubsonicCall) async throws -> SubsonicReply {
        let extensions = [("formPost", [1]), ("apiKeyAuthentication", [1])].map { name, versions in
            var element = SubsonicElement("openSubsonicExtensions")
            element.set("name", name)
            element.add(values: "versions", versions.map { .int($0) })
            return element
        }
        // The payload is a bare list: `"openSubsonicExtensions":[…]` in JSON.
        return .element(SubsonicElement.bareList("openSubsonicExtensions", extensions))
    }

    /// The `apiKeyAuthentication` extension's check of a key: whose it is.
    func tokenInfo(_ call: SubsonicCall) async throws -> SubsonicReply {
        var info = SubsonicElement("tokenInfo")
        info.set("username", try call.requireListener().name)
        return .element(info)
    }

    func getScanStatus(_ call: SubsonicCall) async throws -> SubsonicReply {
        .element(try await scanStatus())
    }

    /// Starts walking the bucket for what changed; ingest picks up what it finds, so songs arrive as it goes.
    func startScan(_ call: SubsonicCall) async throws -> SubsonicReply {
        let listener = try call.requireListener()
        guard listener.isAdmin || listener.isLocal else { throw SubsonicError(.notAuthorized, "only an admin may start a scan") }
        backend.startScan()
        return .element(try await scanStatus())
    }

    private func scanStatus() async throws(SubsonicError) -> SubsonicElement {
        var status = SubsonicElement("scanStatus")
        status.set("scanning", backend.isScanning)
        status.set("count", try await catalogCall { () async throws(CatalogError) in try await catalog.songCount() })
        return status
    }
}

extension SubsonicElement {
    /// A payload that is a list itself (`getOpenSubsonicExtensions`): in JSON an array under the envelope,
    /// in XML the elements one after another.
    static func bareList(_ name: String, _ elements: [SubsonicElement]) -> SubsonicElement {
        var holder = SubsonicElement(bareListMarker)
        holder.add(list: name, elements)
        return holder
    }

    /// The name of a holder whose children go straight into the envelope.
    static let bareListMarker = "\u{0}bare"
}
