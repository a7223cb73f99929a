/// The registration page's templates, after the seed's "Create My Account" page: its
/// fields in its order, its rules in its words, the phrase's explanation, the verification
/// characters with Refresh, the conditions of use and step 5. Each can be replaced by a file of
/// the same name in the templates directory (`register.mustache`, `register-conditions.mustache`, …).
///
/// Every message sits beside its field in `<div id="<field>-error">`, which the field's
/// `aria-describedby` names along with its rules; a summary at the top links to each field. The
/// form posts without script (`novalidate`: the server's messages are the ones a person sees);
/// `register.js` adds the checks as the person types.
enum RegisterTemplates {
    static let all: [String: String] = [
        "register": register, "register-error": fieldError, "register-conditions": conditions,
        "register-sent": sent, "register-support": support,
    ]

    static let fieldError = """
        <div class="error" id="{{name}}-error" aria-live="polite">{{#errors}}<p>{{.}}</p>{{/errors}}</div>
        """

    /// Who to contact: a booleans' section, since an empty string opens a section in swift-mustache.
    static let support = """
        {{#hasSupportContact}}{{#supportIsMail}}<a href="mailto:{{supportContact}}">{{supportContact}}</a>{{/supportIsMail}}\
        {{^supportIsMail}}<a href="{{supportContact}}">{{supportContact}}</a>{{/supportIsMail}}{{/hasSupportContact}}\
        {{^hasSupportContact}}the support team of {{serviceName}}{{/hasSupportContact}}
        """

