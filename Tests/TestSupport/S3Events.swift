/// S3 event notifications as S3 sends them (to SQS, or to `POST /events/s3`), for tests.
public enum S3Events {
    /// One `ObjectCreated:Put` record per key. Keys go in as given: S3 writes them form-encoded
    /// ("My+Song%21.json"), and a test may want either form.
    public static func created(_ keys: [String], bucket: String = "music") -> String {
        let records = keys.map {
            #"{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"\#(bucket)"},"object":{"key":"\#($0)","size":1}}}"#
        }
        return #"{"Records":[\#(records.joined(separator: ","))]}"#
    }
}
