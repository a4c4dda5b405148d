import AWSClients
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The SQS client against moto: the JSON protocol's actions, long polling, and the errors it reports.
@Suite("SQS client", .enabled(if: TestServices.awsEndpoint != nil, Comment(rawValue: TestServices.missingAWS)))
struct SQSClientTests {
    let sqs: SQSClient

    init() throws {
        let endpoint = try #require(TestServices.awsEndpoint)
        sqs = SQSClient(configuration: try AWSConfiguration(environment: TestServices.awsEnvironment(endpoint: endpoint), service: "sqs"))
    }

    func makeQueue(visibilityTimeout: Int = 30) async throws -> String {
        try await sqs.createQueue(named: TestServices.uniqueName("sqs-client"), attributes: ["VisibilityTimeout": "\(visibilityTimeout)"])
    }

    @Test("sent messages are received with their attributes, and deleted in one batch that reports the entry it refused")
    func roundTrip() async throws {
        let queue = try await makeQueue()
        let before = Int64(Date().timeIntervalSince1970 * 1000) - 1000
        var sent: [String: String] = [:]
        for body in ["one", "two", #"{"three":"ünïcödé \"quoted\""}"#] {
            sent[try await sqs.sendMessage(queueURL: queue, body: body, attributes: ["origin": "test-\(body.count)"])] = body
        }
        var received: [SQSMessage] = []
        while received.count < 3 {
            let batch = try await sqs.receiveMessages(queueURL: queue, maxMessages: 10, waitTimeSeconds: 2, visibilityTimeoutSeconds: 1)
            try #require(!batch.isEmpty, "moto handed out \(received.count) of 3 messages")
            received += batch
        }
        #expect(Dictionary(uniqueKeysWithValues: received.map { ($0.messageID, $0.body) }) == sent)
        for message in received {
            #expect(message.receiveCount == 1)
            #expect((message.sentTimestamp ?? 0) >= before)
            #expect(message.messageAttributes["origin"] == "test-\(message.body.count)")
            #expect(!message.receiptHandle.isEmpty)
        }

        let failures = try await sqs.deleteMessages(queueURL: queue, receiptHandles: received.map(\.receiptHandle) + ["not-a-receipt"])
        #expect(failures.count == 1)
        #expect(failures.first?.receiptHandle == "not-a-receipt")
        #expect(failures.first?.code == "ReceiptHandleIsInvalid")
        #expect(failures.first?.senderFault == true)
        try await Task.sleep(for: .seconds(1.5))  // past the visibility timeout: undeleted messages would be back
        #expect(try await sqs.receiveMessages(queueURL: queue, waitTimeSeconds: 1).isEmpty)
    }

    @Test("a long poll answers as soon as a message arrives, not at the end of its wait")
    func longPollReturnsEarly() async throws {
        let queue = try await makeQueue()
        let clock = ContinuousClock()
        let start = clock.now
        async let received = sqs.receiveMessages(queueURL: queue, maxMessages: 1, waitTimeSeconds: 15)
        try await Task.sleep(for: .milliseconds(500))
        try await sqs.sendMessage(queueURL: queue, body: "wake up")
        let messages = try await received
        let elapsed = clock.now - start
        #expect(messages.map(\.body) == ["wake up"])
        #expect(elapsed < .seconds(5), "the receive took \(elapsed)")
        #expect(try await sqs.receiveMessages(queueURL: queue, waitTimeSeconds: 0).isEmpty, "received messages are hidden")
    }

    @Test("ChangeMessageVisibility brings a hidden message back at once")
    func changeVisibility() async throws {
        let queue = try await makeQueue(visibilityTimeout: 600)
        try await sqs.sendMessage(queueURL: queue, body: "again")
        let first = try #require(try await sqs.receiveMessages(queueURL: queue, waitTimeSeconds: 2).first)
        #expect(try await sqs.receiveMessages(queueURL: queue, waitTimeSeconds: 1).isEmpty, "hidden for ten minutes")
        try await sqs.changeMessageVisibility(queueURL: queue, receiptHandle: first.receiptHandle, seconds: 0)
        let second = try #require(try await sqs.receiveMessages(queueURL: queue, waitTimeSeconds: 2).first)
        #expect(second.messageID == first.messageID)
        #expect(second.receiveCount == 2)
        #expect(second.receiptHandle != first.receiptHandle)
    }

    @Test("a queue that does not exist is an AWSError with SQS's code")
    func missingQueue() async throws {
        let queue = try await makeQueue()
        let missing = queue + "-gone"
        do {
            _ = try await sqs.receiveMessages(queueURL: missing, waitTimeSeconds: 0)
            Issue.record("receiving from \(missing) succeeded")
        } catch {
            #expect(error.code == "AWS.SimpleQueueService.NonExistentQueue", "\(error)")
            #expect(error.status == 400)
            #expect(error.description.contains("ReceiveMessage"))
        }
        do {
            _ = try await sqs.queueURL(named: TestServices.uniqueName("never-made"))
            Issue.record("a queue that was never made has a URL")
        } catch {
            #expect(error.code == "AWS.SimpleQueueService.NonExistentQueue", "\(error)")
        }
        #expect(try await sqs.queueURL(named: String(queue.split(separator: "/").last ?? "")) == queue)
    }

    @Test("no server on the port is a transport error, reported at once")
    func noServer() async throws {
        // A bound socket that never listens: connecting to it is refused, and no one else can take the port.
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socket >= 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        try #require(bound)
        let origin = "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))"
        let client = SQSClient(configuration: try AWSConfiguration(environment: TestServices.awsEnvironment(endpoint: origin), service: "sqs"))
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try await client.receiveMessages(queueURL: "\(origin)/123456789012/none", waitTimeSeconds: 20)
            Issue.record("a receive from a closed port succeeded")
        } catch {
            guard case .transport(let operation, _) = error else {
                Issue.record("expected a transport error, got \(error)")
                return
            }
            #expect(operation == "ReceiveMessage")
        }
        #expect(clock.now - start < .seconds(10), "well inside the 20-s long poll it asked for")
    }
}
