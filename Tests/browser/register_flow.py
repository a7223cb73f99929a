#!/usr/bin/env python3
"""The registration page in Debian's Chromium, driven by Playwright as a person would:
typing, tabbing, clicking, going back. Run by Tests/activationdTests/RegistrationBrowserTests.swift
against a real `activationd serve` relaying to smtp-sink; it can be run by hand the same way:

    python3 Tests/browser/register_flow.py journey --base-url http://127.0.0.1:PORT \
        --keys DIR/signing.keys --mail-dir MAILDIR --spool DIR/spool --output .build/test-output/register \
        --taken USERNAME

Scenarios: `journey` (everything but the rate limit) and `rate` (a daemon with
`register_rate: "3/1h"`: posts without solved characters spend nothing, the 4th solved POST is refused with 429). A check of what the person can do
that fails stops the run with `FAIL: <what was expected and seen>` and exit status 1. When the
journey ends, `RESULT <json>` names the usernames the script expects to exist (`accounts`), to have
been refused (`refused`), activated (`activated`), and what each duplicate submission answered (the
Swift test checks those against the store, the spool, the logs and smtp-sink); then a `FAIL:` line
for each wording problem noticed on the way (exit status 1 if any).
"""

import argparse
import json
import os
import sys
import time
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect, sync_playwright

from browser_support import Failure, activation_link, check, open_challenge, seal_challenge, wait_for_mail

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1200, "height": 900}

# The form's text fields in the seed's order: the order Tab must follow.
TEXT_FIELDS = ["username", "firstName", "lastName", "email", "confirmEmail", "password", "confirmPassword",
               "passwordPhrase"]
# What a re-rendered form must keep, and what it must never send back.
KEPT = ["username", "firstName", "lastName", "email", "confirmEmail", "passwordPhrase"]
CLEARED = ["password", "confirmPassword", "challengeAnswer"]

PASSWORD = "Secr3tPass9"
PHRASE = "a blue heron at dawn"

# The challenge's messages (the page's contract) and ActivationCore's RegistrationProblem messages
# (Sources/ActivationCore/Registration/) for the violations typed below.
TAKEN = "This username is already in use; choose another one."
WRONG_CHARACTERS = "The characters you typed do not match the picture. Type the new ones."
REUSED_CHARACTERS = "These characters were already used. Type the new ones."
EXPIRED_CHARACTERS = "The characters expired. Type the new ones."
# One violation per field (None: a valid value), each field's value and message. The page's script
# checks a name only for being blank; the server also for its characters.
VIOLATIONS = {
    "username": ("abc", "The username must be 5 to 16 characters long."),
    "firstName": ("R2D2", "First name can include letters, spaces, apostrophes, hyphens and periods only."),
    "lastName": ("Doe", None),
    "email": ("jane@example", "Enter a valid email address, such as name@example.org."),
    "confirmEmail": ("jane@example.net", "The two email addresses do not match."),
    "password": ("secretpass1", "The password must contain at least one uppercase letter."),
    "confirmPassword": ("Secretpass1", "The two passwords do not match."),
    "passwordPhrase": (PHRASE, None),
}
LIVE_VIOLATIONS = {**VIOLATIONS, "firstName": ("", "First name is required.")}
NOT_AGREED = "You must agree to the conditions of use to create an account."


# Failed checks that need not stop the journey (what a page says, not what it does): reported
# together at the end, so that one run shows every such problem.
NOTICED = []


def notice(condition, message):
    if not condition and message not in NOTICED:
        NOTICED.append(message)


def say(text):
    print(f"ok: {text}", flush=True)


def person(username):
    """A valid form content for `username` (its address is `<username>@example.org`)."""
    address = f"{username}@example.org"
    return {"username": username, "firstName": "Jane", "lastName": "Doe", "email": address,
            "confirmEmail": address, "password": PASSWORD, "confirmPassword": PASSWORD, "passwordPhrase": PHRASE}


