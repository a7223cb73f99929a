#!/usr/bin/env python3
"""Writes the seed corpora of `make fuzz` (Fuzz/corpus/<target>/seed-NN) from the values the unit
tests use as fixtures (Tests/*/Fixtures.swift, the decoder, hasher, header and configuration tests).
Run once after changing a target's input format; crash-* reproducers are left alone."""
import base64, hashlib, json, os, struct, sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fuzz", "corpus")

def write(target, seeds):
    directory = os.path.join(ROOT, target)
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if name.startswith("seed-"):
            os.remove(os.path.join(directory, name))
    for index, seed in enumerate(seeds):
        with open(os.path.join(directory, "seed-%02d" % index), "wb") as f:
            f.write(seed if isinstance(seed, bytes) else seed.encode())

def field(text):
    data = text.encode() if isinstance(text, str) else text
    assert len(data) < 256
    return bytes([len(data)]) + data

# spool-record: Tests/ActivationCoreTests/Fixtures.swift's record and the decoder tests' variants.
valid = [("version", "1"), ("id", '"6f1c0b9e-3d2a-4c55-9e61-0a1b2c3d4e5f"'), ("submittedAt", '"2026-11-28T10:00:00Z"'),
         ("username", '"jdoe2026"'), ("firstName", '"Jane"'), ("lastName", '"Doe"'), ("email", '"jane@example.org"'),
         ("confirmEmail", '"jane@example.org"'), ("password", '"Secr3tPass"'), ("confirmPassword", '"Secr3tPass"'),
         ("passwordPhrase", '"blue heron at dawn"'), ("acceptedConditions", "true"), ("locale", '"en"')]
def record(replacing={}, removing=(), adding=()):
    members = ['"%s": %s' % (n, replacing.get(n, j)) for n, j in valid if n not in removing]
    members += ['"%s": %s' % (n, j) for n, j in adding]
    return "{ " + ", ".join(members) + " }"
spool = [record(), record(removing=["locale"]),
         record(replacing={"firstName": json.dumps("Jose\u0301"), "lastName": json.dumps("Nguye\u0302\u0303n"),
                           "passwordPhrase": json.dumps("cafe\u0301 au lait")}),
         record(replacing={"locale": '"zh-Hant-TW"'}), record(replacing={"submittedAt": '"2026-11-28T10:00:00.250Z"'}),
         record(replacing={"submittedAt": '"2026-11-28T11:00:00+01:00"'}), record(replacing={"username": "42"}),
         record(replacing={"acceptedConditions": '"true"'}), record(replacing={"version": "1.5"}),
         record(removing=["email"]), record(adding=[("extra", "1")]), record(replacing={"id": '"not-a-uuid"'}),
         record(replacing={"email": '"jane@@example.org"', "confirmEmail": '"JANE@example.org"'}),
         record(replacing={"password": '"short"', "confirmPassword": '"Short1"'}),
         record(replacing={"firstName": '"J. R. R."', "lastName": '"www.example.com"'}),
         record(replacing={"passwordPhrase": json.dumps("a\u2028b")}),
         record(replacing={"firstName": json.dumps("a" + "\u0301" * 80)}),
         "[1, 2]", "{", "", "null", b"\xff\xfe{}", '{"version": 1}',
         record().replace(" ", "\n"), record(adding=[("\u0007bell", "2")])]
write("spool-record", spool)

# token: an account id, an expiry, a nonce, a position and a byte, then a token text.
tokens = []
for i, (expiry, text) in enumerate([(1795860000, ""), (1, "AQNuZXc"), (2**40, "x" * 120), (0, "!!!!"),
                                    (1795860000, "AQRvbGQx" + "A" * 90), (2**53 - 1, "AQ"), (86400, "_-_-")]):
    uid = hashlib.sha256(b"id%d" % i).digest()[:16]
    nonce = hashlib.sha256(b"nonce%d" % i).digest()[:16]
    tokens.append(uid + struct.pack(">Q", expiry) + nonce + bytes([i * 37 % 256, i * 11 % 256]) + text.encode())
