#!/usr/bin/env python3
"""Soak (`make bench` runs it; alone: `scripts/bench-soak.py [REGISTRATIONS]`, default 100,000):
registrations at scrypt_log_n 10 through the release daemon (SQLite store) to Postfix's smtp-sink.

A steady flow: the spool's new/ is topped up to 2,000 files whenever it falls below 1,000. Reports
throughput (registrations in → mails accepted by the relay), the daemon's RSS sampled every second
and its slope (least squares over the run after its first tenth, KiB per minute: flat is near 0),
SQLite's own heap beside it (`activationd_sqlite_memory_bytes`, every 10 s: page caches filling),
and whether every mail reached the relay once (distinct Message-IDs in the sink's dumps).

The last line is `RESULT {json}` for scripts/bench-table.py.
"""
import json, os, re, shutil, sys, tempfile, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from activationd_test import (Daemon, bench_config, drop_bench_registrations, free_port,  # noqa: E402
                              require_release_binary, start_smtp_sink, stop_smtp_sink)


def slope_per_minute(samples):
    """Least-squares slope of (seconds, KiB) samples, in KiB per minute."""
    n = len(samples)
    if n < 2:
        return 0.0
    mean_t = sum(t for t, _ in samples) / n
    mean_r = sum(r for _, r in samples) / n
    num = sum((t - mean_t) * (r - mean_r) for t, r in samples)
    den = sum((t - mean_t) ** 2 for t, _ in samples)
    return num / den * 60 if den else 0.0


def main():
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    binary = require_release_binary()
    work = tempfile.mkdtemp(prefix="bench-soak-", dir="/tmp")
    os.chmod(work, 0o755)
    dumps = os.path.join(work, "dumps")
    os.makedirs(dumps)
    os.chmod(dumps, 0o777)
    for sub in ("tmp", "new", "rejected"):
        os.makedirs(os.path.join(work, "spool", sub))
    smtp_port = free_port()
    sink = start_smtp_sink(smtp_port, 1000, dumps, quiet=False)
    try:
        daemon = Daemon(binary, bench_config(work, binary, smtp_port, scrypt_log_n=10),
                        os.path.join(work, "daemon.log"), notify=True)
        daemon.start()
        spool = os.path.join(work, "spool")
        samples = []
        dropped = 0
        started = time.time()
        done = threading.Event()

        sqlite = []  # (seconds, KiB) of SQLite's own heap, from /metrics (recorded every 10 s)

        def sample():
            tick = 0
            while not done.is_set():
                samples.append((time.time() - started, daemon.rss_kib()))
                if tick % 10 == 0:
                    try:
                        used = daemon.metric("activationd_sqlite_memory_bytes")
                        if used is not None:
                            sqlite.append((time.time() - started, used / 1024))
                    except OSError:
                        pass
                tick += 1
                time.sleep(1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        sent, last_status, last_print = 0, 0.0, time.time()
        while sent < total:
            waiting = len(os.listdir(os.path.join(spool, "new")))
            if waiting < 1_000 and dropped < total:
                batch = min(2_000 - waiting, total - dropped)
                drop_bench_registrations(spool, batch)
                dropped += batch
            if time.time() - last_status > 5:
                sent = daemon.status()["outbox"]["sent"]
                last_status = time.time()
            if time.time() - last_print > 60:
                print(f"soak: {sent} of {total} mails sent after {time.time() - started:.0f} s, "
                      f"RSS {samples[-1][1] / 1024:.1f} MiB", flush=True)
                last_print = time.time()
            if time.time() - started > 4 * 3600:
                sys.exit(f"soak: only {sent} of {total} sent after 4 hours")
            time.sleep(0.5)
        elapsed = time.time() - started
        done.set()
        sampler.join()
        daemon.stop()
        ids = {}
        for name in os.listdir(dumps):
            with open(os.path.join(dumps, name), "rb") as f:
                match = re.search(rb"^Message-ID: <([^>]+)>", f.read(), re.M | re.I)
            if match:
                ids[match.group(1)] = ids.get(match.group(1), 0) + 1
        settled = [s for s in samples if s[0] >= elapsed / 10]
        result = {
            "registrations": total, "seconds": round(elapsed), "per_second": round(total / elapsed, 1),
            "rss_start_mib": round(settled[0][1] / 1024, 1), "rss_end_mib": round(samples[-1][1] / 1024, 1),
            "rss_max_mib": round(max(r for _, r in samples) / 1024, 1),
            "slope_kib_per_min": round(slope_per_minute(settled), 1),
            "slope_second_half_kib_per_min": round(slope_per_minute([x for x in samples if x[0] >= elapsed / 2]), 1),
            "delivered": len(ids), "duplicates": sum(n - 1 for n in ids.values()),
        }
        if sqlite:
            result.update({
                "sqlite_start_mib": round(next((x for x in sqlite if x[0] >= elapsed / 10), sqlite[0])[1] / 1024, 1),
                "sqlite_end_mib": round(sqlite[-1][1] / 1024, 1),
                "sqlite_slope_second_half_kib_per_min": round(slope_per_minute([x for x in sqlite if x[0] >= elapsed / 2]), 1),
            })
        print(f"soak: {total} registrations at ln=10 in {elapsed:.0f} s = {result['per_second']}/s; RSS "
              f"{result['rss_start_mib']} → {result['rss_end_mib']} MiB (max {result['rss_max_mib']}), slope "
              f"{result['slope_kib_per_min']} KiB/min after the first tenth, "
              f"{result['slope_second_half_kib_per_min']} KiB/min over the second half; {len(ids)} distinct Message-IDs at "
              f"the relay, {result['duplicates']} duplicates")
        if sqlite:
            print(f"soak: SQLite's heap {result['sqlite_start_mib']} → {result['sqlite_end_mib']} MiB, slope "
                  f"{result['sqlite_slope_second_half_kib_per_min']} KiB/min over the second half (its page caches "
                  f"filling as the file grows, up to 2 MiB per connection)")
        print("RESULT " + json.dumps(result))
        return 0 if len(ids) == total else 1
    finally:
        stop_smtp_sink(sink)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