class RegisterPage:
    """One tab on /register: what a person does there, and what they see."""

    def __init__(self, page, base_url, keys_path, output):
        self.page = page
        self.base_url = base_url
        self.keys_path = keys_path
        self.output = output

    def open(self):
        answer = self.page.goto(f"{self.base_url}/register")
        check(answer is not None and answer.status == 200,
              f"GET /register answered {answer.status if answer else 'nothing'}, expected 200")
        expect(self.page.locator("form#register-form")).to_be_visible()
        return self

    def token(self):
        return self.page.locator("#challengeToken").input_value()

    def value(self, field):
        return self.page.locator(f"#{field}").input_value()

    def fill(self, values):
        for field, value in values.items():
            self.page.locator(f"#{field}").fill(value)

    def solve(self):
        """Types the characters the picture shows (read from the sealed token), in lower case: the
        server accepts either case."""
        token = self.token()
        answer = open_challenge(token, self.keys_path).answer
        self.page.locator("#challengeAnswer").fill(answer.lower())
        return token, answer

    def agree(self):
        self.page.get_by_label("I agree").check()

    def fill_valid(self, username):
        """A fresh form filled in validly for `username`, characters solved, conditions agreed;
        returns what was typed, the token and its answer."""
        values = person(username)
        self.open()
        self.fill(values)
        token, answer = self.solve()
        self.agree()
        return values, token, answer

    def submit(self, button="create", timeout=20_000, press=None):
        """Clicks a submit button (or does `press`) and waits for the answer's page to load; the
        status of the form's POST, or None when the browser sent none (the page's script kept the
        form)."""
        try:
            with self.page.expect_navigation(timeout=timeout):
                with self.page.expect_response(
                        lambda r: r.request.method == "POST" and urlsplit(r.url).path == "/register",
                        timeout=timeout) as answer:
                    if press:
                        press()
                    else:
                        self.page.locator(f"button[name=action][value={button}]").click()
        except PlaywrightTimeout:
            return None
        return answer.value.status

    def error(self, field):
        return self.page.locator(f"#{field}-error")

    def expect_error(self, field, message, timeout=10_000):
        """`message` shows beside `field`, in the element the input's aria-describedby names."""
        expect(self.error(field)).to_contain_text(message, timeout=timeout)
        expect(self.error(field)).to_be_visible()
        described = (self.page.locator(f"#{field}").get_attribute("aria-describedby") or "").split()
        check(f"{field}-error" in described,
              f"#{field}'s aria-describedby is {described}: it does not name #{field}-error")

    def expect_no_error(self, field):
        text = (self.error(field).text_content() or "").strip()
        check(text == "", f"#{field}-error shows {text!r} for a valid value")

    def expect_kept(self, values):
        for field in KEPT:
            if field in values:
                check(self.value(field) == values[field],
                      f"the re-rendered form lost what was typed into {field}")
        for field in CLEARED:
            check(self.value(field) == "", f"the re-rendered form sends {field} back to the browser")

    def screenshot(self, name, sizes=(("phone", PHONE), ("desktop", DESKTOP)), full_page=True):
        for label, size in sizes:
            self.page.set_viewport_size(size)
            width = self.page.evaluate("document.documentElement.scrollWidth")
            notice(width <= size["width"], f"{name} is {width} px wide in a {size['width']} px {label} window")
            path = os.path.join(self.output, f"{name}-{label}.png")
            self.page.screenshot(path=path, full_page=full_page)
        self.page.set_viewport_size(PHONE)


def focused(page):
    """The focused element's id, or a button's value."""
    return page.evaluate("document.activeElement.id || document.activeElement.value || ''")


def tab_to(page, target, presses=10):
    """Presses Tab until `target` (see `focused`) has the focus, as a keyboard user moves on."""
    for _ in range(presses):
        if focused(page) == target:
            return
        page.keyboard.press("Tab")
    check(focused(page) == target, f"Tab never reaches {target}: {presses} presses end at {focused(page)!r}")


