#!/usr/bin/env bash
# Installs the Debian packages activationd needs, only those missing; quiet when all are there.
#   scripts/bootstrap.sh build   what building needs (libcurl and SQLite headers)
#   scripts/bootstrap.sh test    that plus the test peers (Python for interop checks, Postfix's
#                                smtp-sink/smtp-source, aiosmtpd and openssl for the courier, …)
#   scripts/bootstrap.sh run     that plus the local mail catcher of `make run`
set -euo pipefail

build_packages=(pkg-config libcurl4-openssl-dev libsqlite3-dev)
test_packages=(python3 systemd chromium wrk curl postfix python3-aiosmtpd openssl)
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
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_playwright "${1:-build}"
