/// A plain client dialling a TLS server learns nothing from "closed by peer": the session says
/// what most likely happened. (The other mix-up, `--ssl` against a plain server, fails in the
/// TLS handshake, and the interpreter's diagnosis says it.)
extension ClientSession {
    static let tlsServerHint = "the server speaks TLS: did you mean --ssl?"

    /// The first bytes from the server, when they are a TLS record (an alert or a handshake:
    /// content type 21 or 22, major version 3) rather than a PyChat frame, whose 4-byte length
    /// would be over 350 MB: why the session ends.
    mutating func tlsMixUp(firstBytes bytes: [UInt8]) -> String? {
        defer { heardFromServer = heardFromServer || !bytes.isEmpty }
        guard !heardFromServer, config.tls != true, bytes.count >= 2, bytes[1] == 3, bytes[0] == 21 || bytes[0] == 22
        else { return nil }
        return Self.tlsServerHint
    }

    /// A plain session that the server closes before it said a word is a TLS server turning away
    /// our first frame, more often than not.
    func explained(_ reason: String) -> String {
        guard !heardFromServer, config.tls != true, phase == .joining else { return reason }
        return reason + " before saying anything (if the server speaks TLS: did you mean --ssl?)"
    }
}