def empty_form(register):
    """Step 1: the empty form, as drawn, with its accessibility contract."""
    page = register.page
    for field in TEXT_FIELDS + ["challengeAnswer", "acceptedConditions"]:
        expect(page.locator(f"#{field}")).to_be_visible()
        check(page.locator(f"label[for={field}]").count() == 1, f"#{field} has no <label for>")
        register.expect_no_error(field)
    check(page.locator("#acceptedConditions").get_attribute("value") == "yes", "the I agree box's value is not yes")
    honeypot = page.locator("#website")
    check(honeypot.count() == 1, "the form has no honeypot field #website")
    # Hidden from people by CSS: not rendered, or placed wholly off the page (Playwright calls an
    # element off-screen "visible").
    box = honeypot.bounding_box()
    check(box is None or box["x"] + box["width"] <= 0 or box["y"] + box["height"] <= 0,
          f"the honeypot field is on the page where a person sees it: {box}")
    check(honeypot.get_attribute("tabindex") == "-1", "the honeypot field can be reached with Tab")
    check(page.locator("[aria-hidden=true] #website, #website[aria-hidden=true]").count() == 1,
          "the honeypot field is not aria-hidden")
    image = page.locator("#challenge-image img")
    expect(image).to_be_visible()
    check(page.locator("#challenge-image > *").count() == 1, "the verification picture's box holds more than its image")
    check(image.get_attribute("alt") == "Verification image", "the verification image has no label (alt)")
    check((image.get_attribute("src") or "").startswith("data:image/png;base64,"),
          "the verification image is not a PNG drawn by the server")
    # Decoded by Chromium under the page's CSP (img-src data:): a blocked or broken image has no size.
    page.wait_for_function("() => document.querySelector('#challenge-image img').complete")
    size = image.evaluate("i => [i.naturalWidth, i.naturalHeight]")
    check(size == [int(image.get_attribute("width")), int(image.get_attribute("height"))],
          f"the verification image did not decode to its stated size: {size}")
    challenge = open_challenge(register.token(), register.keys_path)
    answer = challenge.answer
    check(answer not in page.content(), "the verification characters are in the page's markup")
    check(5 <= len(answer) <= 6, f"the challenge has {len(answer)} characters, expected 5-6")
    lifetime = challenge.expires_at - time.time()
    check(18 * 60 < lifetime <= 20 * 60, f"the characters expire in {lifetime:.0f} s, expected about 20 minutes")
    expect(page.get_by_role("button", name="Create My Account")).to_be_visible()
    names_support(page)
    register.screenshot("empty-form")
    say("empty form drawn, labelled, honeypot hidden, picture a PNG that decodes; screenshots taken")


def refresh_characters(register, javascript):
    """Refresh: new characters, what was typed kept. With JavaScript the page swaps the picture and
    the token in place (GET /api/v1/register/challenge); without, the server draws the form again."""
    page = register.page
    values = {field: value for field, value in person("refresh01").items() if field in KEPT}
    register.fill(values)
    page.locator("#challengeAnswer").fill("XXXXX")
    old_token = register.token()
    old_picture = page.locator("#challenge-image").inner_html()
    if javascript:
        page.locator("button[name=action][value=refresh]").click()
        expect(page.locator("#challengeToken")).not_to_have_value(old_token)
        check(urlsplit(page.url).path == "/register", "Refresh with JavaScript left the page")
        check(focused(page) == "challengeAnswer", "Refresh does not focus the characters")
    else:
        status = register.submit(button="refresh")
        check(status == 200, f"Refresh without JavaScript answered {status}, expected 200")
    check(page.locator("#challenge-image").inner_html() != old_picture, "Refresh kept the old picture")
    register.expect_kept(values)
    open_challenge(register.token(), register.keys_path)
    for field in KEPT:
        register.expect_no_error(field)
    say(f"Refresh with JavaScript {'on' if javascript else 'off'}: new characters, typed values kept")


def taken_username_alert(register, taken):
    """Step 2: the live "already in use" alert, before any submit."""
    page = register.page
    page.locator("#username").click()
    page.keyboard.type(taken, delay=40)
    register.expect_error("username", TAKEN)
    register.screenshot("username-taken", sizes=(("phone", PHONE),), full_page=False)
    page.keyboard.press("Tab")
    check(focused(page) == "firstName", "Tab from username does not reach firstName")
    say("the live check shows 'already in use' beside the username before submit")


