#!/usr/bin/env python3
"""Whole-daemon chaos run: `activationd serve` under a steady flow of registrations and
activations while, at random moments, it is SIGKILLed and restarted, reloaded (SIGHUP), and its
relay (Postfix's smtp-sink) is stopped, answers 4xx, hangs up after DATA or answers slowly; the
HTTP side is hammered with wrong activation attempts. Then the books are checked:

- every valid registration is exactly one account, and no invalid one is;
- every account's activation mail was delivered; a Message-ID delivered twice only where a fault
  that can duplicate was injected (a hang-up after the message, a kill of the daemon or the relay
  while sending), at most one per mail in flight at that moment;
- nothing is left in the spool's new/; no mail failed;
- no plaintext password anywhere under the run's directory (store, WAL, spool, logs, relay dumps);
- no account is active unless its right password was posted; every 200 "activated" answer stuck.

Prints the count of each fault and of each outcome, and exits 1 if a check fails.

    scripts/chaos.py --binary .build/release/activationd [--seconds 60] [--seed N] [--keep]

CHAOS_SECONDS overrides the default duration. Runs as root (smtp-sink drops to user postfix).
"""
import argparse
import os
import random
import re
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from activationd_test import (Daemon, drop, free_port, http, start_smtp_sink, stop_smtp_sink,  # noqa: E402
                              wait_for_port, write_keys)

SMTP_CONNECTIONS = 4
DOMAIN = "example.test"


class Counts:
    def __init__(self):
        self.lock = threading.Lock()
        self.values = {}

    def add(self, name, n=1):
        with self.lock:
            self.values[name] = self.values.get(name, 0) + n

    def get(self, name):
        with self.lock:
            return self.values.get(name, 0)


class Relay:
    """smtp-sink instances, one at a time, each dumping into a directory of its own, so that the
    messages a faulty instance took can be told from the others."""

    def __init__(self, root, port):
        self.root = root
        self.port = port
        self.process = None
        self.generation = 0
        self.mode = "down"
        self.modes = {}  # dump directory -> mode
        self.kills = 0   # instances killed (each may cut a send after the message was taken)

    def start(self, mode="normal", options=()):
        self.stop()
        self.generation += 1
        dump = os.path.join(self.root, f"sink-{self.generation:04d}-{mode}")
        os.makedirs(dump)
        os.chmod(dump, 0o777)
        self.modes[dump] = mode
        self.process = start_smtp_sink(self.port, 64, dump, options)
        if not wait_for_port(self.port):
            raise SystemExit(f"chaos: smtp-sink did not start: {self.process.args}")
        self.mode = mode

    def stop(self):
        if self.process is not None:
            stop_smtp_sink(self.process)
            self.process = None
            self.kills += 1
        self.mode = "down"

    def messages(self, seen=None):
        """[(path, dump directory's mode, message text)] of every message any instance dumped, except
        the paths in `seen` (the caller adds a path once it has what it needs from it: smtp-sink may
        still be writing a file when it is read, and a half-written one must be read again)."""
        found = []
        for dump, mode in list(self.modes.items()):
            for name in sorted(os.listdir(dump)):
                path = os.path.join(dump, name)
                if seen is not None and path in seen:
                    continue
                try:
                    with open(path, "rb") as f:
                        found.append((path, mode, f.read().decode("utf-8", "replace")))
                except OSError:
                    pass
        return found


