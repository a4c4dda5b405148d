public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Amazon SQS over the AWS JSON 1.0 protocol, as current AWS SDKs speak it: every action is a signed
/// `POST /` with `X-Amz-Target: AmazonSQS.<Action>` and a JSON body; the queue is named by its URL in
/// the body, not by the request path.
///
/// Requests go to the configured endpoint (`AWS_ENDPOINT_URL_SQS` / `AWS_ENDPOINT_URL`), else to the
/// origin of the queue URL itself, which is what AWS and compatible servers hand out.
public struct SQSClient: Sendable {
    let client: SignedHTTPClient
    let configuration: AWSConfiguration

    /// `http` defaults to a client of SQS's own (see `longPolling`), so long polls never queue the
    /// requests of other AWS clients behind them.
    public init(configuration: AWSConfiguration, http: HTTPClient = SQSClient.longPolling) {
        self.configuration = configuration
        self.client = SignedHTTPClient(http: http, configuration: configuration, service: "sqs")
    }

    /// A client of SQS's own, so a few pollers waiting 20 s each never queue other AWS requests behind them.
    public static let longPolling = SignedHTTPClient.makeHTTPClient()

    // MARK: Messages

    /// Receives up to `maxMessages` (1…10), waiting up to `waitTimeSeconds` (0…20) for the first to arrive,
    /// with each message's receive count and sent time. Received messages are hidden from other
    /// receivers for `visibilityTimeoutSeconds` (the queue's default when nil).
    public func receiveMessages(
        queueURL: String, maxMessages: Int = 10, waitTimeSeconds: Int = 20, visibilityTimeoutSeconds: Int? = nil,
        messageAttributeNames: [String] = ["All"]
    ) async throws(AWSError) -> [SQSMessage] {
        let request = ReceiveMessageRequest(
            QueueUrl: queueURL, MaxNumberOfMessages: maxMessages, WaitTimeSeconds: waitTimeSeconds,
            VisibilityTimeout: visibilityTimeoutSeconds,
            MessageSystemAttributeNames: [SQSMessage.receiveCountAttribute, SQSMessage.sentTimestampAttribute],
            MessageAttributeNames: messageAttributeNames)
        // The answer may take the whole wait; the deadline leaves room beyond it for the round trip.
        let timeout = TimeAmount.seconds(Int64(max(0, waitTimeSeconds)) + 10)
        let result: ReceiveMessageResult = try await call("ReceiveMessage", request, queueURL: queueURL, timeout: timeout)
        return result.Messages ?? []
    }

    /// Deletes messages by receipt handle, ten per request; returns the entries SQS refused (a handle that
    /// expired because the message was received again, say), each with SQS's code.
    public func deleteMessages(queueURL: String, receiptHandles: [String]) async throws(AWSError) -> [SQSBatchFailure] {
        var failures: [SQSBatchFailure] = []
        var start = 0
        while start < receiptHandles.count {
            let chunk = Array(receiptHandles[start..<min(start + 10, receiptHandles.count)])
            let entries = chunk.enumerated().map { DeleteMessageBatchRequest.Entry(Id: "m\($0.offset)", ReceiptHandle: $0.element) }
            let result: DeleteMessageBatchResult = try await call(
                "DeleteMessageBatch", DeleteMessageBatchRequest(QueueUrl: queueURL, Entries: entries), queueURL: queueURL)
            for failed in result.Failed ?? [] {
                // Ids are "m<index>"; an id this client did not send is reported with an empty handle.
                let index = Int(failed.Id.dropFirst()).flatMap { chunk.indices.contains($0) ? $0 : nil }
                failures.append(
                    SQSBatchFailure(
                        receiptHandle: index.map { chunk[$0] } ?? "", code: failed.Code, message: failed.Message ?? "",
                        senderFault: failed.SenderFault))
            }
            start += chunk.count
        }
        return failures
    }

    /// Makes a received message visible again after `seconds` (0 = now), counted from this call.
    public func changeMessageVisibility(queueURL: String, receiptHandle: String, seconds: Int) async throws(AWSError) {
        let _: EmptyResult = try await call(
            "ChangeMessageVisibility",
            ChangeMessageVisibilityRequest(QueueUrl: queueURL, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds),
            queueURL: queueURL)
    }

