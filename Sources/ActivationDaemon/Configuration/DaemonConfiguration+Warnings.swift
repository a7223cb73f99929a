import ActivationCore
import ActivationMail

extension DaemonConfiguration {
    /// What `check-config` warns about without failing: settings that work but hurt delivery.
    public var warnings: [String] {
        var warnings: [String] = []
        let fromDomain = EmailAddress.domain(of: smtp.fromAddress).lowercased()
        if let key = dkim.first {
            if !Self.isAligned(fromDomain, key.domain) {
                warnings.append("dkim.domain \(key.domain) does not align with the From domain \(fromDomain) "
                    + "(smtp.from): DMARC will not count the DKIM signature; sign for \(fromDomain) or a domain "
                    + "it is part of")
            }
        } else {
            warnings.append("no DKIM key configured (dkim.private_key_file or the dkim-key credential): mail goes out "
                + "unsigned unless the relay signs it, and large mailbox providers junk or refuse unauthenticated mail")
        }
        return warnings
    }

    /// DMARC's relaxed alignment, simplified: the two domains are equal, or one is a subdomain of
    /// the other. (DMARC compares organisational domains, which needs the Public Suffix List; this
    /// rule agrees with it except for a signing domain that is itself a public suffix, like `co.uk`.)
    static func isAligned(_ fromDomain: String, _ signingDomain: String) -> Bool {
        let from = fromDomain.lowercased()
        let signing = signingDomain.lowercased()
        return from == signing || from.hasSuffix("." + signing) || signing.hasSuffix("." + from)
    }
}
