import ActivationCore

/// The shipped templates. They are Swift constants rather than bundle resources so the binary
/// needs no resource bundle beside it; an operator replaces any of them with a file.
enum DefaultTemplates {
    static func texts(for kind: MailKind) -> (subject: String, text: String, html: String) {
        switch kind {
        case .activation: (activationSubject, activationText, activationHTML)
        case .reminder: (reminderSubject, reminderText, reminderHTML)
        }
    }

    static let activationSubject = "Activate your account {{username}}"

    static let activationText = """
        Hello {{firstName}},

        thank you for registering the account "{{username}}" with {{serviceName}}. To activate it, open this link
        and enter the password you chose:

        {{link}}

        The link works until {{expires}}. If the account is not activated by then, the
        registration is removed and you can register again.

        If you did not register, you need not do anything: the account is never activated
        and is removed on {{expires}}.

        --\u{20}
        {{serviceName}}. This message was sent automatically. Replies are not read.

        """

    static let activationHTML = """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>Activate your account</title></head>
        <body>
        <p>Hello {{firstName}},</p>
        <p>thank you for registering the account &ldquo;{{username}}&rdquo; with {{serviceName}}. To activate it, open this
        link and enter the password you chose:</p>
        <p><a href="{{link}}">{{link}}</a></p>
        <p>The link works until {{expires}}. If the account is not activated by then, the registration
        is removed and you can register again.</p>
        <p>If you did not register, you need not do anything: the account is never activated and is
        removed on {{expires}}.</p>
        <p>{{serviceName}}. This message was sent automatically. Replies are not read.</p>
        </body></html>

        """

    static let reminderSubject = "Your activation link expires in {{daysLeftText}}"

    static let reminderText = """
        Hello {{firstName}},

        the account "{{username}}" you registered is not activated yet. {{daysLeftText}} left:
        the link works until {{expires}}. To activate the account, open this link and enter the
        password you chose:

        {{link}}

        If you did not register, you need not do anything: the account is never activated
        and is removed on {{expires}}.

        --\u{20}
        {{serviceName}}. This message was sent automatically. Replies are not read.

        """

    static let reminderHTML = """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>Your activation link expires soon</title></head>
        <body>
        <p>Hello {{firstName}},</p>
        <p>the account &ldquo;{{username}}&rdquo; you registered is not activated yet. {{daysLeftText}}
        left: the link works until {{expires}}. To activate the account, open this link and enter the
        password you chose:</p>
        <p><a href="{{link}}">{{link}}</a></p>
        <p>If you did not register, you need not do anything: the account is never activated and is
        removed on {{expires}}.</p>
        <p>{{serviceName}}. This message was sent automatically. Replies are not read.</p>
        </body></html>

        """
}