    static let register = """
        {{<layout}}{{$title}}Create your account{{/title}}{{$main}}
        <h1>Create your {{serviceName}} account</h1>
        {{#hasSummary}}
        <div class="summary" id="form-error" role="alert" tabindex="-1">
        <h2>Please correct the following</h2>
        {{#formError}}<p>{{formError}}</p>{{/formError}}
        <ul>{{#summary}}<li><a href="#{{field}}">{{message}}</a></li>{{/summary}}</ul>
        </div>
        {{/hasSummary}}
        <form id="register-form" method="post" action="register" novalidate>
        <h2>Your username</h2>
        <p>Your username uniquely identifies your account when you sign in. You will be alerted if your
         proposed username is already in use.</p>
        <ul id="username-rules" class="rules">
        <li>Can be from 5 to 16 characters in length.</li>
        <li>Can include letters and numbers; no spaces, punctuation or special characters.</li>
        <li>Must be different than your password.</li>
        </ul>
        {{#username}}
        <label for="username">Username</label>
        <input id="username" name="username" type="text" value="{{value}}" autocomplete="username" required
         autocapitalize="none" spellcheck="false" aria-describedby="username-rules username-error"{{#invalid}} aria-invalid="true"{{/invalid}}>
        {{>register-error}}
        {{/username}}

        <h2>Your name and email</h2>
        {{#firstName}}
        <label for="firstName">First name</label>
        <input id="firstName" name="firstName" type="text" value="{{value}}" autocomplete="given-name" required
         aria-describedby="firstName-error"{{#invalid}} aria-invalid="true"{{/invalid}}>
        {{>register-error}}
        {{/firstName}}
        {{#lastName}}
        <label for="lastName">Last name</label>
        <input id="lastName" name="lastName" type="text" value="{{value}}" autocomplete="family-name" required
         aria-describedby="lastName-error"{{#invalid}} aria-invalid="true"{{/invalid}}>
        {{>register-error}}
        {{/lastName}}
        {{#email}}
        <label for="email">Email</label>
        <input id="email" name="email" type="email" value="{{value}}" autocomplete="email" required
         spellcheck="false" aria-describedby="email-error"{{#invalid}} aria-invalid="true"{{/invalid}}>
        {{>register-error}}
        {{/email}}
        {{#confirmEmail}}
        <label for="confirmEmail">Confirm email</label>
        <input id="confirmEmail" name="confirmEmail" type="email" value="{{value}}" autocomplete="email" required
         spellcheck="false" aria-describedby="confirmEmail-error"{{#invalid}} aria-invalid="true"{{/invalid}}>
        {{>register-error}}
        {{/confirmEmail}}

        <h2>Your password</h2>
        <ul id="password-rules" class="rules">
        <li>Must be 8-16 characters.</li>
        <li>Must contain at least one uppercase character and one lowercase character.</li>
        <li>Must contain at least one number.</li>
        </ul>
        {{#password}}
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="new-password" required
         aria-describedby="password-rules password-error"{{#invalid}} aria-invalid="true"{{/invalid}}>
        {{>register-error}}
        {{/password}}
        {{#confirmPassword}}
        <label for="confirmPassword">Confirm password</label>
        <input id="confirmPassword" name="confirmPassword" type="password" autocomplete="new-password" required
         aria-describedby="confirmPassword-error"{{#invalid}} aria-invalid="true"{{/invalid}}>
        {{>register-error}}
        {{/confirmPassword}}

        <h2>Password protection phrase</h2>
        <p id="passwordPhrase-hint">To help protect your password, please enter a phrase of your choice.
         This will be displayed when you are prompted for your password. If you don't see your phrase, don't provide your password!</p>
        {{#passwordPhrase}}
        <label for="passwordPhrase">Your phrase</label>
        <input id="passwordPhrase" name="passwordPhrase" type="text" value="{{value}}" autocomplete="off" required
         aria-describedby="passwordPhrase-hint passwordPhrase-error"{{#invalid}} aria-invalid="true"{{/invalid}}>
        {{>register-error}}
        {{/passwordPhrase}}

        <h2>Enter verification characters</h2>
        <p id="challengeAnswer-hint">Type the characters in the picture; upper or lower case does not matter.
         If you cannot read them, press Refresh for new ones.</p>
        <div class="challenge" id="challenge-image">{{{challengeImage}}}</div>
        <button type="submit" name="action" value="refresh" class="link" id="challenge-refresh"
         formnovalidate>Refresh</button>
        <input type="hidden" id="challengeToken" name="challengeToken" value="{{challengeToken}}">
        {{#challengeAnswer}}
        <label for="challengeAnswer">Verification characters</label>
        <input id="challengeAnswer" name="challengeAnswer" type="text" value="" autocomplete="off" required
         autocapitalize="characters" spellcheck="false" aria-describedby="challengeAnswer-hint challengeAnswer-error"\
        {{#invalid}} aria-invalid="true"{{/invalid}}>
        {{>register-error}}
        {{/challengeAnswer}}
        <div class="website" aria-hidden="true">
        <label for="website">Leave this field empty</label>
        <input id="website" name="website" type="text" value="" tabindex="-1" autocomplete="off">
        </div>

        <h2>Conditions of use</h2>
        <div id="conditions">{{>register-conditions}}</div>
        {{#acceptedConditions}}
        <div class="agree">
        <input id="acceptedConditions" name="acceptedConditions" type="checkbox" value="yes"{{#checked}} checked{{/checked}}
         required aria-describedby="conditions acceptedConditions-error"{{#invalid}} aria-invalid="true"{{/invalid}}>
        <label for="acceptedConditions">I agree to these conditions of use</label>
        </div>
        {{>register-error}}
        {{/acceptedConditions}}
        <button type="submit" name="action" value="create">Create My Account</button>
        </form>
        <script>{{{script}}}</script>
        {{/main}}{{/layout}}
        """

    static let conditions = """
        <ul>
        <li>I will not allow others to use my {{serviceName}} account, and I understand that it could be suspended
         if I do. I will protect my password and never share it with others; if my account is compromised, I will
         contact {{>register-support}} immediately.</li>
        <li>I understand that I must activate my account with the link mailed to me within {{lifetimeDays}} days,
         or it is removed and its username freed.</li>
        <li>I understand that going Back or sending this form twice is safe: it never creates a second account.</li>
        <li>I understand that {{serviceName}} works in current web browsers, with or without JavaScript.</li>
        </ul>
        """

    static let sent = """
        {{<layout}}{{$title}}Check your email{{/title}}{{$main}}
        <h1>Check your email</h1>
        <p>You should receive an automated email message to activate your account. Make sure to follow the
         instructions in this email to activate your account. You have {{lifetimeDays}} days to activate your
         account.</p>
        <p>If you do not receive one within a few minutes, check your spam or junk folder.</p>
        <h2>Still nothing?</h2>
        <p>We can send the link again. Enter the username or email address you registered with.</p>
        {{>resend-form}}
        <p>Need help? Contact {{>register-support}}.</p>
        {{/main}}{{/layout}}
        """
}