    /// Sends `body` with string message attributes; returns the new message's id.
    @discardableResult
    public func sendMessage(queueURL: String, body: String, attributes: [String: String] = [:], delaySeconds: Int? = nil)
        async throws(AWSError) -> String
    {
        let request = SendMessageRequest(
            QueueUrl: queueURL, MessageBody: body, DelaySeconds: delaySeconds,
            MessageAttributes: attributes.isEmpty ? nil : attributes.mapValues { .init(DataType: "String", StringValue: $0) })
        let result: SendMessageResult = try await call("SendMessage", request, queueURL: queueURL)
        return result.MessageId ?? ""
    }

    // MARK: Queues

    /// The URL of the queue called `name`.
    public func queueURL(named name: String) async throws(AWSError) -> String {
        let result: QueueURLResult = try await call("GetQueueUrl", GetQueueUrlRequest(QueueName: name), queueURL: nil)
        guard let url = result.QueueUrl else { throw .malformedResponse(operation: "GetQueueUrl", detail: "no QueueUrl") }
        return url
    }

    /// Creates the queue (or returns the existing one with the same attributes); returns its URL.
    /// `attributes` are SQS's own: "VisibilityTimeout", "ReceiveMessageWaitTimeSeconds", …
    public func createQueue(named name: String, attributes: [String: String] = [:]) async throws(AWSError) -> String {
        let result: QueueURLResult = try await call(
            "CreateQueue", CreateQueueRequest(QueueName: name, Attributes: attributes.isEmpty ? nil : attributes), queueURL: nil)
        guard let url = result.QueueUrl else { throw .malformedResponse(operation: "CreateQueue", detail: "no QueueUrl") }
        return url
    }

    /// The queue's attributes by SQS's names ("ApproximateNumberOfMessages", "VisibilityTimeout", …);
    /// all of them when `names` is empty.
    public func queueAttributes(queueURL: String, names: [String] = []) async throws(AWSError) -> [String: String] {
        let result: GetQueueAttributesResult = try await call(
            "GetQueueAttributes", GetQueueAttributesRequest(QueueUrl: queueURL, AttributeNames: names.isEmpty ? ["All"] : names),
            queueURL: queueURL)
        return result.Attributes ?? [:]
    }

    // MARK: The protocol

    /// Where a request goes: the configured endpoint, else the queue URL's origin, else SQS in the region.
    func endpoint(for queueURL: String?, operation: String) throws(AWSError) -> Endpoint {
        if let configured = configuration.endpoint { return configured }
        if let queueURL {
            guard var origin = Endpoint(queueURL) else {
                throw .configuration("\(operation): the queue URL is not an http(s) URL: \(queueURL)")
            }
            origin.basePath = ""
            return origin
        }
        guard let regional = Endpoint("https://sqs.\(configuration.region).amazonaws.com") else {
            throw .configuration("\(operation): no SQS endpoint for the region \(configuration.region)")
        }
        return regional
    }

    private func call<Input: Encodable, Output: Decodable>(
        _ operation: String, _ input: Input, queueURL: String?, timeout: TimeAmount = .seconds(30)
    ) async throws(AWSError) -> Output {
        let body: Data
        do {
            body = try JSONEncoder().encode(input)
        } catch {
            throw .configuration("\(operation): the request cannot be encoded: \(error)")
        }
        let request = SignedHTTPClient.Request(
            .POST, try endpoint(for: queueURL, operation: operation), path: "/",
            // Query mode: errors also carry the query-era code ("AWS.SimpleQueueService.NonExistentQueue")
            // in `x-amzn-query-error`, the code the SDKs report, as botocore asks for it.
            headers: [
                ("content-type", "application/x-amz-json-1.0"), ("x-amz-target", "AmazonSQS.\(operation)"), ("x-amzn-query-mode", "true"),
            ],
            body: ByteBuffer(bytes: body))
        let response = try await client.collect(request, operation: operation, limit: 4 << 20, timeout: timeout)
        // Actions without output answer with an empty body or "{}".
        let bytes = response.readableBytes == 0 ? Data("{}".utf8) : Data(response.readableBytesView)
        do {
            return try JSONDecoder().decode(Output.self, from: bytes)
        } catch {
            throw .malformedResponse(operation: operation, detail: "\(error)")
        }
    }
}

