#!/usr/bin/env python3
"""The package as an operator meets it: a minimal Debian 12 booted with systemd-nspawn, our .deb
installed with dpkg, the service started by systemd under the shipped (hardened) unit.

    scripts/systemd-test.py [--deb DEB]        (make systemd-test; make test runs it last)

Steps, each checked (a failure prints the service's journal and exits 1):
 1. a Debian 12 root from Debian's packages (mmdebstrap --variant=minbase, cached in
    .build-systemd/base; reused while the package list is the same), copied for this run and
    booted with `systemd-nspawn -b` (no machinectl: --register=no --keep-unit; the container
    shares the host's network, so the daemon and the relay meet on the host's loopback);
 2. dpkg -i the package; the configuration pointed at a mail sink on the host (aiosmtpd);
    systemctl start: active/running (Type=notify: READY reached);
 3. a record submitted by a web front's user in activationd-submit (`activationd submit --spool`,
    exit 0) and one by root (`activationd submit`, with the configuration): both mailed; the link
    of the first activates its account (GET, then POST with the password);
 4. a record in new/ its writer left unreadable (mode 0600) is reported once and left alone; a
    user outside activationd-submit cannot submit (exit 74);
 5. systemctl reload: same PID, the changed setting (log.format json) applied;
 6. systemctl restart, then stop: Result=success; no journal line of the service at priority
    error or above during all of it;
 7. an upgrade (the same package rebuilt as version -2) keeps the accounts and the edited
    configuration; dpkg --purge removes data and configuration.
Commands run inside the container through nsenter into its namespaces.
"""
import argparse
import glob
import mailbox
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
from activationd_test import free_port, http  # noqa: E402

REPO = os.path.dirname(HERE)
CACHE = os.path.join(REPO, ".build-systemd")
# What an operator's minimal Debian 12 has: systemd, and the libraries our package depends on.
# (No procps, no Python: the package must not need them.)
PACKAGES = "systemd,systemd-sysv,dbus,libcurl4,libsqlite3-0,ca-certificates,adduser"
SUITE = "bookworm"
PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
STEP_TIMEOUT = 120


def log(text):
    print(f"systemd-test: {text}", flush=True)


class Failure(Exception):
    pass


def base_root():
    """The cached Debian root, built once per package list."""
    base = os.path.join(CACHE, "base")
    stamp = os.path.join(CACHE, "base.packages")
    if os.path.isdir(base) and os.path.exists(stamp) and open(stamp).read() == f"{SUITE} {PACKAGES}\n":
        return base
    os.makedirs(CACHE, exist_ok=True)
    shutil.rmtree(base, ignore_errors=True)
    building = base + ".tmp"
    shutil.rmtree(building, ignore_errors=True)
    log(f"building a minimal Debian {SUITE} root with mmdebstrap (cached in {base})")
    started = time.monotonic()
    subprocess.run(["mmdebstrap", "--quiet", "--variant=minbase", f"--include={PACKAGES}", SUITE, building],
                   check=True)
    os.rename(building, base)
    with open(stamp, "w") as f:
        f.write(f"{SUITE} {PACKAGES}\n")
    log(f"root built in {time.monotonic() - started:.0f} s")
    return base


