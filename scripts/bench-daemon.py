#!/usr/bin/env python3
"""Daemon benchmark (`make bench-daemon`): start to READY with a warm SQLite store, and RSS idle,
after 10,000 mails and after 20,000 (flat means no growth with volume).

Runs the release binary against a temporary spool and store and Postfix's smtp-sink on loopback.
Prints medians; see docs/PERFORMANCE.md, "Daemon".
"""
import json, os, shutil, signal, socket, statistics, subprocess, sys, tempfile, time, urllib.request, uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build/release/activationd")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Daemon:
    def __init__(self, work, smtp_port, scrypt_log_n=4):
        self.work = work
        self.config = os.path.join(work, "activationd.yaml")
        keys = os.path.join(work, "signing.keys")
        if not os.path.exists(keys):
            with open(keys, "w") as f:
                f.write(subprocess.check_output([BIN, "keys", "generate"], text=True))
            os.chmod(keys, 0o600)
        self.metrics_port = free_port()
        with open(self.config, "w") as f:
            f.write(f"""public_url: "http://127.0.0.1:{free_port()}"
http:
  listen: "127.0.0.1:{free_port()}"
metrics:
  listen: "127.0.0.1:{self.metrics_port}"
spool:
  directory: "{work}/spool"
store:
  url: "sqlite://{work}/store.sqlite"
smtp:
  url: "smtp://127.0.0.1:{smtp_port}"
  starttls: "never"
  connections: 4
keys:
  file: "{keys}"
password_hash:
  scrypt_log_n: {scrypt_log_n}
log:
  level: "warning"
""")

    def start(self):
        path = os.path.join(self.work, "notify.sock")
        if os.path.exists(path):
            os.unlink(path)
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(path)
        self.notify.settimeout(30)
        env = dict(os.environ, NOTIFY_SOCKET=path)
        started = time.perf_counter()
        self.process = subprocess.Popen([BIN, "serve", "--config", self.config], env=env,
                                        stderr=open(os.path.join(self.work, "daemon.log"), "a"))
        while True:
            message = self.notify.recv(4096).decode()
            if "READY=1" in message:
                return time.perf_counter() - started

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        self.notify.close()

    def metric(self, name):
        """The value of an unlabelled metric on /metrics, or None."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5) as answer:
            for line in answer.read().decode().splitlines():
                if line.startswith(name + " "):
                    return float(line.split()[-1])
        return None

    def status(self):
        return json.loads(subprocess.check_output([BIN, "status", "--json", "--config", self.config], text=True))


def drop(spool, count):
    for index in range(count):
        name = uuid.uuid4().hex
        record = {"version": 1, "id": str(uuid.uuid4()), "submittedAt": "2026-11-29T10:00:00Z",
                  "username": f"u{name[:12]}", "firstName": "Jane", "lastName": "Doe",
                  "email": f"{name[:16]}@example.org", "confirmEmail": f"{name[:16]}@example.org",
                  "password": "Secr3tPass", "confirmPassword": "Secr3tPass",
                  "passwordPhrase": "blue heron at dawn", "acceptedConditions": True}
        tmp = os.path.join(spool, "tmp", name)
        with open(tmp, "w") as f:
            json.dump(record, f)
        os.rename(tmp, os.path.join(spool, "new", name + ".json"))


def wait_sent(daemon, total, timeout=900):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if daemon.status()["outbox"]["sent"] >= total:
            return True
        time.sleep(1)
    return False


def main():
    if not os.path.exists(BIN):
        sys.exit("build first: swift build -c release --product activationd")
    work = tempfile.mkdtemp(prefix="bench-daemon-", dir="/tmp")
    smtp_port = free_port()
    sink = subprocess.Popen(["/usr/sbin/smtp-sink", "-u", "postfix", f"127.0.0.1:{smtp_port}", "1000"])
    try:
        daemon = Daemon(work, smtp_port)
        daemon.start()          # creates and migrates the store: later starts are warm
        daemon.stop()
        ready = []
        for _ in range(5):
            ready.append(daemon.start())
            daemon.stop()
        print(f"daemon.ready.warm {statistics.median(ready) * 1000:.0f} ms (median of 5; target <= 500 ms)")
        daemon.start()
        time.sleep(3)
        print(f"daemon.rss.idle {rss_kib(daemon.process.pid) / 1024:.1f} MiB")
        spool = os.path.join(work, "spool")
        for total in (10_000, 20_000):
            drop(spool, 10_000)
            started = time.time()
            if not wait_sent(daemon, total):
                sys.exit(f"only {daemon.status()['outbox']['sent']} of {total} mails sent")
            print(f"daemon.mails {total} in-window {10_000 / (time.time() - started):.0f} registrations+mails/s")
            print(f"daemon.rss.after_{total} {rss_kib(daemon.process.pid) / 1024:.1f} MiB")
        daemon.stop()
    finally:
        sink.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