def rule_violations(register, javascript, count_posts):
    """Step 3: every rule's message beside its field; typed values kept, passwords and characters not."""
    page = register.page
    violations = LIVE_VIOLATIONS if javascript else VIOLATIONS
    values = {field: value for field, (value, _) in violations.items()}
    if javascript:
        # As a person: type each field, Tab to the next; the page checks as it goes.
        page.locator("#username").click()
        for field in TEXT_FIELDS:
            check(focused(page) == field, f"Tab order reached {focused(page)!r} where {field} was expected")
            page.keyboard.type(values[field], delay=10)
            page.keyboard.press("Tab")
        for field, (value, message) in violations.items():
            if message and value:
                register.expect_error(field, message)
            else:
                register.expect_no_error(field)
        say("with JavaScript, each rule's message appeared beside its field while typing, before submit")
    else:
        register.fill(values)
    register.solve()
    posts_before = count_posts()
    status = register.submit(timeout=3_000 if javascript else 20_000)
    if javascript and status is None:
        check(count_posts() == posts_before, "a POST left without an answer")
        say("with JavaScript, the page kept the invalid form from being sent")
    else:
        check(status == 422, f"POST /register with rule violations answered {status}, expected 422")
        register.expect_kept(values)
    for field, (_, message) in violations.items():
        if message:
            register.expect_error(field, message)
    register.expect_error("acceptedConditions", NOT_AGREED)
    register.screenshot(f"form-with-errors-js-{'on' if javascript else 'off'}")
    if status is None:
        say("JavaScript on: after the blocked submit every message is beside its field")
    else:
        say(f"JavaScript off: POST answered {status}; messages beside their fields, "
            "values kept except the passwords and the characters")


def register_and_activate(register, username, mail_dir, base_url):
    """Step 4: a valid form, typed with the keyboard in Tab order, the step-5 page, the mail, the
    link, the password, the account active. Returns the (token, answer) the registration used."""
    page = register.page
    values = person(username)
    page.locator("#username").click()
    for field in TEXT_FIELDS:
        check(focused(page) == field, f"Tab order reached {focused(page)!r} where {field} was expected")
        page.keyboard.type(values[field])
        page.keyboard.press("Tab")
    for field in TEXT_FIELDS:
        register.expect_no_error(field)
    # Keyboard only to the end: the characters in upper case, Space on I agree, Enter on the button.
    token = register.token()
    answer = open_challenge(token, register.keys_path).answer
    tab_to(page, "challengeAnswer")
    page.keyboard.type(answer)
    tab_to(page, "acceptedConditions")
    page.keyboard.press("Space")
    check(page.locator("#acceptedConditions").is_checked(), "Space does not tick the I agree box")
    tab_to(page, "create")
    status = register.submit(press=lambda: page.keyboard.press("Enter"))
    check(status == 303, f"a valid registration answered {status}, expected 303 to /register/sent")
    check(urlsplit(page.url).path == "/register/sent", f"after the redirect the browser is at {page.url}")
    sent_page(register)
    register.screenshot("sent")
    say("a valid form, typed and sent with the keyboard only, is redirected (303) to the step-5 page")

    message = wait_for_mail(mail_dir, values["email"])
    link = activation_link(message, base_url)
    answer_page = page.goto(link)
    check(answer_page is not None and answer_page.status == 200, "the activation link's page did not answer 200")
    expect(page.locator("body")).to_contain_text(PHRASE)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Activate my account").click()
    expect(page.locator("h1")).to_have_text("Your account is active")
    register.screenshot("activated", sizes=(("phone", PHONE),))
    say("the mail's link opened in the same browser; after the password: 'Your account is active'")
    return token, answer


def sent_page(register):
    page = register.page
    expect(page.locator("h1")).to_have_text("Check your email")
    body = page.locator("body")
    expect(body).to_contain_text("30 days")
    expect(body).to_contain_text("spam")
    expect(body).to_contain_text("junk")
    names_support(page)
    check(page.locator("form[action$=resend] input[name=login]").count() == 1, "the step-5 page has no resend form")


def names_support(page):
    """The support sentences name someone: with no `service.support_contact` set, the service's team."""
    text = " ".join(page.locator("body").inner_text().split())
    for hole in ("Contact .", "contact immediately"):
        notice(hole not in text, f"{page.url} says {hole!r}: the support contact is missing from the sentence")


def refused_characters(register, username, token=None, answer=None, message=WRONG_CHARACTERS):
    """Step 5: characters refused beside their field, with a new challenge; what was typed is kept."""
    values = person(username)
    register.open()
    register.fill(values)
    if token is not None:
        register.page.evaluate("t => { document.getElementById('challengeToken').value = t }", token)
    old_token = register.token()
    register.page.locator("#challengeAnswer").fill(answer)
    register.agree()
    status = register.submit()
    check(status == 422, f"refused characters ({message}) answered {status}, expected 422")
    register.expect_error("challengeAnswer", message)
    register.expect_kept(values)
    check(register.token() != old_token, "the refused form came back with the same challenge")
    open_challenge(register.token(), register.keys_path)


