#!/usr/bin/env bash
# `make bench-package`: the package's size, the binary's size (packaged = stripped, static Swift
# runtime; debug for comparison), and start → READY=1 of the packaged binary against the debug
# binary in the same run, alternating, on one warm SQLite store each. Prints medians of RUNS (9).
# Builds the package first unless DEB names one. Figures: docs/PERFORMANCE.md, "Package".
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-9}
deb=${DEB:-$(scripts/build-deb.sh)}
debug=.build/debug/activationd
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb --extract "$deb" "$work/root"
packaged=$work/root/usr/bin/activationd

size() { stat -c %s "$1" | awk '{ printf "%.1f MiB", $1 / 1048576 }'; }
echo "package          $(basename "$deb"): $(size "$deb")"
echo "installed size   $(dpkg-deb --field "$deb" Installed-Size) KiB"
echo "binary packaged  $(size "$packaged") (stripped, Swift runtime linked in)"
[[ -x .build-release/release/activationd ]] && echo "binary release   $(size .build-release/release/activationd) (before strip)"
echo "binary debug     $(size "$debug")"
echo "needs            $(readelf -d "$packaged" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"

python3 - "$packaged" "$debug" "$work" "$runs" <<'PYTHON'
import os, signal, socket, statistics, subprocess, sys, time

packaged, debug, work, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(name, binary):
    """A configuration, keys, spool and store of its own; one start warms (migrates) the store."""
    directory = os.path.join(work, name)
    for sub in ("spool/tmp", "spool/new", "spool/rejected"):
        os.makedirs(os.path.join(directory, sub))
    keys = os.path.join(directory, "signing.keys")
    with open(keys, "w") as f:
        f.write(subprocess.check_output([binary, "keys", "generate"], text=True))
    os.chmod(keys, 0o600)
    config = os.path.join(directory, "activationd.yaml")
    with open(config, "w") as f:
        f.write(f"""public_url: "http://127.0.0.1:8080"
http:
  listen: "127.0.0.1:{free_port()}"
metrics:
  listen: "127.0.0.1:{free_port()}"
spool:
  directory: "{directory}/spool"
store:
  url: "sqlite://{directory}/store.sqlite"
smtp:
  url: "smtp://127.0.0.1:{free_port()}"
  starttls: "never"
keys:
  file: "{keys}"
log:
  level: "warning"
""")
    return config


def ready_seconds(binary, config):
    """From fork to the READY=1 datagram on NOTIFY_SOCKET, as systemd sees a Type=notify start."""
    path = os.path.join(os.path.dirname(config), "notify.sock")
    if os.path.exists(path):
        os.unlink(path)
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify:
        notify.bind(path)
        notify.settimeout(60)
        started = time.perf_counter()
        process = subprocess.Popen([binary, "serve", "--config", config], env=dict(os.environ, NOTIFY_SOCKET=path),
                                   stderr=subprocess.DEVNULL)
        while b"READY=1" not in notify.recv(4096):
            pass
        elapsed = time.perf_counter() - started
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        return elapsed


binaries = {"packaged": packaged, "debug": debug}
configs = {name: prepare(name, binary) for name, binary in binaries.items()}
for name, binary in binaries.items():
    ready_seconds(binary, configs[name])
times = {name: [] for name in binaries}
for _ in range(runs):
    for name, binary in binaries.items():
        times[name].append(ready_seconds(binary, configs[name]))
medians = {name: statistics.median(values) for name, values in times.items()}
for name, values in times.items():
    print(f"start → READY    {name:8} median {medians[name] * 1000:6.0f} ms "
          f"(min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f}, {runs} runs)")
print(f"ratio            debug / packaged = {medians['debug'] / medians['packaged']:.2f}")
PYTHON
