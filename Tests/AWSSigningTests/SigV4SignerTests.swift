import AWSSigning
import Testing

@Suite("AWS Signature Version 4")
struct SigV4SignerTests {
    static let docsCredentials = AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    static let suiteCredentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    /// 2013-05-24T00:00:00Z (S3's documented examples), 2015-08-30T12:36:00Z (the public test suite),
    /// 2026-11-21T10:00:00Z (the botocore vectors).
    static let docsTime = 1_369_353_600
    static let suiteTime = 1_440_938_160
    static let botocoreTime = 1_795_255_200

    static func authorization(_ headers: [(name: String, value: String)]) -> String? {
        headers.first { $0.name == "authorization" }?.value
    }

    @Test("S3's documented example: GET Object with a Range header")
    func s3GetObjectExample() {
        let signer = SigV4Signer(credentials: Self.docsCredentials, region: "us-east-1")
        let request = SignableRequest(method: "GET", host: "examplebucket.s3.amazonaws.com", path: "/test.txt", headers: [("Range", "bytes=0-9")])
        let headers = signer.signingHeaders(for: request, at: Self.docsTime)
        #expect(Self.authorization(headers) == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(headers.contains { $0 == ("x-amz-date", "20130524T000000Z") })
    }

    @Test("the public SigV4 test suite: get-vanilla and get-space", arguments: [
        ("/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        ("/example space/", "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"),
    ])
    func testSuite(path: String, signature: String) {
        let signer = SigV4Signer(credentials: Self.suiteCredentials, region: "us-east-1", service: "service")
        let request = SignableRequest(method: "GET", host: "example.amazonaws.com", path: path)
        #expect(Self.authorization(signer.signingHeaders(for: request, at: Self.suiteTime))
            == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=\(signature)")
    }

    // The next three were computed by botocore 1.43.11 (S3SigV4Auth / S3SigV4QueryAuth) for the same
    // requests at the same instant: the signer must agree with the reference implementation boto3 uses.

    @Test("a PUT with a body and a content type, path-style, agrees with botocore")
    func putWithBody() {
        let signer = SigV4Signer(credentials: Self.docsCredentials, region: "eu-west-1")
        let body = Array(#"{"title":"Starting Over","genre":6}"#.utf8)
        let request = SignableRequest(
            method: "PUT", host: "127.0.0.1:5000", path: "/termplayer-music/library/starting-over.json",
            headers: [("Content-Type", "application/json")], payloadHash: SignableRequest.payloadHash(of: body))
        #expect(request.payloadHash == "3b1c16b563597b1891854339987c6b3ff27c0cce7bb499d877115b55231523dd")
        #expect(Self.authorization(signer.signingHeaders(for: request, at: Self.botocoreTime))
            == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261121/eu-west-1/s3/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=78c5902e7873c77bdb5519fbdc2a37248f1fd3da47f2694f4d64e19db725db6e")
    }

    @Test("a listing with an encoded query and temporary credentials agrees with botocore")
    func listWithSessionToken() {
        let credentials = AWSCredentials(accessKeyID: "ASIAEXAMPLE", secretAccessKey: "secret/with+chars", sessionToken: "token-xyz==")
        let signer = SigV4Signer(credentials: credentials, region: "eu-west-1")
        let request = SignableRequest(
            method: "GET", host: "127.0.0.1:5000", path: "/termplayer-music",
            query: [("list-type", "2"), ("prefix", "library/My Song"), ("continuation-token", "a+b=")])
        let headers = signer.signingHeaders(for: request, at: Self.botocoreTime)
        #expect(headers.contains { $0 == ("x-amz-security-token", "token-xyz==") })
        #expect(Self.authorization(headers)
            == "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261121/eu-west-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=eca683dc3ec0dae76ddfb62eda3440cb5e4cb149872b416ed0b7e5c5809e3402")
    }

    @Test("a presigned GET of a key with non-ASCII characters agrees with botocore")
    func presigned() {
        let signer = SigV4Signer(credentials: Self.docsCredentials, region: "eu-west-1")
        let request = SignableRequest(method: "GET", host: "127.0.0.1:5000", path: "/termplayer-music/library/夜.mp3")
        #expect(signer.presignedQuery(for: request, at: Self.botocoreTime, expires: 900)
            == "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261121%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20261121T100000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=3704f5b8e69bf26c408da2a6774a54c187dc52eb7afd172ac967c5404e824eb4")
    }

    @Test("credentials come from the standard environment variables, or not at all")
    func environment() {
        #expect(AWSCredentials(environment: ["AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b", "AWS_SESSION_TOKEN": "c"])
            == AWSCredentials(accessKeyID: "a", secretAccessKey: "b", sessionToken: "c"))
        #expect(AWSCredentials(environment: ["AWS_ACCESS_KEY_ID": "a"]) == nil)
        #expect(AWSCredentials(environment: ["AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b", "AWS_SESSION_TOKEN": ""])?.sessionToken == nil)
    }
}