def username_check(base_url, username):
    """What GET /api/v1/usernames/<username> answers a client without any cookie: another person."""
    with urlopen(Request(f"{base_url}/api/v1/usernames/{username}", headers={"Accept": "application/json"}),
                 timeout=10) as answer:
        return json.load(answer)


def wait_until_taken(base_url, username, timeout=20):
    """Waits until the intake took the registration in: until another person (no cookie) hears the
    name is taken. Fails if that never happens."""
    deadline = time.monotonic() + timeout
    while True:
        seen = username_check(base_url, username)
        if "username.taken" in seen.get("problems", []):
            return seen
        check(time.monotonic() < deadline,
              f"{username} was never taken for another person within {timeout} s: the API last said {seen}")
        time.sleep(0.3)


def live_check(register, username):
    """Types `username` again as a person would and waits for the page's own live check (with this
    browser's cookies) to answer and be shown; returns the API's answer (None when the page asked
    nothing: its script looks a name up again only while it has not heard it is taken) and the
    message shown beside the field."""
    page = register.page
    field = page.locator("#username")
    answers = []

    def listener(response):
        if "/api/v1/usernames/" in response.url and response.request.method == "GET":
            answers.append(response)

    page.on("response", listener)
    field.fill("")
    field.press_sequentially(username, delay=20)
    # The script asks 400 ms after the last keystroke.
    deadline = time.monotonic() + 5
    while not answers and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    page.remove_listener("response", listener)
    answer = answers[-1].json() if answers else None
    # The page handles the answer in promise callbacks after the body arrived: let them run.
    page.evaluate("() => new Promise(done => setTimeout(done, 100))")
    field.blur()
    return answer, (register.error("username").text_content() or "").strip()


def back_and_resubmit(register, username, cache, stranger):
    """Step 6: submit, wait until the intake took it in, press Back, submit again; whether Back
    showed the same characters, what the page's live check said of the person's own username, what
    the second submit answered, and whether another person still hears the name is taken. The Swift
    test counts the registrations it made.

    `cache` says which Back: "bfcache", the browser's back/forward cache keeping the page (Chromium's
    default), or "none", the page loaded again (when the cache evicted it; Playwright's default).
    `stranger` is another browser context: another person, with no cookie of this one."""
    page = register.page
    values, token, answer = register.fill_valid(username)
    check(register.submit() == 303, "the first submit of the Back-and-resubmit case was not redirected")
    # As the person meets it: the intake took the record in before they pressed Back.
    wait_until_taken(register.base_url, username)
    # A page restored from the back/forward cache fires no load event.
    page.go_back(wait_until="commit" if cache == "bfcache" else "load")
    expect(page.locator("form#register-form")).to_be_visible()
    check(urlsplit(page.url).path == "/register", f"Back led to {page.url}")
    same_token = register.token() == token
    # What Back restored depends on the page's caching: refill whatever is missing, as a person would.
    for field, value in values.items():
        if register.value(field) != value:
            register.page.locator(f"#{field}").fill(value)
    # The live check of the person's own pending registration, from their own browser.
    own_answer, shown = live_check(register, username)
    check(own_answer is not None and own_answer.get("available") is True and TAKEN not in shown,
          f"after Back ({cache}) the live check called the person's own registration taken: "
          f"the API said {own_answer}, the page shows {shown!r}")
    if same_token:
        register.page.locator("#challengeAnswer").fill(answer)
    else:
        register.solve()
    if not register.page.locator("#acceptedConditions").is_checked():
        register.agree()
    status = register.submit()
    check(status == 303, f"the resubmit after Back answered {status}, expected 303 (the same registration)")
    check(urlsplit(page.url).path == "/register/sent", f"after the resubmit the browser is at {page.url}")
    # Another person: their own browser, the live check as they type, and the API without a cookie.
    other = RegisterPage(stranger.new_page(), register.base_url, register.keys_path, register.output).open()
    other.page.locator("#username").click()
    other.page.keyboard.type(username, delay=20)
    other.expect_error("username", TAKEN)
    other.page.close()
    stranger_sees_taken = "username.taken" in username_check(register.base_url, username).get("problems", [])
    check(stranger_sees_taken, f"a client without a cookie hears {username} is free")
    say(f"Back ({cache}) + resubmit: {'the same' if same_token else 'new'} characters after Back, the live "
        f"check did not call the person's own name taken, the resubmit answered {status}; another person "
        "still sees the name taken")
    return {"cache": cache, "sameTokenAfterBack": same_token, "resubmit": status,
            "ownLiveCheckAvailable": True, "othersSeeTaken": stranger_sees_taken}