def wait_until(what, condition, timeout=STEP_TIMEOUT, interval=0.2):
    """Polls `condition` until it returns a true value (returned) or `timeout` passes (Failure,
    with the last value seen)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(interval)
    raise Failure(f"{what}: not within {timeout} s (last seen: {last!r})")


class Container:
    def __init__(self, root, log_path):
        self.root = root
        self.log_path = log_path
        self.nspawn = None
        self.leader = None

    def boot(self):
        out = open(self.log_path, "ab")
        self.nspawn = subprocess.Popen(
            # --rlimit: a host's systemd (PID 1, every capability) can raise any limit for a unit
            # (LimitNICE=, LimitNOFILE=); a container's can only lower what it was given, and this
            # shell gives it a hard RLIMIT_NICE of 0.
            ["systemd-nspawn", "-D", self.root, "--register=no", "--keep-unit", "-b", "-q", "--console=pipe",
             "--rlimit=RLIMIT_NICE=40", "--rlimit=RLIMIT_NOFILE=65536"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

        def leader():
            if self.nspawn.poll() is not None:
                raise Failure(f"systemd-nspawn exited {self.nspawn.returncode}: {open(self.log_path).read()[-2000:]}")
            children = subprocess.run(["pgrep", "-P", str(self.nspawn.pid)], capture_output=True, text=True).stdout.split()
            for child in children:
                try:
                    if open(f"/proc/{child}/comm").read().strip() == "systemd":
                        return int(child)
                except OSError:
                    pass
            return None

        self.leader = wait_until("the container's systemd", leader)
        state = wait_until("boot", lambda: self.run(["systemctl", "is-system-running", "--wait"], check=False).stdout.strip())
        if state not in ("running", "degraded"):
            raise Failure(f"the container booted into state {state!r}")
        if state == "degraded":
            log("container booted degraded: " + self.run(["systemctl", "--failed", "--no-legend"], check=False).stdout)

    def run(self, command, user=None, check=True, input=None, timeout=STEP_TIMEOUT):
        """Runs `command` inside the container (as root, or as `user` through runuser)."""
        inner = ["env", "-i", f"PATH={PATH}", "LANG=C.UTF-8"]
        if user:
            inner = ["runuser", "-u", user, "--"] + inner
        full = ["nsenter", "-t", str(self.leader), "-m", "-u", "-i", "-p", "-r", "-w"] + inner + command
        result = subprocess.run(full, input=input, capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise Failure(f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}{result.stderr}")
        return result

    def can_raise_nice(self):
        """Whether the container's systemd could give a unit a nice limit of -4 (hard RLIMIT_NICE ≥ 24)."""
        for line in self.run(["cat", "/proc/1/limits"]).stdout.splitlines():
            if line.startswith("Max nice priority"):
                return int(line.split()[4]) >= 24
        return False

    def show(self, *properties):
        text = self.run(["systemctl", "show", "activationd", "-p", ",".join(properties)]).stdout
        return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)

    def journal(self, since="", priority=None):
        command = ["journalctl", "-u", "activationd", "--no-pager", "-o", "short-precise"]
        if since:
            command += ["--since", since]
        if priority:
            command += ["-p", priority]
        return self.run(command, check=False).stdout

    def shutdown(self):
        if self.nspawn is None or self.nspawn.poll() is not None:
            return
        if self.leader:
            self.run(["systemctl", "poweroff", "--no-block"], check=False)
        try:
            self.nspawn.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.nspawn.pid, signal.SIGKILL)
            self.nspawn.wait()


class Sink:
    """A relay on the host's loopback that keeps every message in a Maildir (Debian's aiosmtpd,
    Mailbox handler)."""

    def __init__(self, directory):
        self.path = os.path.join(directory, "maildir")  # aiosmtpd's Mailbox handler keeps a Maildir
        self.port = free_port()
        self.process = subprocess.Popen(
            ["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}",
             "-c", "aiosmtpd.handlers.Mailbox", self.path],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=open(os.path.join(directory, "sink.log"), "wb"))

        def listening():
            if self.process.poll() is not None:
                raise Failure(f"the mail sink exited {self.process.returncode}")
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", self.port)) == 0

        wait_until("the mail sink", listening)

    def messages(self):
        if not os.path.exists(self.path):
            return []
        return list(mailbox.Maildir(self.path, create=False))

    def message_to(self, address):
        for message in self.messages():
            if message["To"] and address in message["To"]:
                return message
        return None

    def stop(self):
        self.process.terminate()
        self.process.wait()


