/// The pages shipped with activationd, by name. An operator's `templates.directory` replaces any
/// of them with a `<name>.mustache` file (and the stylesheet with `style.css`).
///
/// Every page extends `layout`, which inlines the stylesheet: the CSP allows exactly that
/// stylesheet by its hash, so pages need nothing from elsewhere and run no script.
enum DefaultTemplates {
    static let all: [String: String] = [
        "layout": layout, "activate": activate, "activated": activated, "already-active": alreadyActive,
        "expired": expired, "invalid": invalid, "locked": locked, "resend-sent": resendSent,
        "resend-form": resendForm, "error": error,
    ]

    static let layout = """
        <!DOCTYPE html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>{{$title}}Account activation{{/title}} · {{serviceName}}</title>
        <style>{{{style}}}</style>
        </head>
        <body>
        <main>
        {{$main}}{{/main}}
        </main>
        </body>
        </html>

        """

    static let activate = """
        {{<layout}}{{$title}}Activate your account{{/title}}{{$main}}
        <h1>Welcome, {{firstName}}</h1>
        {{#askPassword}}
        <section class="phrase" aria-labelledby="phrase-heading">
        <h2 id="phrase-heading">Your password protection phrase</h2>
        <p class="phrase-text">{{phrase}}</p>
        <p><strong>If you don't see your phrase, don't provide your password!</strong></p>
        </section>
        <p>To activate your account, enter the password you chose when you registered.</p>
        {{#error}}<p class="error" id="password-error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="activate">
        <input type="hidden" name="token" value="{{token}}">
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required
         maxlength="64"{{#error}} aria-invalid="true" aria-describedby="password-error" autofocus{{/error}}>
        <button type="submit">Activate my account</button>
        </form>
        {{/askPassword}}
        {{^askPassword}}
        <p>Press the button to activate your account.</p>
        <form method="post" action="activate">
        <input type="hidden" name="token" value="{{token}}">
        <button type="submit">Activate my account</button>
        </form>
        {{/askPassword}}
        {{/main}}{{/layout}}
        """

    static let activated = """
        {{<layout}}{{$title}}Your account is active{{/title}}{{$main}}
        <h1>Your account is active</h1>
        <p>Thank you, {{firstName}}. Your account <strong>{{username}}</strong> is now active and you can sign in.</p>
        <p><a href="{{publicURL}}">Go to sign in</a></p>
        {{/main}}{{/layout}}
        """

    static let alreadyActive = """
        {{<layout}}{{$title}}Your account is already active{{/title}}{{$main}}
        <h1>Your account is already active</h1>
        <p>This account was activated before; there is nothing more to do.</p>
        <p><a href="{{publicURL}}">Go to sign in</a></p>
        {{/main}}{{/layout}}
        """

    static let expired = """
        {{<layout}}{{$title}}This activation link has expired{{/title}}{{$main}}
        <h1>This activation link has expired</h1>
        <p>An account has to be activated within {{lifetimeDays}} days of registering. That time is over
         for this one, so it will be removed and its username freed.</p>
        <p><a href="{{registrationURL}}">Register again</a> — it takes a few minutes.</p>
        <h2>Registered again already?</h2>
        <p>If you registered again and cannot find the new mail, we can send its link once more.</p>
        {{>resend-form}}
        {{/main}}{{/layout}}
        """

    static let invalid = """
        {{<layout}}{{$title}}This activation link does not work{{/title}}{{$main}}
        <h1>This activation link does not work</h1>
        {{#replaced}}
        <p>This registration was replaced: another account with this email address was activated.</p>
        <p><a href="{{publicURL}}">Go to sign in</a></p>{{/replaced}}
        {{#gone}}<p>The account this link was for no longer exists: it was replaced by a newer
         registration or removed. Use the link in the newest mail we sent you.</p>{{/gone}}
        {{^gone}}{{^replaced}}<p>The link is incomplete or damaged. Open the mail again and use the whole link; if
         your mail program breaks it over two lines, copy both parts into the address bar.</p>{{/replaced}}{{/gone}}
        {{^replaced}}<h2>Send the link again</h2>
        {{>resend-form}}
        <p><a href="{{registrationURL}}">Register again</a></p>{{/replaced}}
        {{/main}}{{/layout}}
        """

    static let locked = """
        {{<layout}}{{$title}}Too many wrong passwords{{/title}}{{$main}}
        <h1>Too many wrong passwords</h1>
        <p role="alert">To protect your account, this link is locked for {{minutes}} minutes. After that you
         can try again with the same link.</p>
        {{/main}}{{/layout}}
        """

    static let resendSent = """
        {{<layout}}{{$title}}Check your mail{{/title}}{{$main}}
        <h1>Check your mail</h1>
        <p>If an account waiting for activation matches what you entered, we have sent its activation
         link again. It can take a few minutes; look in your spam or junk folder too.</p>
        {{/main}}{{/layout}}
        """

    static let resendForm = """
        <form method="post" action="{{resendAction}}{{^resendAction}}resend{{/resendAction}}">
        <label for="login">Username or email address</label>
        <input id="login" name="login" type="text" autocomplete="username" required maxlength="254">
        <button type="submit">Send the link again</button>
        </form>
        """

    static let error = """
        {{<layout}}{{$title}}{{heading}}{{/title}}{{$main}}
        <h1>{{heading}}</h1>
        <p>{{message}}</p>
        {{/main}}{{/layout}}
        """
}
