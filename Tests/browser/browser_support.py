"""What the registration page's browser test needs besides the browser: the challenge token opened
(and, for the expiry case, sealed) with the server's own key file, the activation mail read from
smtp-sink's dump directory, and small checks that fail with a message a person can act on.

The token format is ActivationHTTP's `ChallengeSeal` (docs/http.md): base64url without padding of
`version(1) | nonce(12) | ciphertext(32) | tag(16)`, ChaCha20-Poly1305 under
HKDF-SHA256(the first key line's secret, no salt, info "activationd register challenge v1"), the
version byte as associated data; plaintext `id(16) | expiresAt(8, big-endian Unix seconds) |
answerLength(1) | answer zero-padded to 7`.
"""

import base64
import email
import email.policy
import os
import re
import struct
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

TOKEN_VERSION = 1
HKDF_INFO = b"activationd register challenge v1"
ANSWER_ROOM = 7


class Failure(AssertionError):
    """A check of the test failed: the message says what was expected and what was seen."""


def check(condition, message):
    """Fails the test with `message` unless `condition` holds."""
    if not condition:
        raise Failure(message)


@dataclass(frozen=True)
class Challenge:
    """What a challenge token carries."""

    id: uuid.UUID
    expires_at: int
    answer: str


def challenge_key(keys_path):
    """The AEAD key the server derives from the keys file's first (signing) key."""
    with open(keys_path, encoding="utf-8") as keys:
        for line in keys:
            fields = line.split()
            if not fields or fields[0].startswith("#"):
                continue
            check(len(fields) == 2, f"{keys_path}: expected `<key-id> <base64 secret>` lines")
            secret = base64.b64decode(fields[1], validate=True)
            return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(secret)
    raise Failure(f"{keys_path} holds no key")


def _b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def open_challenge(token, keys_path):
    """Opens a form's challenge token as the server would; fails if it is not one of the server's."""
    raw = _b64url_decode(token)
    check(len(raw) == 1 + 12 + 32 + 16 and raw[0] == TOKEN_VERSION,
          f"the challenge token has {len(raw)} bytes, version {raw[:1].hex()}: not ChallengeSeal's format")
    plaintext = ChaCha20Poly1305(challenge_key(keys_path)).decrypt(raw[1:13], raw[13:], bytes([TOKEN_VERSION]))
    length = plaintext[24]
    check(1 <= length <= ANSWER_ROOM, f"the sealed answer's length is {length}")
    return Challenge(id=uuid.UUID(bytes=plaintext[:16]), expires_at=struct.unpack(">Q", plaintext[16:24])[0],
                     answer=plaintext[25:25 + length].decode("ascii"))


def seal_challenge(answer, expires_at, keys_path):
    """A token the server accepts as its own, for `answer`, expiring at `expires_at` (Unix seconds):
    how the test makes an expired challenge without waiting 20 minutes."""
    encoded = answer.encode("ascii")
    plaintext = (uuid.uuid4().bytes + struct.pack(">Q", expires_at) + bytes([len(encoded)])
                 + encoded + bytes(ANSWER_ROOM - len(encoded)))
    nonce = os.urandom(12)
    sealed = ChaCha20Poly1305(challenge_key(keys_path)).encrypt(nonce, plaintext, bytes([TOKEN_VERSION]))
    return base64.urlsafe_b64encode(bytes([TOKEN_VERSION]) + nonce + sealed).decode("ascii").rstrip("=")


def messages_to(mail_dir, address):
    """The messages smtp-sink dumped for `address` (its To: header), parsed."""
    found = []
    for name in sorted(os.listdir(mail_dir)):
        if name == "server.log":
            continue
        with open(os.path.join(mail_dir, name), "rb") as dumped:
            message = email.message_from_binary_file(dumped, policy=email.policy.default)
        if address.lower() in str(message.get("To", "")).lower():
            found.append(message)
    return found


def wait_for_mail(mail_dir, address, timeout=20.0):
    """The first message to `address`, polled for: the courier sends it a moment after intake."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = messages_to(mail_dir, address)
        if found:
            return found[0]
        time.sleep(0.2)
    raise Failure(f"no mail for the address of this registration reached smtp-sink within {timeout:.0f} s")


def activation_link(message, base_url):
    """The activation link of a mail, its origin replaced by `base_url` (the daemon under test)."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://\S+/activate\?token=[A-Za-z0-9_-]+", text)
    check(match is not None, "the activation mail's text part holds no /activate?token= link")
    link = urlsplit(match.group(0))
    base = urlsplit(base_url)
    return urlunsplit((base.scheme, base.netloc, link.path, link.query, ""))