def link_in(message):
    """The activation link's token, from the text part (quoted-printable decoded)."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            text = part.get_payload(decode=True).decode("utf-8", "replace")
            match = re.search(r"https?://[^\s]+/activate\?token=([A-Za-z0-9_-]+)", text)
            if match:
                return match.group(0), match.group(1)
    return None


def record(username, password):
    return (
        '{"version":1,"id":"%s","submittedAt":"%s","username":"%s","firstName":"Jane","lastName":"Doe",'
        '"email":"%s@example.org","confirmEmail":"%s@example.org","password":"%s","confirmPassword":"%s",'
        '"passwordPhrase":"blue heron at dawn","acceptedConditions":true,"locale":"en"}'
        % (uuid.uuid4(), time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), username, username, username,
           password, password))


def configure(root, http_port, metrics_port, sink_port):
    """Edits the installed configuration as an operator would (in place: owner and mode stay)."""
    path = os.path.join(root, "etc/activationd/activationd.yaml")
    text = open(path).read()
    replacements = [
        (r'(?m)^public_url: .*$', f'public_url: "http://127.0.0.1:{http_port}"'),
        (r'(?m)^(  listen: )"127\.0\.0\.1:8080"', rf'\g<1>"127.0.0.1:{http_port}"'),
        (r'(?m)^(  listen: )"127\.0\.0\.1:9464"', rf'\g<1>"127.0.0.1:{metrics_port}"'),
        (r'(?m)^(  url: )"smtp://127\.0\.0\.1:25"', rf'\g<1>"smtp://127.0.0.1:{sink_port}"'),
        # A cheaper hash than the default (2^17, 128 MiB each): the test hashes a few passwords only.
        (r'(?m)^(  scrypt_log_n: )17', r'\g<1>14'),
    ]
    for pattern, replacement in replacements:
        text, count = re.subn(pattern, replacement, text)
        if count != 1:
            raise Failure(f"the shipped configuration has no line for {pattern}")
    with open(path, "w") as f:
        f.write(text)


def set_log_format(root, format):
    path = os.path.join(root, "etc/activationd/activationd.yaml")
    text, count = re.subn(r'(?m)^(  format: )"(logfmt|json)"', rf'\g<1>"{format}"', open(path).read())
    if count != 1:
        raise Failure("no log.format line in the configuration")
    with open(path, "w") as f:
        f.write(text)


def rebuilt(deb, directory):
    """The same package rebuilt as the next Debian revision (what an upgrade installs)."""
    unpacked = os.path.join(directory, "rebuilt")
    subprocess.run(["dpkg-deb", "-R", deb, unpacked], check=True)
    control = os.path.join(unpacked, "DEBIAN/control")
    text = open(control).read()
    version = re.search(r"(?m)^Version: (.*)-(\d+)$", text)
    text = text.replace(version.group(0), f"Version: {version.group(1)}-{int(version.group(2)) + 1}")
    open(control, "w").write(text)
    output = os.path.join(directory, "activationd-upgrade.deb")
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z1", "--build", unpacked, output],
                   check=True, stdout=subprocess.DEVNULL)
    return output, f"{version.group(1)}-{int(version.group(2)) + 1}"


def account_state(container, username):
    shown = container.run(["activationd", "account", "show", username], check=False).stdout
    match = re.search(r"state:\s+(\w+)", shown)
    return match.group(1) if match else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deb", help="the package (default: build it with scripts/build-deb.sh)")
    parser.add_argument("--keep", action="store_true", help="keep the run's directory")
    arguments = parser.parse_args()
    started = time.monotonic()

    deb = arguments.deb or subprocess.run([os.path.join(HERE, "build-deb.sh")], check=True,
                                          stdout=subprocess.PIPE, text=True, cwd=REPO).stdout.strip().splitlines()[-1]
    deb = os.path.abspath(os.path.join(REPO, deb))
    base = base_root()
    work = tempfile.mkdtemp(prefix="systemd-test.", dir=CACHE)
    root = os.path.join(work, "root")
    subprocess.run(["cp", "-a", base, root], check=True)
    os.makedirs(os.path.join(root, "srv/test"), exist_ok=True)
    shutil.copy(deb, os.path.join(root, "srv/test/activationd.deb"))
    upgrade, upgrade_version = rebuilt(deb, work)
    shutil.copy(upgrade, os.path.join(root, "srv/test/activationd-upgrade.deb"))

    sink = Sink(work)
    container = Container(root, os.path.join(work, "boot.log"))
    step = "boot"
    try:
        container.boot()
        log(f"booted in {time.monotonic() - started:.0f} s")

        step = "install"
        container.run(["dpkg", "-i", "/srv/test/activationd.deb"])
        http_port, metrics_port = free_port(), free_port()
        configure(root, http_port, metrics_port, sink.port)
        container.run(["activationd", "check-config"])

        step = "start"
        container.run(["systemctl", "start", "activationd"])
        state = container.show("ActiveState", "SubState", "MainPID")
        if (state["ActiveState"], state["SubState"]) != ("active", "running"):
            raise Failure(f"after start: {state}")
        first_pid = state["MainPID"]
        log(f"started: {state}")

        step = "submit"
        container.run(["useradd", "--create-home", "--groups", "activationd-submit", "front"])
        container.run(["useradd", "--create-home", "stranger"])
        front_password, root_password = "Fr0ntPass" + uuid.uuid4().hex[:6], "R00tPass" + uuid.uuid4().hex[:6]
        submitted = container.run(["activationd", "submit", "--spool", "/var/spool/activationd", "-"], user="front",
                                  input=record("webfront1", front_password), check=False)
        if submitted.returncode != 0:
            raise Failure(f"the front's submit exited {submitted.returncode}: {submitted.stderr}")
        container.run(["activationd", "submit", "-"], input=record("operator1", root_password))
        refused = container.run(["activationd", "submit", "--spool", "/var/spool/activationd", "-"], user="stranger",
                                input=record("stranger1", "Str4ngerPass"), check=False)
        if refused.returncode != 74:
            raise Failure(f"a user outside activationd-submit submitted: exit {refused.returncode} {refused.stderr}")

        step = "mail"
        front_mail = wait_until("the front's mail at the sink", lambda: sink.message_to("webfront1@example.org"))
        wait_until("the operator's mail at the sink", lambda: sink.message_to("operator1@example.org"))
        url, token = wait_until("the link in the mail", lambda: link_in(front_mail), timeout=1)
        status, body = http(url, timeout=30)
        if status != 200:
            raise Failure(f"GET the link answered {status}: {body[:300]}")
        status, body = http(f"http://127.0.0.1:{http_port}/activate", {"token": token, "password": front_password},
                            timeout=30)
        if status != 200:
            raise Failure(f"POST /activate answered {status}: {body[:300]}")
        if account_state(container, "webfront1") != "active":
            raise Failure(f"webfront1 is {account_state(container, 'webfront1')} after following the link")
        log("both records mailed; the front's account activated by its link")

        step = "unreadable record"
        container.run(["sh", "-c", "umask 077; printf '%s' \"$0\" > /var/spool/activationd/new/unreadable.json",
                       record("private1", "Pr1vatePass")])
        wait_until("the unreadable record reported", lambda: "registration.unreadable" in container.journal())
        if not os.path.exists(os.path.join(root, "var/spool/activationd/new/unreadable.json")):
            raise Failure("the unreadable record was not left where it was")
        container.run(["rm", "/var/spool/activationd/new/unreadable.json"])

        step = "reload"
        set_log_format(root, "json")
        container.run(["systemctl", "reload", "activationd"])
        wait_until("the reload applied (a JSON log line)",
                   lambda: '"event":"daemon.reloaded"' in container.journal())
        state = container.show("ActiveState", "SubState", "MainPID")
        if state["MainPID"] != first_pid or state["ActiveState"] != "active":
            raise Failure(f"after reload: {state} (PID before: {first_pid})")
        log(f"reloaded: same PID {first_pid}, log.format json applied")

        step = "restart and stop"
        container.run(["systemctl", "restart", "activationd"])
        state = container.show("ActiveState", "SubState", "MainPID")
        if state["ActiveState"] != "active" or state["MainPID"] == first_pid:
            raise Failure(f"after restart: {state}")
        container.run(["systemctl", "stop", "activationd"])
        state = container.show("ActiveState", "Result", "ExecMainStatus")
        if state["Result"] != "success" or state["ActiveState"] != "inactive":
            raise Failure(f"after stop: {state}")
        errors = container.journal(priority="err").strip()
        if errors and "-- No entries --" not in errors:
            raise Failure(f"lines at priority error or above in the journal:\n{errors}")
        noise = [line for line in container.journal().splitlines()
                 if "level=error" in line or "level=critical" in line or "Failed to" in line]
        if not container.can_raise_nice():
            # Dispatch's "Failed to set thread priority" needs LimitNICE=-4, which systemd cannot
            # grant where the container itself may not raise RLIMIT_NICE (no CAP_SYS_RESOURCE).
            log("this machine cannot grant LimitNICE= (no CAP_SYS_RESOURCE): Dispatch's priority lines are not checked")
            noise = [line for line in noise if "Failed to set thread priority" not in line]
        if noise:
            raise Failure("error lines in the service's journal:\n" + "\n".join(noise))
        warnings = [line for line in container.journal(priority="warning").splitlines()
                    if "activationd" in line and "registration.unreadable" not in line]
        log(f"restart and stop clean ({len(warnings)} warning lines besides the unreadable record's)")
        for line in warnings:
            log(f"  warning: {line}")

        step = "upgrade"
        container.run(["systemctl", "start", "activationd"])
        container.run(["dpkg", "-i", "/srv/test/activationd-upgrade.deb"])
        installed = container.run(["dpkg-query", "-W", "-f", "${Version}", "activationd"]).stdout
        if installed != upgrade_version:
            raise Failure(f"after the upgrade dpkg has {installed}")
        if '"json"' not in open(os.path.join(root, "etc/activationd/activationd.yaml")).read():
            raise Failure("the upgrade lost the edited configuration")
        if account_state(container, "webfront1") != "active":
            raise Failure("the upgrade lost the account")
        state = container.show("ActiveState", "SubState")
        if state["ActiveState"] != "active":
            raise Failure(f"after the upgrade: {state}")

        step = "purge"
        container.run(["dpkg", "--purge", "activationd"])
        left = [p for p in ("var/lib/activationd", "etc/activationd", "var/spool/activationd")
                if os.path.exists(os.path.join(root, p))]
        if left:
            raise Failure(f"purge left {left}")
        log(f"passed in {time.monotonic() - started:.0f} s")
        return 0
    except (Failure, subprocess.SubprocessError, OSError) as error:
        log(f"FAILED at step '{step}': {error}")
        if container.leader:
            log("the service's journal:\n" + container.journal())
        return 1
    finally:
        container.shutdown()
        sink.stop()
        if not arguments.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"kept {work}")


if __name__ == "__main__":
    sys.exit(main())
