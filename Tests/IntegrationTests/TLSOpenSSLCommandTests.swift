import ChatIO
import Foundation
import Testing

private let opensslCommandAvailable = executableInPath("openssl") != nil

/// Certificates made the way the original's `make ssl_certs` makes them: the
/// openssl command, RSA 2048, a self-signed CA from `req -x509`, a leaf signed
/// with `x509 -req -extfile` carrying the subjectAltName, key then
/// certificate concatenated into client.pem (used for both roles).
private let makeCertificatesLikeTheOriginal = """
    set -e
    openssl genrsa -out rootCA.key 2048 2>/dev/null
    openssl req -x509 -new -nodes -key rootCA.key -sha256 -days 1024 -out rootCA.pem -subj "/C=US/O=PyChat/CN=PyChat Root CA"
    openssl genrsa -out client.key 2048 2>/dev/null
    openssl req -new -key client.key -out client.csr -subj "/C=US/O=PyChat/CN=localhost"
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:0.0.0.0\\n' > client.ext
    openssl x509 -req -in client.csr -CA rootCA.pem -CAkey rootCA.key -CAcreateserial -out client.crt -days 500 -sha256 -extfile client.ext 2>/dev/null
    cat client.key client.crt > client.pem
    echo made
    """

@Suite(.enabled(if: opensslCommandAvailable, "the openssl command is not installed (apt-get install -y openssl)"))
struct TLSOpenSSLCommandTests {
    @Test func certificatesFromTheOpenSSLCommandLoadAndHandshake() async throws {
        let directory = try TLSTemporaryDirectory()
        defer { directory.remove() }
        let script = try Proc("sh", "/bin/sh", ["-c", makeCertificatesLikeTheOriginal], directory: directory.path)
        #expect(try await script.exitCode() == 0, "\(script.stdout)\(script.stderr)")
        let pem = directory.file("client.pem")
        let ca = directory.file("rootCA.pem")

        for name in ["localhost", "127.0.0.1", "0.0.0.0"] {
            let (client, server) = try connectInMemory(
                client: TLSContext.client(certFile: pem, caFile: ca),
                server: TLSContext.server(certFile: pem, caFile: ca),
                serverName: name)
            #expect(client.error == nil, "\(String(describing: client.error))")
            #expect(server.error == nil, "\(String(describing: server.error))")
            try client.send(Array("over RSA".utf8))
            pumpMemory(client, server)
            #expect(server.received == Array("over RSA".utf8))
        }
        // ::1 is not in the original's names.
        let (client, _) = try connectInMemory(
            client: TLSContext.client(certFile: pem, caFile: ca),
            server: TLSContext.server(certFile: pem, caFile: ca),
            serverName: "::1")
        #expect(client.error?.kind == .hostnameMismatch)
    }

    @Test func certificatesFromTheOpenSSLCommandMixWithOurs() async throws {
        let directory = try TLSTemporaryDirectory()
        defer { directory.remove() }
        let script = try Proc("sh", "/bin/sh", ["-c", makeCertificatesLikeTheOriginal], directory: directory.path)
        #expect(try await script.exitCode() == 0, "\(script.stdout)\(script.stderr)")
        // A certificate from our factory is not signed by the command's CA.
        let ours = try TLSFixture()
        defer { ours.remove() }
        let (client, server) = try connectInMemory(
            client: TLSContext.client(certFile: ours.clientFile, caFile: directory.file("rootCA.pem")),
            server: TLSContext.server(certFile: directory.file("client.pem"), caFile: directory.file("rootCA.pem")))
        #expect(server.error?.kind == .unknownCA)
        #expect(client.error?.kind == .alertFromPeer)
    }

    @Test func theOpenSSLCommandAcceptsOurCertificatesForBothPurposes() async throws {
        let directory = try TLSTemporaryDirectory()
        defer { directory.remove() }
        try CertificateFactory.writeStandardSet(into: directory.path)
        let script = try Proc("sh", "/bin/sh", ["-c", """
            set -e
            for leaf in server.pem client.pem; do
              for purpose in sslserver sslclient; do
                openssl verify -CAfile rootCA.pem -purpose $purpose $leaf
              done
            done
            openssl x509 -in rootCA.pem -noout -ext basicConstraints
            openssl x509 -in server.pem -noout -ext subjectAltName,extendedKeyUsage
            """], directory: directory.path)
        #expect(try await script.exitCode() == 0, "\(script.stdout)\(script.stderr)")
        #expect(script.stdoutLines.filter { $0.hasSuffix(": OK") }.count == 4, "\(script.stdout)")
        let text = script.stdout
        #expect(text.contains("CA:TRUE"))
        #expect(text.contains("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:0.0.0.0"), "\(text)")
        #expect(text.contains("TLS Web Server Authentication, TLS Web Client Authentication"), "\(text)")
    }
}