def registration(index, rng, valid=True):
    username = f"chaos{index:06d}"
    password = f"Pw{secrets.token_hex(5)}Z9"  # unique (14 characters): searched for on disk at the end
    record = {
        "version": 1, "id": str(uuid.uuid4()), "submittedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "username": username, "firstName": rng.choice(["Zoë", "Jane", "Émile", "Ana"]), "lastName": "Chaos",
        "email": f"{username}@{DOMAIN}", "confirmEmail": f"{username}@{DOMAIN}",
        "password": password, "confirmPassword": password,
        "passwordPhrase": "blue heron at dawn", "acceptedConditions": True,
    }
    if not valid:  # breaks a rule: the confirmation differs
        record["confirmPassword"] = password + "x"
    return record


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("CHAOS_SECONDS", "60")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("CHAOS_SEED", "0")) or None)
    parser.add_argument("--rate", type=float, default=15.0, help="registrations a second")
    parser.add_argument("--keep", action="store_true", help="keep the run's directory")
    args = parser.parse_args()
    seed = args.seed or random.SystemRandom().randrange(1, 2**31)
    rng = random.Random(seed)
    binary = os.path.abspath(args.binary)
    root = tempfile.mkdtemp(prefix="activationd-chaos-")
    os.chmod(root, 0o755)
    print(f"chaos: {args.seconds:.0f} s, seed {seed}, directory {root}", flush=True)

    spool = os.path.join(root, "spool")
    for sub in ("tmp", "new", "rejected"):
        os.makedirs(os.path.join(spool, sub))
    # Fixed ports, not port 0: a restarted daemon must come back where the mailed links and the
    # activator point.
    http_port, metrics_port, sink_port = free_port(), free_port(), free_port()
    keys = os.path.join(root, "signing.keys")
    write_keys(binary, keys)
    store = os.path.join(root, "var", "activationd.sqlite")
    os.makedirs(os.path.dirname(store))
    config = os.path.join(root, "activationd.yaml")
    with open(config, "w") as f:
        f.write(f"""public_url: "http://127.0.0.1:{http_port}"
http:
  listen: "127.0.0.1:{http_port}"
  resend_rate: "1000/1m"
metrics:
  listen: "127.0.0.1:{metrics_port}"
spool:
  directory: "{spool}"
  rescan_interval: "2s"
store:
  url: "sqlite://{store}"
keys:
  file: "{keys}"
password_hash:
  scrypt_log_n: 4
smtp:
  url: "smtp://127.0.0.1:{sink_port}"
  starttls: "never"
  from: "Accounts <no-reply@{DOMAIN}>"
  connections: {SMTP_CONNECTIONS}
  timeout: "4s"
courier:
  minimal_backoff: "1s"
  maximal_backoff: "3s"
  maximal_queue_lifetime: "1h"
log:
  level: "info"
""")
    os.chmod(config, 0o600)
    checked = subprocess.run([binary, "check-config", "--config", config], capture_output=True, text=True)
    if checked.returncode != 0:
        raise SystemExit(f"chaos: check-config: {checked.stderr}")

    relay = Relay(root, sink_port)
    relay.start()
    daemon = Daemon(binary, config, os.path.join(root, "daemon.log"))
    daemon.start()
    base = f"http://127.0.0.1:{http_port}"
    deadline = time.monotonic() + 30
    while http(base + "/readyz", timeout=1)[0] != 200:
        if time.monotonic() > deadline:
            raise SystemExit("chaos: the daemon did not become ready")
        time.sleep(0.1)

    faults, outcomes = Counts(), Counts()
    lock = threading.Lock()
    passwords = {}          # username -> password (valid and invalid records)
    valid, invalid = set(), set()
    right_posted, activated_answers, wrong_only = set(), set(), set()
    handled = set()         # usernames whose mail the activator has taken
    links = {}              # username -> token
    stop = threading.Event()
    finished = threading.Event()

    def producer():
        index = 0
        interval = 1.0 / args.rate
        while not stop.is_set():
            index += 1
            is_valid = rng.random() >= 0.1
            record = registration(index, rng, is_valid)
            with lock:
                passwords[record["username"]] = record["password"]
                (valid if is_valid else invalid).add(record["username"])
            name = f"{record['id']}.json"
            drop(spool, record, name)
            outcomes.add("registrations dropped")
            if is_valid and rng.random() < 0.05:  # the same file dropped again (a retried upload)
                drop(spool, record, f"{record['id']}-again.json")
                outcomes.add("records dropped twice")
            time.sleep(interval)

    def activator():
        seen = set()
        while not finished.is_set():
            for path, _, text in relay.messages(seen):
                # smtp-sink writes the file as the message comes: one without its closing MIME
                # boundary is not complete yet (a link read from it may be cut), and is read again.
                if not re.search(r"^--=_activationd_[0-9a-f-]+--\s*\Z", text, re.M):
                    continue
                seen.add(path)
                match = re.search(r"^To: .*?(chaos\d{6})@", text, re.M)
                link = find_link(text)
                if not match or not link:
                    continue
                username = match.group(1)
                with lock:
                    if username in handled:
                        continue
                    handled.add(username)
                    links[username] = link
            time.sleep(0.2)
            with lock:
                todo = [u for u in links if u not in right_posted and u not in wrong_only]
            for username in todo:
                token = links[username]
                choice = rng.random()
                if choice < 0.15:
                    with lock:
                        wrong_only.add(username)
                    continue
                for _ in range(rng.randrange(0, 3)):  # a few typos first (below the lock limit of 5)
                    status, _ = http(base + "/activate", {"token": token, "password": "Wrong-" + secrets.token_hex(4)})
                    outcomes.add(f"wrong password answered {status}")
                with lock:
                    right_posted.add(username)
                status, body = http(base + "/activate", {"token": token, "password": passwords[username]})
                outcomes.add(f"right password answered {status}")
                if status == 200:
                    with lock:
                        activated_answers.add(username)

    def pending_links():
        with lock:
            return [u for u in links if u not in right_posted and u not in wrong_only]

    def hammer():
        while not stop.is_set():
            with lock:
                targets = list(wrong_only)
            burst = []
            for _ in range(16):
                if targets and rng.random() < 0.5:
                    token = links[rng.choice(targets)]
                else:
                    token = secrets.token_urlsafe(40)
                burst.append(threading.Thread(target=lambda t=token: outcomes.add(
                    f"hammer answered {http(base + '/activate', {'token': t, 'password': 'guess' + secrets.token_hex(3)}, timeout=5)[0]}")))
            for thread in burst:
                thread.start()
            for thread in burst:
                thread.join()
            faults.add("hammer bursts (16 wrong attempts)")
            time.sleep(rng.uniform(0.5, 2.0))

    def chaos():
        end = time.monotonic() + args.seconds
        while time.monotonic() < end:
            time.sleep(rng.uniform(1.5, 4.0))
            fault = rng.choice(["kill", "kill", "relay down", "relay 4xx", "relay hangs up after DATA",
                                "relay slow", "reload"])
            if fault == "kill":
                daemon.kill_and_restart(rng.uniform(0, 1.0))
                faults.add("daemon SIGKILLed and restarted")
            elif fault == "reload":
                daemon.signal(signal.SIGHUP)
                faults.add("SIGHUP reloads")
            else:
                if fault == "relay down":
                    relay.stop()
                    faults.add("relay stopped and started")
                elif fault == "relay 4xx":
                    command = rng.choice(["MAIL", "RCPT", "DATA", "."])
                    relay.start("tempfail", ["-r", command])
                    faults.add(f"relay answering 4xx to {command}")
                elif fault == "relay hangs up after DATA":
                    relay.start("hangup", rng.choice([["-q", "."], ["-Q", "."]]))
                    faults.add("relay hanging up after the message")
                else:
                    relay.start("slow", ["-w", "2"])
                    faults.add("relay slow (2 s to answer DATA)")
                time.sleep(rng.uniform(1.0, 4.0))
                relay.start()
            code = daemon.unexpected_exit()
            if code is not None:
                print(f"chaos: FAIL the daemon exited by itself ({code})", flush=True)
                daemon.start()
                faults.add("daemon exits not caused by us")
        relay.start()

    threads = [threading.Thread(target=t, daemon=True) for t in (producer, activator, hammer)]
    for thread in threads:
        thread.start()
    chaos()
    stop.set()
    print("chaos: faults over; draining", flush=True)

    # Drain: every file taken in, every account's mail out, every link followed.
    deadline = time.monotonic() + 180
    status = {}
    while time.monotonic() < deadline:
        status = daemon.status(check=False)
        outbox = status.get("outbox", {})
        spool_new = [n for n in os.listdir(os.path.join(spool, "new"))]
        with lock:
            waiting = len(valid) - len(handled)
        if not spool_new and outbox.get("queued", 1) == 0 and outbox.get("sending", 1) == 0 and waiting <= 0 \
                and not pending_links():
            break
        time.sleep(0.5)
    finished.set()
    for thread in threads:
        thread.join(timeout=30)
    exit_status = daemon.stop()
    relay.stop()

    failures = []

    def check(condition, text):
        print(f"chaos: {'ok  ' if condition else 'FAIL'} {text}", flush=True)
        if not condition:
            failures.append(text)

    check(exit_status == 0, f"the daemon stopped on SIGTERM with 0 (got {exit_status})")
    check(faults.get("daemon exits not caused by us") == 0, "the daemon never exited by itself")
    database = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    accounts = {row[0]: (row[1], row[2]) for row in database.execute("SELECT username, state, id FROM account")}
    rows = {row[0]: row[1:] for row in database.execute("SELECT id, account_id, kind, status FROM outbox")}
    database.close()
    check(set(accounts) == valid, f"every valid registration is one account ({len(accounts)} accounts, "
          f"{len(valid)} valid registrations, missing {sorted(valid - set(accounts))[:5]}, "
          f"extra {sorted(set(accounts) - valid)[:5]})")
    check(not (set(accounts) & invalid), "no invalid registration became an account")
    rejected = [n for n in os.listdir(os.path.join(spool, "rejected")) if not n.endswith(".reason.json")]
    check(len(rejected) == len(invalid), f"every invalid registration is set aside ({len(rejected)} of {len(invalid)})")
    check(not os.listdir(os.path.join(spool, "new")), "nothing left in new/")
    statuses = {}
    for _, _, row_status in rows.values():
        statuses[row_status] = statuses.get(row_status, 0) + 1
    check(statuses.get("failed", 0) == 0 and statuses.get("queued", 0) == 0 and statuses.get("sending", 0) == 0,
          f"every mail sent, none failed or waiting ({statuses})")

    deliveries, hung_up = {}, set()
    for _, mode, text in relay.messages():
        match = re.search(r"^Message-ID: <([0-9a-f-]{36})@", text, re.M | re.I)
        if not match:
            continue
        message_id = match.group(1).lower()
        deliveries[message_id] = deliveries.get(message_id, 0) + 1
        if mode == "hangup":
            hung_up.add(message_id)
    sent = {mid for mid, (_, _, s) in rows.items() if s == "sent"}
    check(sent <= set(deliveries), f"every mail recorded sent reached the relay ({len(sent - set(deliveries))} missing)")
    mailed_accounts = {rows[mid][0] for mid in deliveries if mid in rows}
    check({state_id[1] for state_id in accounts.values()} <= mailed_accounts,
          "every account's activation mail was delivered")
    duplicates = {mid: n for mid, n in deliveries.items() if n > 1}
    extra = sum(n - 1 for n in duplicates.values())
    may_duplicate = faults.get("daemon SIGKILLed and restarted") + relay.kills
    bound = len(hung_up) + SMTP_CONNECTIONS * may_duplicate
    check(extra <= bound, f"duplicates only where a fault could make them: {extra} extra deliveries of "
          f"{len(duplicates)} Message-IDs, at most {bound} ({len(hung_up)} hung up after the message, "
          f"{may_duplicate} kills and relay restarts × {SMTP_CONNECTIONS} connections)")

    found = []
    secret_words = [p.encode() for p in passwords.values()]
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            try:
                with open(path, "rb") as f:
                    content = f.read()
            except OSError:
                continue
            if any(word in content for word in secret_words):
                found.append(os.path.relpath(path, root))
    check(not found, f"no plaintext password on disk or in the logs ({found[:5]})")
    active = {u for u, (state, _) in accounts.items() if state == "active"}
    check(active <= right_posted, f"no account active without its password ({sorted(active - right_posted)[:5]})")
    check(not (active & wrong_only), "accounts only ever guessed at stay pending")
    check(activated_answers <= active, f"every 200 answer to the right password stuck "
          f"({sorted(activated_answers - active)[:5]})")

    print("chaos: faults injected:")
    for name, count in sorted(faults.values.items()):
        print(f"  {count:6d}  {name}")
    outcomes.values.update({
        "accounts": len(accounts), "accounts active": len(active), "links only guessed at": len(wrong_only),
        "invalid registrations set aside": len(rejected), "mails delivered (distinct Message-IDs)": len(deliveries),
        "extra deliveries of a Message-ID": extra, "mails taken by a relay that hung up": len(hung_up),
    })
    print("chaos: outcomes:")
    for name, count in sorted(outcomes.values.items()):
        print(f"  {count:6d}  {name}")
    if failures:
        print(f"chaos: FAILED ({len(failures)} checks); seed {seed}; directory kept: {root}")
        return 1
    if args.keep:
        print(f"chaos: passed; directory kept: {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)
        print("chaos: passed")
    return 0


def find_link(text):
    decoded = text.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=")
    match = re.search(r"http://127\.0\.0\.1:[0-9]+/activate\?token=([A-Za-z0-9_-]+)", decoded)
    return match.group(1) if match else None


if __name__ == "__main__":
    sys.exit(main())
