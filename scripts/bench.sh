#!/usr/bin/env bash
# Core benchmarks beside their ceilings, measured in the same run. Medians of 5; quote ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/activationd-bench
[[ -x $bin ]] || { echo "build first: swift build -c release --product activationd-bench" >&2; exit 66; }

echo "# tokens (one core)"
taskset -c 0 "$bin" token

echo "# scrypt ln=17 r=8 p=1: ours vs OpenSSL (Python hashlib.scrypt)"
ours=$("$bin" scrypt | awk '{print $2}')
openssl=$(python3 - <<'PY'
import hashlib, os, time, statistics
times = []
for _ in range(5):
    salt = os.urandom(16)
    start = time.perf_counter()
    hashlib.scrypt(b"Secr3tPass", salt=salt, n=2**17, r=8, p=1, maxmem=2**28, dklen=32)
    times.append(time.perf_counter() - start)
print(f"{statistics.median(times) * 1000:.1f}")
PY
)
echo "scrypt.ours ${ours} ms"
echo "scrypt.openssl ${openssl} ms"
awk -v a="$ours" -v b="$openssl" 'BEGIN { printf "scrypt.ratio %.2f (ours / OpenSSL; target <= 1.2)\n", a / b }'
