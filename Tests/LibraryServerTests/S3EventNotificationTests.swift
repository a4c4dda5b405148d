import Foundation
import LibraryServer
import Testing
import WireFormats

@Suite("S3 event notifications")
struct S3EventNotificationTests {
    static func parse(_ text: String) throws(S3EventError) -> [S3ObjectEvent] {
        try S3EventNotification.objects(in: Array(text.utf8))
    }

    static let created = """
        {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"eu-west-1","eventTime":"2026-11-21T10:00:00.000Z",
        "eventName":"ObjectCreated:Put","s3":{"s3SchemaVersion":"1.0","configurationId":"ingest",
        "bucket":{"name":"termplayer-music","arn":"arn:aws:s3:::termplayer-music"},
        "object":{"key":"library/My+Song%21+%E5%A4%9C.json","size":84,"eTag":"0123","sequencer":"0062"}}},
        {"eventName":"ObjectRemoved:Delete","s3":{"bucket":{"name":"termplayer-music"},"object":{"key":"library/old.json"}}},
        {"eventName":"ObjectRestore:Completed","s3":{"bucket":{"name":"termplayer-music"},"object":{"key":"library/cold.mp3"}}}]}
        """

    @Test("created and removed objects, keys form-decoded; other events ignored")
    func records() throws {
        #expect(try Self.parse(Self.created) == [
            S3ObjectEvent(bucket: "termplayer-music", key: "library/My Song! 夜.json", change: .created),
            S3ObjectEvent(bucket: "termplayer-music", key: "library/old.json", change: .removed),
        ])
    }

    @Test("the s3:TestEvent sent when notifications are configured holds no objects")
    func testEvent() throws {
        #expect(try Self.parse(#"{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-21T10:00:00Z","Bucket":"termplayer-music","RequestId":"R","HostId":"H"}"#).isEmpty)
    }

    @Test("an SNS envelope is unwrapped; MinIO's s3:-prefixed event names read the same")
    func envelopes() throws {
        let inner = #"{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"x.json\"}}}]}"#
        #expect(try Self.parse(#"{"Type":"Notification","MessageId":"m","TopicArn":"arn:aws:sns:eu-west-1:1:t","Message":"\#(inner)"}"#)
            == [S3ObjectEvent(bucket: "b", key: "x.json", change: .created)])
        #expect(try Self.parse(#"{"EventName":"s3:ObjectCreated:Put","Key":"b/y.json","Records":[{"eventName":"s3:ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"y.json"}}}]}"#)
            == [S3ObjectEvent(bucket: "b", key: "y.json", change: .created)])
    }

    @Test("an SNS envelope inside an SNS envelope is refused, not unwrapped again")
    func nestedEnvelope() throws {
        func envelope(_ message: String) throws -> String {
            String(decoding: try JSONEncoder().encode(["Type": "Notification", "Message": message]), as: UTF8.self)
        }
        let records = #"{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"x.json"}}}]}"#
        #expect(try Self.parse(envelope(records)) == [S3ObjectEvent(bucket: "b", key: "x.json", change: .created)])
        let error = #expect(throws: S3EventError.self) { try Self.parse(try envelope(envelope(records))) }
        #expect(error?.description == "an SNS envelope inside an SNS envelope")
    }

    @Test("malformed notifications are refused with the reason", arguments: [
        ("not json", "not an S3 event notification"),
        (#"{"hello":"world"}"#, "not an S3 event notification: no Records"),
        (#"{"Records":[{"s3":{}}]}"#, "a record without eventName"),
        (#"{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"}}}]}"#, "the ObjectCreated:Put record has no s3.bucket.name or s3.object.key"),
        (#"{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"bad%zz"}}}]}"#, "an object key that is not valid percent-encoding: bad%zz"),
        (#"{"Records":"nope"}"#, "not an S3 event notification: Records"),
    ])
    func malformed(text: String, reason: String) {
        let error = #expect(throws: S3EventError.self) { try Self.parse(text) }
        #expect(error?.description.hasPrefix(reason) == true, "\(error?.description ?? "no error")")
    }
}
