import Crypto
import Foundation
import SwiftASN1
import X509

/// A throwaway certificate authority for TLS tests: a CA and the certificates it issues,
/// written as PEM files (keys owner-only) into a temporary folder.
struct TestPKI {
    let name: String
    let key: P256.Signing.PrivateKey
    let certificate: Certificate
    let folder: URL

    /// A new CA called `name` with its certificate in `folder/name-ca.pem`.
    init(name: String, folder: URL) throws {
        self.name = name
        self.folder = folder
        key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName("\(name) test CA") }
        let now = Date()
        certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86_400, issuer: subject, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(key))
        try Self.write(try certificate.serializeAsPEM().pemString, to: caFile, mode: 0o644)
    }

    var caFile: String { folder.appendingPathComponent("\(name)-ca.pem").path }

    /// Issues a certificate for `commonName` valid for 127.0.0.1 and `dnsNames`; answers the
    /// paths of its PEM certificate and key (mode 600).
    func issue(_ commonName: String, dnsNames: [String] = ["localhost"], ip: [UInt8]? = [127, 0, 0, 1], validFor: TimeInterval = 86_400) throws -> (certificate: String, key: String) {
        let leafKey = P256.Signing.PrivateKey()
        var names: [GeneralName] = dnsNames.map { .dnsName($0) }
        if let ip { names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(ip)))) }
        let now = Date()
        let leaf = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(leafKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + validFor, issuer: certificate.subject,
            subject: try DistinguishedName { CommonName(commonName) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: .init(key))
        let certificatePath = folder.appendingPathComponent("\(name)-\(commonName).pem").path
        let keyPath = folder.appendingPathComponent("\(name)-\(commonName).key").path
        try Self.write(try leaf.serializeAsPEM().pemString, to: certificatePath, mode: 0o644)
        try Self.write(leafKey.pemRepresentation, to: keyPath, mode: 0o600)
        return (certificatePath, keyPath)
    }

    static func write(_ text: String, to path: String, mode: Int) throws {
        try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    /// A new empty temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("anycast-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
