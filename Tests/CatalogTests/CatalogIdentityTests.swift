import Catalog
import Foundation
import Testing

/// A client keys its cache of the library by the catalog's identity, so the identity must outlive a restart,
/// differ between catalogs, and agree between replicas of one.
@Suite("The catalog's identity")
struct CatalogIdentityTests {
    @Test("made once with the catalog: the same after migrating again and after reopening", arguments: CatalogImplementations.all)
    func stable(implementation: String) async throws {
        let location = try await CatalogImplementations.freshLocation(implementation)
        let first = try CatalogImplementations.open(implementation, at: location)
        try await first.migrate()
        let identity = try await first.identity()
        #expect(UUID(uuidString: identity) != nil)
        try await first.migrate()
        #expect(try await first.identity() == identity)
        first.close()
        let reopened = try CatalogImplementations.open(implementation, at: location)
        defer { reopened.close() }
        try await reopened.migrate()
        #expect(try await reopened.identity() == identity)
    }

    @Test("two fresh catalogs have different identities", arguments: CatalogImplementations.all)
    func distinct(implementation: String) async throws {
        let one = try await CatalogImplementations.make(implementation)
        let two = try await CatalogImplementations.make(implementation)
        defer {
            one.close()
            two.close()
        }
        let first = try await one.identity()
        #expect(try await two.identity() != first)
    }

    @Test("stores opened on one catalog at once, migrating together, report one identity", arguments: CatalogImplementations.all)
    func replicas(implementation: String) async throws {
        let location = try await CatalogImplementations.freshLocation(implementation)
        let stores = try (0..<4).map { _ in try CatalogImplementations.open(implementation, at: location) }
        defer { for store in stores { store.close() } }
        let identities = try await withThrowingTaskGroup(of: String.self) { group in
            for store in stores {
                group.addTask {
                    try await store.migrate()
                    return try await store.identity()
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(identities.count == 1)
        #expect(try await stores[0].identity() == identities.first)
    }
}
