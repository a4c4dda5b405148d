import CurlTransfer
import Foundation
import TestSupport
import Testing

/// A body read into memory is bounded by its request, so a broken or hostile server cannot fill the
/// player's memory (issue 14).
@Suite struct TransferLimitTests {
    @Test("a body past the request's limit ends with .tooLarge; one within it arrives whole")
    func bodyLimit() async throws {
        let file = try Fixtures.temporaryDirectory("transfer-limit").appendingPathComponent("big.bin")
        try Data(repeating: 7, count: 1 << 20).write(to: file)
        let session = CurlSession(name: "test-transfer-limit")
        defer { session.close() }
        let url = file.absoluteString
        let whole = try await session.perform(TransferRequest(url: url, maximumBodyBytes: 1 << 20))
        #expect(whole.body.count == 1 << 20)
        await #expect(throws: TransferError.tooLarge(url: url, limit: 64 << 10)) {
            _ = try await session.perform(TransferRequest(url: url, maximumBodyBytes: 64 << 10))
        }
        #expect(TransferRequest(url: url).maximumBodyBytes == TransferRequest.defaultMaximumBodyBytes)
    }
}