/// A message as `ReceiveMessage` hands it out.
public struct SQSMessage: Sendable, Hashable, Decodable {
    public var messageID: String
    /// Names this receipt of the message: deleting or changing its visibility needs it.
    public var receiptHandle: String
    public var body: String
    /// System attributes ("ApproximateReceiveCount", "SentTimestamp"), as SQS sends them: strings.
    public var attributes: [String: String]
    /// String message attributes (other data types are left out).
    public var messageAttributes: [String: String]

    static let receiveCountAttribute = "ApproximateReceiveCount"
    static let sentTimestampAttribute = "SentTimestamp"

    public init(messageID: String, receiptHandle: String, body: String, attributes: [String: String] = [:], messageAttributes: [String: String] = [:]) {
        self.messageID = messageID
        self.receiptHandle = receiptHandle
        self.body = body
        self.attributes = attributes
        self.messageAttributes = messageAttributes
    }

    /// How many times the message was received, this time included (1 when SQS did not say).
    public var receiveCount: Int { attributes[Self.receiveCountAttribute].flatMap { Int($0) } ?? 1 }

    /// When the message was sent, in milliseconds since 1970; nil when SQS did not say.
    public var sentTimestamp: Int64? { attributes[Self.sentTimestampAttribute].flatMap { Int64($0) } }

    enum CodingKeys: String, CodingKey {
        case messageID = "MessageId", receiptHandle = "ReceiptHandle", body = "Body", attributes = "Attributes"
        case messageAttributes = "MessageAttributes"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        messageID = try container.decode(String.self, forKey: .messageID)
        receiptHandle = try container.decode(String.self, forKey: .receiptHandle)
        body = try container.decodeIfPresent(String.self, forKey: .body) ?? ""
        attributes = try container.decodeIfPresent([String: String].self, forKey: .attributes) ?? [:]
        let values = try container.decodeIfPresent([String: MessageAttributeValue].self, forKey: .messageAttributes) ?? [:]
        messageAttributes = values.compactMapValues(\.StringValue)
    }
}

/// One entry of a batch request that SQS refused.
public struct SQSBatchFailure: Sendable, Hashable {
    public var receiptHandle: String
    /// SQS's code: "ReceiptHandleIsInvalid", …
    public var code: String
    public var message: String
    /// True when the request was wrong (retrying it will not help), false when SQS failed.
    public var senderFault: Bool
}

// MARK: Shapes (botocore's sqs/2012-11-05/service-2.json), named as on the wire

struct ReceiveMessageRequest: Encodable {
    var QueueUrl: String
    var MaxNumberOfMessages: Int
    var WaitTimeSeconds: Int
    var VisibilityTimeout: Int?
    var MessageSystemAttributeNames: [String]
    var MessageAttributeNames: [String]
}

struct ReceiveMessageResult: Decodable {
    var Messages: [SQSMessage]?
}

struct MessageAttributeValue: Codable {
    var DataType: String
    var StringValue: String?
}

struct DeleteMessageBatchRequest: Encodable {
    struct Entry: Encodable {
        var Id: String
        var ReceiptHandle: String
    }

    var QueueUrl: String
    var Entries: [Entry]
}

struct DeleteMessageBatchResult: Decodable {
    struct Failure: Decodable {
        var Id: String
        var SenderFault: Bool
        var Code: String
        var Message: String?
    }

    var Failed: [Failure]?
}

struct ChangeMessageVisibilityRequest: Encodable {
    var QueueUrl: String
    var ReceiptHandle: String
    var VisibilityTimeout: Int
}

struct SendMessageRequest: Encodable {
    var QueueUrl: String
    var MessageBody: String
    var DelaySeconds: Int?
    var MessageAttributes: [String: MessageAttributeValue]?
}

struct SendMessageResult: Decodable {
    var MessageId: String?
}

struct GetQueueUrlRequest: Encodable {
    var QueueName: String
}

struct CreateQueueRequest: Encodable {
    var QueueName: String
    var Attributes: [String: String]?
}

struct GetQueueAttributesRequest: Encodable {
    var QueueUrl: String
    var AttributeNames: [String]
}

struct GetQueueAttributesResult: Decodable {
    var Attributes: [String: String]?
}

struct QueueURLResult: Decodable {
    var QueueUrl: String?
}

struct EmptyResult: Decodable {}