def double_click(register, username, count_posts):
    register.fill_valid(username)
    before = count_posts()
    register.page.locator("button[name=action][value=create]").dblclick()
    register.page.wait_for_url("**/register/sent", timeout=20_000)
    sent_page(register)
    posts = count_posts() - before
    say(f"a double click on Create My Account sent {posts} POST(s) and ended on the step-5 page")
    return posts


def double_post(register, username):
    """The same form, with the same token, posted twice at once by the page itself."""
    register.fill_valid(username)
    statuses = register.page.evaluate("""async () => {
        const form = document.getElementById('register-form');
        const body = () => {
            const data = new URLSearchParams(new FormData(form));
            data.set('action', 'create');
            return data;
        };
        // form.action would be the button named "action", not the attribute.
        const post = () => fetch(form.getAttribute('action'), {method: 'POST', body: body(), redirect: 'manual'});
        const answers = await Promise.all([post(), post()]);
        return answers.map(a => a.type === 'opaqueredirect' ? 303 : a.status);
    }""")
    check(statuses == [303, 303], f"the same form posted twice at once answered {statuses}, expected 303 twice")
    say("the same form and token posted twice at once: 303 both times")
    return statuses


def honeypot(register, username):
    register.fill_valid(username)
    register.page.evaluate("() => { document.getElementById('website').value = 'http://spam.example.net/' }")
    status = register.submit()
    check(status == 400, f"a form with the honeypot filled answered {status}, expected 400")
    expect(register.page.locator("#form-error")).not_to_be_empty()
    say("the honeypot filled: 400 with a general error")


