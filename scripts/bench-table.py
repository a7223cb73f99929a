#!/usr/bin/env python3
"""`make bench`: every benchmark beside its ceiling, measured in the same run, in one table.

Runs the benchmark scripts in turn on the release build `make bench` made (each prints its own
details, kept in a log directory), takes each one's headline figures, prints one table of ratios
and writes it, with a description of the machine, into docs/PERFORMANCE.md between the markers
`<!-- bench-table:start -->` and `<!-- bench-table:end -->`.

    scripts/bench-table.py [--quick] [--only NAME,NAME] [--reuse LOGDIR] [--no-write]

--quick runs each benchmark small (a smoke test of the table: its figures are not for quoting).
--reuse LOGDIR takes the output of each step that has a log there (`NAME.log`, from an earlier run of
this script, or a benchmark run alone and saved under that name) instead of running it again; the
table then says which rows came from where. Every ratio still divides two figures of one run.
"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs/PERFORMANCE.md")
START, END = "<!-- bench-table:start -->", "<!-- bench-table:end -->"


def run(name, command, logs, env=None):
    """Runs a benchmark script, echoing and logging its output; returns the output (None if it failed)."""
    print(f"\n=== {name}: {' '.join(command)}", flush=True)
    path = os.path.join(logs, f"{name}.log")
    started = time.time()
    with open(path, "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   env=dict(os.environ, **(env or {})))
        output = []
        for line in process.stdout:
            sys.stdout.write(line)
            log.write(line)
            output.append(line)
        status = process.wait()
    print(f"=== {name}: exit {status} after {time.time() - started:.0f} s", flush=True)
    return "".join(output) if status == 0 else None


def number(pattern, text, group=1):
    match = re.search(pattern, text or "", re.M)
    return float(match.group(group)) if match else None


def result_json(text):
    for line in reversed((text or "").splitlines()):
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    return None


def fmt(value, digits=0, unit=""):
    if value is None:
        return "—"
    return f"{value:,.{digits}f}{unit}"


def ratio_cell(ours, ceiling, target=None, lower_is_better=False):
    if ours is None or ceiling is None or ceiling == 0:
        return "—", "not run"
    ratio = ours / ceiling
    if target is None:
        return f"{ratio:.2f}", ""
    met = ratio <= target if lower_is_better else ratio >= target
    return f"**{ratio:.2f}**", ("met" if met else "**not met**")


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        pass
    with open("/proc/meminfo") as f:
        memory = int(f.readline().split()[1]) // 1024 // 1024
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
    return (f"{model or platform.processor()}, {os.cpu_count()} cores, {memory} GiB, Linux {platform.release()}, "
            f"{swift[0] if swift else 'swift ?'}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--reuse", default="")
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))
    q = args.quick
    logs = os.path.join("/tmp", "activationd-bench-" + datetime.datetime.now().strftime("%Y%m%d-%H%M%S"))
    os.makedirs(logs)
    load_before = open("/proc/loadavg").read().split()[:3]
    began = time.time()
    steps = [
        ("core", ["scripts/bench.sh"], {}),
        ("limiter", ["scripts/bench-limiter.sh"], {}),
        ("intake", ["scripts/bench-intake.sh"], {"ROUNDS": "1", "DROPS": "3"} if q else {}),
        ("courier", ["scripts/bench-courier.sh"] + (["1", "2000"] if q else []), {}),
        ("http", ["scripts/bench-http.sh"] + (["1", "3"] if q else []), {}),
        ("page", ["scripts/bench-page.sh"] + (["1"] if q else []), {}),
        ("dkim", ["scripts/bench-dkim.sh"] + (["2000"] if q else []), {}),
        ("store", ["scripts/bench-store.sh"] + (["1", "2000", "300"] if q else []), {}),
        ("daemon", ["scripts/bench-daemon.py"], {}),
        ("soak", ["scripts/bench-soak.py"] + (["2000"] if q else []), {}),
    ]
    out = {}
    reused_steps = []
    for name, command, env in steps:
        if only and name not in only:
            continue
        if not os.path.exists(os.path.join(ROOT, command[0])):
            print(f"=== {name}: {command[0]} is missing; skipped")
            continue
        reused = os.path.join(args.reuse, f"{name}.log") if args.reuse else ""
        if reused and os.path.exists(reused):
            with open(reused) as f:
                out[name] = f.read()
            with open(os.path.join(logs, f"{name}.log"), "w") as f:
                f.write(out[name])
            reused_steps.append(f"{name} ({time.strftime('%H:%M', time.gmtime(os.path.getmtime(reused)))} UTC)")
            print(f"=== {name}: reused {reused}")
            continue
        out[name] = run(name, command, logs, env)

    rows = []  # (benchmark, ours, ceiling, ratio, target, verdict)

    def add(benchmark, ours, ceiling, ours_value, ceiling_value, target_text, target=None, lower=False):
        ratio, verdict = ratio_cell(ours_value, ceiling_value, target, lower)
        rows.append((benchmark, ours, ceiling, ratio, target_text, verdict))

    core = out.get("core")
    sc_ours, sc_ssl = number(r"^scrypt\.ours ([\d.]+) ms", core), number(r"^scrypt\.openssl ([\d.]+) ms", core)
    add("scrypt ln=17, one hash", fmt(sc_ours, 1, " ms"), f"OpenSSL {fmt(sc_ssl, 1, ' ms')}", sc_ours, sc_ssl,
        "≤ 1.2", 1.2, lower=True)
    sign, verify = number(r"^token\.sign (\d+)", core), number(r"^token\.verify (\d+)", core)
    rows.append(("activation token, sign / verify (one core)", f"{fmt(sign)} / {fmt(verify)} ops/s", "—", "—", "—",
                 "" if sign else "not run"))

    limiter = out.get("limiter")
    small_us, large_us = number(r"^ratelimiter\.small_us ([\d.]+)", limiter), number(r"^ratelimiter\.large_us ([\d.]+)", limiter)
    add("rate limiter, one decision at 200,000 addresses (one core)", fmt(large_us, 3, " µs"),
        f"at 1,000 addresses {fmt(small_us, 3, ' µs')}", large_us, small_us, "≤ 20", 20, lower=True)

    intake = out.get("intake")
    i17 = number(r"^ln=17: ([\d.]+) registrations/s", intake)
    ceiling17 = number(r"ceiling 2/[\d.]+ ms = ([\d.]+)/s", intake)
    add("intake at ln=17 (2 workers)", fmt(i17, 2, "/s"), f"2 OpenSSL hashes at once {fmt(ceiling17, 2, '/s')}",
        i17, ceiling17, "≥ 0.9", 0.9)

    courier = out.get("courier")
    match = re.search(r"^connections=4 median smtp-source=(\d+)/s libcurl=(\d+)/s courier=(\d+)/s", courier or "", re.M)
    src, curl, cou = (float(match.group(i)) for i in (1, 2, 3)) if match else (None, None, None)
    add("courier, 4 connections", fmt(cou, 0, " mails/s"), f"smtp-source {fmt(src, 0, '/s')}", cou, src, "0.6 (issue 4)", 0.6)
    add("courier, 4 connections", fmt(cou, 0, " mails/s"), f"bare libcurl {fmt(curl, 0, '/s')}", cou, curl, "—")

    http = out.get("http")
    match = re.search(r"^median: hello ([\d.]+) req/s p99 ([\d.]+) ms \| activate ([\d.]+) req/s p99 ([\d.]+) ms",
                      http or "", re.M)
    hello, act = (float(match.group(1)), float(match.group(3))) if match else (None, None)
    add("activation page, in-memory store (wrk -c64)", fmt(act, 0, " req/s"), f"hello route {fmt(hello, 0, '/s')}",
        act, hello, "≥ 0.5", 0.5)
    reg = number(r"^median: GET /register ([\d.]+) req/s", http)
    add("GET /register", fmt(reg, 0, " req/s"), f"hello route {fmt(hello, 0, '/s')}", reg, hello, "≥ 0.3", 0.3)

    page = result_json(out.get("page"))
    if page:
        add("activation page, real daemon, SQLite, 200 accounts", f"{fmt(page['page_rps'], 0)} req/s, p99 "
            f"{page['page_p99_ms']} ms", f"/healthz {fmt(page['healthz_rps'], 0)}/s, p99 {page['healthz_p99_ms']} ms",
            page["page_rps"], page["healthz_rps"], "≥ 0.5; p99 ≤ 2×", 0.5)
        add("… its p99 latency", f"{page['page_p99_ms']} ms", f"/healthz {page['healthz_p99_ms']} ms",
            page["page_p99_ms"], page["healthz_p99_ms"], "≤ 2", 2.0, lower=True)
    else:
        rows.append(("activation page, real daemon, SQLite, 200 accounts", "—", "/healthz", "—", "≥ 0.5", "not run"))

    dkim = out.get("dkim")
    rsa = number(r"^dkim=rsa courier=(\d+)/s", dkim)
    rsa_ratio = number(r"^courier-rsa / openssl-rsa2048-sign: ([\d.]+)", dkim)
    ed_us = number(r"^dkim=ed25519 .*signing_us_per_mail=([\d.]+)", dkim)
    rsa_us = number(r"^dkim=rsa .*signing_us_per_mail=([\d.]+)", dkim)
    rows.append(("courier with RSA-2048 DKIM", fmt(rsa, 0, " mails/s"), "openssl speed rsa2048 sign/s",
                 f"**{rsa_ratio:.2f}**" if rsa_ratio else "—", "≥ 0.7",
                 ("met" if rsa_ratio >= 0.7 else "**not met**") if rsa_ratio else "not run"))
    rows.append(("DKIM signing cost per mail, RSA / Ed25519", f"{fmt(rsa_us, 0)} / {fmt(ed_us, 0)} µs", "—", "—", "—",
                 "" if rsa_us else "not run"))

    store = out.get("store")
    for part, unit in (("courier", "mails/s"), ("intake", "registrations/s")):
        match = re.search(rf"^{part} sqlite=([\d.]+) postgres=([\d.]+) postgres_two=([\d.]+)", store or "", re.M)
        s, p1, p2 = (float(match.group(i)) for i in (1, 2, 3)) if match else (None, None, None)
        add(f"{part} on PostgreSQL, 1 host", fmt(p1, 0, f" {unit}"), f"SQLite {fmt(s, 0, '/s')}", p1, s, "≥ 0.7", 0.7)
        add(f"{part} on PostgreSQL, 2 hosts", fmt(p2, 0, f" {unit}"), f"SQLite {fmt(s, 0, '/s')}", p2, s, "≥ 0.7", 0.7)

    daemon = out.get("daemon")
    ready = number(r"^daemon\.ready\.warm (\d+) ms", daemon)
    rows.append(("start to READY, warm store", fmt(ready, 0, " ms"), "—", "—", "≤ 500 ms",
                 ("met" if ready <= 500 else "**not met**") if ready is not None else "not run"))

    soak = result_json(out.get("soak"))
    if soak:
        late = soak.get("slope_second_half_kib_per_min")
        flat = late is not None and abs(late) <= 100
        delivered = soak["delivered"] == soak["registrations"] and soak["duplicates"] == 0
        rows.append((f"soak: {soak['registrations']:,} registrations at ln=10 → relay",
                     f"{soak['per_second']}/s; RSS {soak['rss_start_mib']} → {soak['rss_end_mib']} MiB (max "
                     f"{soak['rss_max_mib']}), slope {soak['slope_kib_per_min']} KiB/min after the first tenth, "
                     f"{fmt(late, 1)} KiB/min over the second half", f"{soak['delivered']:,} delivered, "
                     f"{soak['duplicates']} duplicates", "—", "all delivered once; RSS flat (second half ≤ 100 KiB/min)",
                     "met" if delivered and flat else "**not met**"))
    else:
        rows.append(("soak: 100,000 registrations at ln=10", "—", "—", "—", "all delivered, RSS flat", "not run"))

    load_after = open("/proc/loadavg").read().split()[:3]
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"`make bench`{' --quick (smoke run: figures not for quoting)' if q else ''}, {stamp}, "
        f"{(time.time() - began) / 60:.0f} min. Machine: {machine()}. Load average before "
        f"{' '.join(load_before)}, after {' '.join(load_after)}. Each ratio divides two figures of this run; "
        f"the details of each are in the sections below and in the run's logs ({logs})."
        + (f" Taken from earlier runs of this session: {', '.join(reused_steps)}." if reused_steps else ""),
        "",
        "| benchmark | ours | ceiling (same run) | ratio | target | |",
        "|---|---|---|---|---|---|",
    ] + [f"| {' | '.join(row)} |" for row in rows]
    table = "\n".join(lines)
    print("\n" + table)
    if not args.no_write:
        with open(DOC) as f:
            doc = f.read()
        block = f"{START}\n{table}\n{END}"
        if START in doc and END in doc:
            doc = doc[:doc.index(START)] + block + doc[doc.index(END) + len(END):]
        else:
            head, _, rest = doc.partition("\n## ")
            doc = f"{head}\n## One table (`make bench`)\n\n{block}\n\n## {rest}"
        with open(DOC, "w") as f:
            f.write(doc)
        print(f"\nwritten to {os.path.relpath(DOC, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