write("token", tokens)

# phc: the hasher tests' strings (ln=4,r=2,p=3 and ln=10,r=8,p=1) and the malformed ones.
salt = base64.b64encode(hashlib.sha256(b"salt").digest()[:16]).decode().rstrip("=")
digest = base64.b64encode(hashlib.scrypt(b"Secr3tPass", salt=base64.b64decode(salt + "=="), n=16, r=2, p=3, dklen=32)).decode().rstrip("=")
good = "$scrypt$ln=4,r=2,p=3$%s$%s" % (salt, digest)
phc = [good, "$scrypt$ln=10,r=8,p=1$%s$%s" % (salt, digest), "$scrypt$ln=17,r=8,p=1$%s$%s" % (salt, digest),
       "$scrypt$ln=20,r=32,p=16$%s$%s" % (salt, digest), "", "$", "$scrypt$", "$scrypt$ln=10,r=8$%s$%s" % (salt, digest),
       "$scrypt$ln=10,ln=10,r=8,p=1$%s$%s" % (salt, digest), "$scrypt$ln=ten,r=8,p=1$%s$%s" % (salt, digest),
       "$scrypt$ln=10,r=8,p=1$%s$%s=" % (salt, digest), "$scrypt$ln=10,r=8,p=1$%s$%s" % (salt[:8], digest),
       "$scrypt$p=1,r=2,ln=3$%s$%s" % (salt, digest), "$scrypt$ln=1,r=1,p=1$%s$%s" % (salt, digest[:22]),
       "$argon2id$v=19$m=65536,t=3,p=4$%s$%s" % (salt, digest)]
write("phc", phc)

# mail-header: a display name, an address, a subject, then the parts' text (the header tests' values).
mail = [field("Jane Doe") + field("jane@example.org") + field("Activate your account") + b"Hello Jane,\n\nClick the link.\n",
        field("José Ñúñez") + field("jose@example.org") + field("Activez votre compte, José") + "Bonjour\r\n.\r\n".encode(),
        field("Zoë Ångström-Łukasiewicz of the Accounts Office") + field("zoe@example.net") + field("Activate your account, Zoë Ångström-Łukasiewicz of the Accounts Office") + b"x",
        field('Jane "JD" Doe\\') + field("jane.doe+tag@mail.example.co.uk") + field("a  b   c") + b"=?UTF-8?B?QQ==?=",
        field("") + field("a@b.cd") + field("") + b"",
        field("Jane\r\nBcc: eve@example.net") + field("jane@example.org") + field("Hi") + b"",
        field("Jane") + field("jane@example.org\r\nRCPT TO:<eve@example.net>") + field("Hi") + b"",
        field("Jane") + field("jane@example.org") + field("Hi\r\nBcc: eve@example.net") + b"",
        field("a" + "\u0301" * 60) + field("jane@example.org") + field("=?UTF-8?B?SGk=?=") + b"",
        field("Jane") + field("x" * 64 + "@" + "y" * 63 + "." + "z" * 60 + ".org") + field("w" * 200) + b"",
        field("日本語の名前") + field("name@xn--wgv71a.example") + field("こんにちは世界 " * 10) + "本文\n".encode() * 50,
        field("Jane\u2028Doe") + field("jane@example.org") + field("Hi\u0085") + b"",
        field("Jane") + field(".jane@example.org") + field("Hi") + b"",
        field("Jane") + field("jane@-example.org") + field("Hi") + b"",
        field("Jane Doe <jane@example.org>") + field("jane@example.org") + field("Hi") + b"--=_activationd_01020304-0506-0708-090a-0b0c0d0e0f10\r\n"]
write("mail-header", mail)

