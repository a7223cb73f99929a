#!/usr/bin/env python3
"""Daemon benchmark (`make bench-daemon`): start to READY with a warm SQLite store, and RSS idle,
after 10,000 mails and after 20,000 (flat means no growth with volume).

Runs the release binary against a temporary spool and store and Postfix's smtp-sink on loopback.
Prints medians; see docs/PERFORMANCE.md, "Daemon".
"""
import os, shutil, statistics, sys, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from activationd_test import (Daemon, bench_config, drop_bench_registrations, free_port,  # noqa: E402
                              require_release_binary, start_smtp_sink, stop_smtp_sink)


def wait_sent(daemon, total, timeout=900):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if daemon.status()["outbox"]["sent"] >= total:
            return True
        time.sleep(1)
    return False


def main():
    binary = require_release_binary()
    work = tempfile.mkdtemp(prefix="bench-daemon-", dir="/tmp")
    smtp_port = free_port()
    sink = start_smtp_sink(smtp_port, 1000, quiet=False)
    try:
        daemon = Daemon(binary, bench_config(work, binary, smtp_port), os.path.join(work, "daemon.log"), notify=True)
        daemon.start()          # creates and migrates the store: later starts are warm
        daemon.stop()
        ready = []
        for _ in range(5):
            ready.append(daemon.start())
            daemon.stop()
        print(f"daemon.ready.warm {statistics.median(ready) * 1000:.0f} ms (median of 5; target <= 500 ms)")
        daemon.start()
        time.sleep(3)
        print(f"daemon.rss.idle {daemon.rss_kib() / 1024:.1f} MiB")
        spool = os.path.join(work, "spool")
        for total in (10_000, 20_000):
            drop_bench_registrations(spool, 10_000)
            started = time.time()
            if not wait_sent(daemon, total):
                sys.exit(f"only {daemon.status()['outbox']['sent']} of {total} mails sent")
            print(f"daemon.mails {total} in-window {10_000 / (time.time() - started):.0f} registrations+mails/s")
            print(f"daemon.rss.after_{total} {daemon.rss_kib() / 1024:.1f} MiB")
        daemon.stop()
    finally:
        stop_smtp_sink(sink)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
