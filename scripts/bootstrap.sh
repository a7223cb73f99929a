#!/usr/bin/env bash
# Installs the Debian packages activationd needs, only those missing; quiet when all are there.
#   scripts/bootstrap.sh build   what building needs (libcurl and SQLite headers)
#   scripts/bootstrap.sh test    that plus the test peers (Python for interop checks, Postfix's
#                                smtp-sink/smtp-source and whole test instances, aiosmtpd and
#                                openssl for the courier, dkimpy (python3-dkim) for DKIM,
#                                PostgreSQL's server binaries for the throwaway test cluster,
#                                lintian for `make deb`'s package, Prometheus's promtool, mmdebstrap and
#                                systemd-nspawn for the booted-container test, tesseract-ocr for the
#                                verification picture's OCR test, …)
#   scripts/bootstrap.sh run     that plus the local mail catcher of `make run`
set -euo pipefail

build_packages=(pkg-config libcurl4-openssl-dev libsqlite3-dev)
test_packages=(python3 systemd systemd-container mmdebstrap chromium wrk curl postfix python3-aiosmtpd python3-dkim openssl postgresql dpkg-dev binutils lintian prometheus tesseract-ocr)
run_packages=(python3-aiosmtpd)

case "${1:-build}" in
  build) wanted=("${build_packages[@]}") ;;
  test)  wanted=("${build_packages[@]}" "${test_packages[@]}") ;;
  run)   wanted=("${build_packages[@]}" "${run_packages[@]}") ;;
  *) echo "usage: $0 build|test|run" >&2; exit 64 ;;
esac

# Playwright for Python drives Debian's Chromium in the registration page's browser test
# (Tests/browser/). It goes into the `python3` on PATH, the one the test runs; the test launches
# /usr/bin/chromium, so never `playwright install` (no browser is downloaded). 1.65.2 (built for
# Chromium 159) was checked to drive Debian's Chromium 156.
playwright_version=1.65.2
install_playwright() {
  [[ "${1:-build}" == test ]] || return 0
  python3 -c "import playwright" 2>/dev/null && return 0
  echo "bootstrap: installing Playwright for Python $playwright_version" >&2
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    "playwright==$playwright_version" >&2
}

missing=()
for package in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && { install_playwright "${1:-build}"; exit 0; }

if [[ $(id -u) -ne 0 ]]; then
  sudo=(sudo)
else
  sudo=()
fi
echo "bootstrap: installing ${missing[*]}" >&2
# Postfix is installed for its smtp-sink and smtp-source only: answer its debconf question with
# "No configuration" so that no system MTA is set up.
echo "postfix postfix/main_mailer_type select No configuration" | "${sudo[@]}" debconf-set-selections

# PostgreSQL is installed for its server binaries only (the tests start a cluster of their own in a
# temporary directory, on a free port): Debian's package would create a system cluster "main" and
# start it on 5432. Ask postgresql-common not to create it (only when no createcluster.conf exists:
# an operator's own is left alone), and forbid service starts during the install with a
# policy-rc.d, which also keeps invoke-rc.d quiet where PID 1 is not systemd.
policy=/usr/sbin/policy-rc.d
made_policy=
# Postfix too is installed for its programs only (smtp-sink, and the tests' own instances run from
# a temporary directory by scripts/postfix-instance.sh): no system MTA is configured or started.
# Prometheus is installed for promtool only (the monitoring kit's rule tests): the same policy-rc.d
# keeps its server from being started (where PID 1 is systemd the unit is still enabled; stop it
# with `systemctl disable --now prometheus` if that matters on a workstation).
if [[ " ${missing[*]} " == *" postgresql "* ]] && [[ ! -e /etc/postgresql-common/createcluster.conf ]]; then
  "${sudo[@]}" mkdir -p /etc/postgresql-common
  echo "create_main_cluster = false" | "${sudo[@]}" tee /etc/postgresql-common/createcluster.conf >/dev/null
fi
if [[ " ${missing[*]} " == *" postgresql "* || " ${missing[*]} " == *" postfix "* || " ${missing[*]} " == *" prometheus "* ]]; then
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    made_policy=1
  fi
fi
"${sudo[@]}" apt-get update -qq
status=0
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
  -o Dpkg::Options::=--force-confold "${missing[@]}" >/dev/null || status=$?
[[ -n $made_policy ]] && "${sudo[@]}" rm -f "$policy"
if [[ $status -eq 0 ]]; then install_playwright "${1:-build}"; fi
exit "$status"