def spool_is_quiet(spool):
    """Nothing waits in the spool and nothing was set aside: every record written was taken in."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        waiting = os.listdir(os.path.join(spool, "new")) + os.listdir(os.path.join(spool, "tmp"))
        if not waiting:
            break
        time.sleep(0.2)
    check(not waiting, f"{len(waiting)} record(s) still wait in the spool after 10 s")
    rejected = os.listdir(os.path.join(spool, "rejected"))
    check(not rejected, f"{len(rejected)} spool record(s) were set aside as rejected")


def journey(browser, cached_browser, args):
    result = {"accounts": [], "activated": [], "refused": []}
    posts = []

    def count_posts():
        return len(posts)

    def track(page):
        page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
        # A CSP that blocked the page's script or style, or a script error, shows here (a 4xx
        # answer is logged as a failed load: those are expected).
        page.on("console", lambda m: notice(m.type != "error" or m.text.startswith("Failed to load resource"),
                                            f"browser console error: {m.text}"))
        page.on("pageerror", lambda e: notice(False, f"script error on the page: {e}"))

    with_js = browser.new_context(viewport=PHONE)
    page = with_js.new_page()
    track(page)
    register = RegisterPage(page, args.base_url, args.keys, args.output)

    empty_form(register.open())
    refresh_characters(register, javascript=True)
    taken_username_alert(register.open(), args.taken)
    rule_violations(register.open(), javascript=True, count_posts=count_posts)

    without_js = browser.new_context(viewport=PHONE, java_script_enabled=False)
    plain_page = without_js.new_page()
    track(plain_page)
    plain = RegisterPage(plain_page, args.base_url, args.keys, args.output)
    refresh_characters(plain.open(), javascript=False)
    rule_violations(plain.open(), javascript=False, count_posts=count_posts)
    plain.fill_valid(args.taken)
    check(plain.submit() == 422, "a taken username without JavaScript was not refused with 422")
    plain.expect_error("username", TAKEN)
    say("without JavaScript, the server's answer shows 'already in use' beside the username")

    used_token, used_answer = register_and_activate(register.open(), "browser01", args.mail_dir, args.base_url)
    result["accounts"].append("browser01")
    result["activated"].append("browser01")

    refused_characters(register, "wrongchar1", answer="ZZZZZ", message=WRONG_CHARACTERS)
    register.fill({"password": PASSWORD, "confirmPassword": PASSWORD})
    register.solve()
    register.agree()
    check(register.submit() == 303, "after wrong characters, the new ones were not accepted")
    result["accounts"].append("wrongchar1")
    say("wrong characters: 422 beside the field, a new challenge, values kept; the new one then accepted")

    refused_characters(register, "reused0001", token=used_token, answer=used_answer, message=REUSED_CHARACTERS)
    result["refused"].append("reused0001")
    say("characters already used for another registration: refused with a new challenge")

    expired = seal_challenge("ACDEF", int(time.time()) - 60, args.keys)
    refused_characters(register, "expired001", token=expired, answer="acdef", message=EXPIRED_CHARACTERS)
    result["refused"].append("expired001")
    say("expired characters (a token sealed with the server's key, expired a minute ago): refused")
    refused_characters(plain, "wrongchar2", answer="ZZZZZ", message=WRONG_CHARACTERS)
    result["refused"].append("wrongchar2")
    say("wrong characters without JavaScript: refused beside the field")

    cached_page = cached_browser.new_context(viewport=PHONE).new_page()
    track(cached_page)
    cached = RegisterPage(cached_page, args.base_url, args.keys, args.output)
    stranger = browser.new_context(viewport=PHONE)
    result["backAndResubmit"] = [back_and_resubmit(cached, "bfcache001", cache="bfcache", stranger=stranger),
                                 back_and_resubmit(register, "backagain1", cache="none", stranger=stranger)]
    stranger.close()
    result["accounts"] += ["bfcache001", "backagain1"]
    result["doubleClickPosts"] = double_click(register, "dblclick01", count_posts)
    result["accounts"].append("dblclick01")
    result["doublePost"] = double_post(register, "twicepost1")
    result["accounts"].append("twicepost1")

    honeypot(register, "honeypot01")
    result["refused"].append("honeypot01")
    honeypot(plain, "honeypot02")
    result["refused"].append("honeypot02")

    spool_is_quiet(args.spool)
    say("the spool is empty and nothing was rejected")
    return result


def rate_limit(browser, args):
    """Posts without solved characters spend nothing (junk from one address, or from everyone
    behind a proxy, must not lock the page); of posts with solved characters the 4th is refused."""
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    register = RegisterPage(context.new_page(), args.base_url, args.keys, args.output).open()
    statuses = []
    for _ in range(3):
        register.fill(person("ratelimit1"))
        register.page.locator("#challengeAnswer").fill("ZZZZZ")
        statuses.append(register.submit())
    for _ in range(4):
        values = person("ratelimit1")
        values["confirmEmail"] = "someone.else@example.org"  # solved characters, but not a valid form
        register.fill(values)
        register.solve()
        statuses.append(register.submit())
    check(statuses == [422] * 6 + [429],
          f"with register_rate 3/1h, 3 unsolved then 4 solved POSTs answered {statuses}, expected six 422 then 429")
    say("with register_rate 3/1h unsolved posts spend nothing and the 4th solved POST is refused with 429")
    return {"statuses": statuses}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", choices=["journey", "rate"])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--keys", required=True, help="the daemon's keys file")
    parser.add_argument("--mail-dir", help="smtp-sink's dump directory")
    parser.add_argument("--spool", help="the daemon's spool directory")
    parser.add_argument("--output", required=True, help="where screenshots go")
    parser.add_argument("--taken", help="a username that is already registered")
    args = parser.parse_args()
    os.makedirs(args.output, exist_ok=True)
    # Generous waits: `make test` runs this beside every other suite on two cores. They cost nothing
    # when the page is quick.
    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        # Playwright turns Chromium's back/forward cache off; a person's Chromium has it on.
        cached_browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"],
                                                    ignore_default_args=["--disable-back-forward-cache"])
        say(f"Chromium {browser.version}")
        try:
            if args.scenario == "journey":
                result = journey(browser, cached_browser, args)
            else:
                result = rate_limit(browser, args)
        except (Failure, AssertionError) as failure:
            print(f"FAIL: {failure}", flush=True)
            return 1
        finally:
            cached_browser.close()
            browser.close()
    print("RESULT " + json.dumps(result), flush=True)
    for message in NOTICED:
        print(f"FAIL: {message}", flush=True)
    return 1 if NOTICED else 0


if __name__ == "__main__":
    sys.exit(main())
