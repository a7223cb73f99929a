"""What the Python scripts under scripts/ share: ports, the spool's drop, `activationd serve` as a
child process, Postfix's smtp-sink, a small HTTP client, and the benchmarks' made-up registrations.

    free_port                         chaos.py (relay, listeners), bench-*.py (relay), systemd-test.py
    wait_for_port                     chaos.py (relay)
    http                              chaos.py, systemd-test.py
    drop                              chaos.py (durable), bench-*.py through drop_bench_registrations
    write_keys                        chaos.py, bench-*.py through bench_config
    start_smtp_sink, stop_smtp_sink   chaos.py (its Relay), bench-daemon.py, bench-soak.py
    Daemon                            chaos.py, bench-daemon.py, bench-soak.py
    RELEASE_BINARY, require_release_binary, bench_config, drop_bench_registrations
                                      bench-daemon.py, bench-soak.py

A script imports it, whatever the current directory, with

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
    from activationd_test import ...

Standard library only: systemd-test.py runs on a host with nothing else installed.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RELEASE_BINARY = os.path.join(ROOT, ".build/release/activationd")


def free_port():
    """A port free now on 127.0.0.1, for a program that must be told its port before it starts (smtp-sink,
    aiosmtpd, a daemon that must come back on the same address after a restart). A daemon that may
    choose listens on port 0 and reports the port (`Daemon.addresses`); check the others listen."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=10.0):
    """True once something accepts connections on 127.0.0.1:`port`, False after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def http(url, form=None, timeout=10.0):
    """(status, body) of a GET, or of a POST of `form`; (0, the error) when no answer came."""
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if form is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        try:
            return error.code, error.read().decode("utf-8", "replace")
        except Exception:  # the body cut short: the daemon was killed while answering
            return error.code, ""
    except Exception as error:  # refused, reset, timed out: the daemon was killed or is starting
        return 0, repr(error)


def drop(spool, record, name, durable=True):
    """Submits `record` (a dict) as a web front does: written into <spool>/tmp/`name`, renamed into
    <spool>/new/`name`. Durable by default: the file is fsynced before the rename and new/ after it,
    so a record the caller was told is dropped survives a crash of the machine.

    durable=False skips both fsyncs: the benchmarks drop 10,000 files at a time, and their figures
    are the daemon's, not the disk's flushes (a crash of the machine is not what they measure)."""
    temporary = os.path.join(spool, "tmp", name)
    with open(temporary, "wb") as f:
        f.write(json.dumps(record).encode())
        if durable:
            f.flush()
            os.fsync(f.fileno())
    new = os.path.join(spool, "new")
    os.rename(temporary, os.path.join(new, name))
    if durable:
        directory = os.open(new, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def write_keys(binary, path):
    """A fresh signing key file (`activationd keys generate`) at `path`, mode 0600."""
    with open(path, "w") as f:
        f.write(subprocess.run([binary, "keys", "generate"], check=True, capture_output=True, text=True).stdout)
    os.chmod(path, 0o600)


def start_smtp_sink(port, backlog, dump=None, options=(), quiet=True):
    """Postfix's smtp-sink on 127.0.0.1:`port` as user postfix (so the caller runs as root); with
    `dump`, each message is written into that directory (which postfix must be able to write).
    quiet=False leaves its output on the caller's (the benchmarks' logs keep its complaints)."""
    command = ["/usr/sbin/smtp-sink", "-u", "postfix"]
    if dump is not None:
        command += ["-d", dump + "/%H%M%S."]
    command += [*options, f"127.0.0.1:{port}", str(backlog)]
    output = subprocess.DEVNULL if quiet else None
    return subprocess.Popen(command, stdout=output, stderr=output)


def stop_smtp_sink(process):
    """SIGKILL and reap: smtp-sink, once it dropped root, may ignore SIGTERM."""
    process.kill()
    process.wait()


class Daemon:
    """`activationd serve --config CONFIG` as a child process, its output appended to `log_path`.

    With `notify=True` (a `$NOTIFY_SOCKET` beside the log), start() waits for READY=1 and
    returns the seconds it took, and `addresses` holds the listeners' bound addresses from its
    STATUS= ({"http": "127.0.0.1:41234", "operator": ...}: a configuration may listen on port 0).
    Without it, start() returns at once (a caller polls /readyz, or does not wait: chaos.py).
    The methods are safe to call from several threads."""

    def __init__(self, binary, config, log_path, notify=False):
        self.binary = binary
        self.config = config
        self.log_path = log_path
        self.notify_path = os.path.join(os.path.dirname(log_path), "notify.sock") if notify else None
        self.notify = None
        self.addresses = {}
        self.process = None
        self.lock = threading.Lock()

    def start(self, ready_timeout=30):
        """Starts the daemon; with notify, returns the seconds to READY=1 (socket.timeout after
        `ready_timeout` seconds without it)."""
        with self.lock:
            env = None
            if self.notify_path:
                if os.path.exists(self.notify_path):
                    os.unlink(self.notify_path)
                self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                self.notify.bind(self.notify_path)
                self.notify.settimeout(ready_timeout)
                env = dict(os.environ, NOTIFY_SOCKET=self.notify_path)
            started = time.perf_counter()
            with open(self.log_path, "ab") as log:
                self.process = subprocess.Popen([self.binary, "serve", "--config", self.config], env=env,
                                                stdout=log, stderr=log, stdin=subprocess.DEVNULL)
            if not self.notify_path:
                return None
            while True:
                message = self.notify.recv(4096).decode()
                if "READY=1" in message:
                    elapsed = time.perf_counter() - started
                    self.addresses = self._addresses(message)
                    return elapsed

    @staticmethod
    def _addresses(message):
        """{"http": "127.0.0.1:8080", ...} from "STATUS=ready; http on 127.0.0.1:8080; operator on …"."""
        found = {}
        for line in message.splitlines():
            if line.startswith("STATUS="):
                for part in line[len("STATUS="):].split("; ")[1:]:
                    name, _, address = part.partition(" on ")
                    if address:
                        found[name] = address
        return found

    def signal(self, number):
        """Sends signal `number` if the daemon runs."""
        with self.lock:
            if self.process is not None and self.process.poll() is None:
                self.process.send_signal(number)

    def kill_and_restart(self, pause):
        """SIGKILL, reap, `pause` seconds, start again."""
        with self.lock:
            self.process.kill()
            self.process.wait()
        time.sleep(pause)
        self.start()

    def unexpected_exit(self):
        """The exit status if the daemon exited (by itself: every stop of ours restarts or reaps it), else None."""
        with self.lock:
            return self.process.poll() if self.process is not None else None

    def stop(self, timeout=60):
        """SIGTERM and wait: the exit status, or "killed after SIGTERM timeout" (then SIGKILLed)."""
        with self.lock:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                return "killed after SIGTERM timeout"
            finally:
                if self.notify is not None:
                    self.notify.close()
                    self.notify = None

    def rss_kib(self):
        """The daemon's resident set (VmRSS), in KiB; 0 if it has none (exited, not yet reaped)."""
        with open(f"/proc/{self.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def metric(self, name):
        """The value of an unlabelled metric on the operator listener's /metrics (its address from
        READY's STATUS=), or None."""
        url = f"http://{self.addresses['operator']}/metrics"
        with urllib.request.urlopen(url, timeout=5) as answer:
            for line in answer.read().decode().splitlines():
                if line.startswith(name + " "):
                    return float(line.split()[-1])
        return None

    def status(self, check=True):
        """`activationd status --json` for this configuration, parsed. check=True: a failure raises
        (CalledProcessError, its stderr shown); check=False: {} instead (the store busy, a daemon
        being killed), stderr kept quiet."""
        command = [self.binary, "status", "--json", "--config", self.config]
        if check:
            return json.loads(subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout)
        result = subprocess.run(command, capture_output=True, text=True)
        try:
            return json.loads(result.stdout)
        except ValueError:
            return {}


# The benchmarks (bench-daemon.py, bench-soak.py): the release binary, one configuration, and made-up
# registrations dropped by the thousand.

def require_release_binary():
    if not os.path.exists(RELEASE_BINARY):
        sys.exit("build first: swift build -c release --product activationd")
    return RELEASE_BINARY


def bench_config(work, binary, smtp_port, scrypt_log_n=4):
    """Writes <work>/activationd.yaml (and <work>/signing.keys once) for a daemon on a SQLite store
    in `work`, its spool <work>/spool, mailing to 127.0.0.1:`smtp_port`; both listeners on port 0
    (Daemon(notify=True) reads them back). Returns the configuration's path."""
    config = os.path.join(work, "activationd.yaml")
    keys = os.path.join(work, "signing.keys")
    if not os.path.exists(keys):
        write_keys(binary, keys)
    with open(config, "w") as f:
        f.write(f"""public_url: "http://127.0.0.1:8080"
http:
  listen: "127.0.0.1:0"
metrics:
  listen: "127.0.0.1:0"
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
    return config


def drop_bench_registrations(spool, count):
    """`count` valid registrations, each a new username and address, dropped without fsync (drop's
    durable=False: see there)."""
    for _ in range(count):
        name = uuid.uuid4().hex
        record = {"version": 1, "id": str(uuid.uuid4()), "submittedAt": "2026-11-29T10:00:00Z",
                  "username": f"u{name[:12]}", "firstName": "Jane", "lastName": "Doe",
                  "email": f"{name[:16]}@example.org", "confirmEmail": f"{name[:16]}@example.org",
                  "password": "Secr3tPass", "confirmPassword": "Secr3tPass",
                  "passwordPhrase": "blue heron at dawn", "acceptedConditions": True}
        drop(spool, record, name + ".json", durable=False)
