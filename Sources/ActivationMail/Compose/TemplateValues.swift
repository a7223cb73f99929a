import ActivationTemplates

/// The values a mail template can name, in the order `TemplateValues` stores them.
enum TemplateValueName: Int, CaseIterable, Sendable {
    case firstName, lastName, username, link, expires, daysLeft, daysLeftText, serviceName

    /// The name templates use for it, the key of the mustache context.
    var key: String {
        switch self {
        case .firstName: "firstName"
        case .lastName: "lastName"
        case .username: "username"
        case .link: "link"
        case .expires: "expires"
        case .daysLeft: "daysLeft"
        case .daysLeftText: "daysLeftText"
        case .serviceName: "serviceName"
        }
    }
}

/// One mail's values as UTF-8 bytes, spelled as the mustache context spells them (`expires` by
/// `RFC5322Date.human`, `daysLeft` in decimal), made once and shared by the three templates.
struct TemplateValues {
    private var storage: [UInt8] = []
    private var ends: [Int] = []

    init(_ values: MailValues) {
        storage.reserveCapacity(values.firstName.utf8.count + values.lastName.utf8.count + values.username.utf8.count
            + values.link.utf8.count + 80)
        ends.reserveCapacity(TemplateValueName.allCases.count)
        for name in TemplateValueName.allCases {
            switch name {
            case .firstName: storage.append(contentsOf: values.firstName.utf8)
            case .lastName: storage.append(contentsOf: values.lastName.utf8)
            case .username: storage.append(contentsOf: values.username.utf8)
            case .link: storage.append(contentsOf: values.link.utf8)
            case .expires: RFC5322Date.appendHuman(values.expiresAt, to: &storage)
            case .daysLeft: storage.append(decimal: values.daysLeft)
            case .daysLeftText:
                storage.append(decimal: values.daysLeft)
                if values.daysLeft == 1 { storage.append(ascii: " day") } else { storage.append(ascii: " days") }
            case .serviceName: storage.append(contentsOf: values.serviceName.utf8)
            }
            ends.append(storage.count)
        }
    }

    /// All values together, in bytes: what a render may add beyond the template's own text.
    var totalCount: Int { storage.count }

    /// Appends `template` rendered with these values, the template's slots being
    /// `TemplateValueName` raw values.
    func render(_ template: MarkedTemplate, into out: inout [UInt8]) {
        storage.withUnsafeBufferPointer { bytes in
            ends.withUnsafeBufferPointer { ends in
                template.render({ slot in
                    UnsafeBufferPointer(rebasing: bytes[(slot == 0 ? 0 : ends[slot - 1])..<ends[slot]])
                }, into: &out)
            }
        }
    }

    /// The bytes `render` appends for `template` when no value needs escaping: room to reserve.
    func expectedLength(_ template: MarkedTemplate) -> Int {
        template.expectedLength { slot in ends[slot] - (slot == 0 ? 0 : ends[slot - 1]) }
    }
}