# config-duration: the configuration tests' durations and rates.
durations = ["500ms", "30s", "5m", "1h", "30d", "2w", "0s", "0ms", "1000ms", "60s", "3600s", "10/10m", "60/1m",
             "10/1h", "0/1m", "10/0s", "-1s", "1.5s", "1 s", "s", "+5s", "10/", "/1m", "1//1m", "٣s"]
write("config-duration", durations)

# http-form: the register and activation pages' form bodies.
form = ["username=jdoe2026&firstName=Jane&lastName=Doe&email=jane%40example.org&confirmEmail=jane%40example.org"
        "&password=Secr3tPass&confirmPassword=Secr3tPass&passwordPhrase=blue+heron+at+dawn&challengeAnswer=ABCD"
        "&challengeToken=t&acceptedConditions=yes&action=create",
        "token=AQNuZXc&password=Secr3tPass", "action=refresh&website=http%3A%2F%2Fspam.example",
        "username=&firstName=Jos%C3%A9", "a=1&a=2&a[]=3", "username[x]=1", "%", "%zz=1", "=&&=", "firstName=%E2%80%A8",
        "firstName=%00&lastName=%0D%0ABcc:x", "password=a%2Bb%26c%3Dd", "acceptedConditions=yes&acceptedConditions=no",
        "", "username=" + "a" * 500]
write("http-form", form)

# http-query: a query string (read as /activate?<input>), also a username path and an Accept-Language.
query = ["token=AQNuZXc", "token=", "token=%41%51", "token=a&token=b", "x=1&token=AQ%3D%3D", "jdoe2026", "jdoe%32026",
         "%6Adoe2026", "en-US,en;q=0.9", "es-MX", "zh-Hant-TW,fr;q=0.5", "*;q=0.1", "token", "token=a+b", "%", "%%%",
         "token=%E2%80%A8", "?token=?", "&&&token===", "j\u00e9doe2026"]
write("http-query", query)
# bounce-token: a row id, a position and a byte, a token text, then a whole message (a report as
# Postfix's bounce(8) writes it, Tests/ActivationMailTests/DeliveryStatusReportTests.swift, and forgeries).
report = ("Return-Path: <>\r\nReceived: by mx.example.org (Postfix)\r\nFrom: MAILER-DAEMON@mx.example.org\r\n"
          "To: %s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status;\r\n"
          "\tboundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nsorry\r\n\r\n--B\r\n"
          "Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n"
          "X-Postfix-Sender: rfc822; %s\r\n\r\nFinal-Recipient: rfc822; jane@mail.example.net\r\n"
          "Action: %s\r\nStatus: %s\r\nDiagnostic-Code: smtp; 550 5.1.1 <jane@mail.example.net>: unknown\r\n"
          "\r\n--B--\r\n")
hexrow = "0f8e3c2a9b7d4e1f8a6b5c4d3e2f1a0b"
bounce = []
for i, (to, action, status, text, lead) in enumerate([
        ("bounce@example.org", "failed", "5.1.1", "", ""),
        ("bounce+%s@example.org" % hexrow, "failed", "5.1.1", hexrow, ""),
        ("bounce+%s@example.org" % hexrow, "delayed", "4.4.1", "abcdefghijklmnopqrstuvwxyz234567", ""),
        ("bounce@example.org", "failed", "5.1.1", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", " bounce+%s@example.org\r\n" % hexrow),
        ("bounce@example.org", "failed", "5.1.1", "", "Delivered-To: bounce+%s@example.org\r\n" % hexrow),
        ("x", "failed\x07", "5.1.1\x1b[31m", "bounce+", "X-Original-To: bounce+a@b\r\n"),
        ("", "", "", "", "")]):
    row = bytes(range(i, i + 16))
    message = lead + (report % (to, to, action, status) if to or action else "")
    bounce.append(row + bytes([i * 7 % 256, i * 13 % 256]) + field(text) + message.encode())
write("bounce-token", bounce)
print("seeds written under", os.path.normpath(ROOT))
