import Foundation
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
public import SystemPackage

/// The certificate chain and private key `serve --tls-cert/--tls-key` name, as PEM files: what the
/// service needs to answer HTTPS itself, without a proxy in front.
public struct TLSFiles: Sendable {
    public var certificateChain: FilePath
    public var privateKey: FilePath

    public init(certificateChain: FilePath, privateKey: FilePath) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
    }

    /// HTTP/1.1 inside TLS 1.2 or later, read from the files now so a bad file stops start-up with its name.
    func serverBuilder() throws(ServerSetupError) -> HTTPServerBuilder {
        for file in [certificateChain, privateKey] where !FileManager.default.isReadableFile(atPath: file.string) {
            throw .configuration("cannot read \(file): no such file, or not readable")
        }
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(certificateChain.string)
        } catch {
            throw .configuration("cannot read the TLS certificate \(certificateChain): \(error)")
        }
        guard !certificates.isEmpty else { throw .configuration("\(certificateChain) holds no PEM certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: privateKey.string, format: .pem)
        } catch {
            throw .configuration("cannot read the TLS private key \(privateKey): \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificates.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        do {
            // Made once here only to check it: the server makes its own, after start-up has reported.
            _ = try NIOSSLContext(configuration: configuration)
            return try .tls(.http1(), tlsConfiguration: configuration)
        } catch {
            throw .configuration("the private key \(privateKey) does not fit the certificate \(certificateChain) (\(error))")
        }
    }
}
