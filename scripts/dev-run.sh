#!/usr/bin/env bash
# `make run`: a local mail catcher filing mail into var/Maildir, and activationd serving with a
# development configuration (SQLite and spool under var/, HTTP on 127.0.0.1:8080). Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/debug/activationd
var=$PWD/var
mkdir -p "$var/spool/tmp" "$var/spool/new" "$var/spool/rejected" "$var/Maildir/tmp" "$var/Maildir/new" "$var/Maildir/cur"
if [[ ! -s $var/signing.keys ]]; then
  (umask 077; "$bin" keys generate > "$var/signing.keys")
fi
cat > "$var/activationd.yaml" <<YAML
# Written by scripts/dev-run.sh for \`make run\`; edit Config/activationd.yaml for real use.
public_url: "http://127.0.0.1:8080"
http:
  listen: "127.0.0.1:8080"
  registration_page: true
service:
  name: "activationd (make run)"
  support_contact: "support@example.org"
spool:
  directory: "$var/spool"
  rescan_interval: "5s"
store:
  url: "sqlite://$var/activationd.sqlite"
smtp:
  url: "smtp://127.0.0.1:2525"
  starttls: "never"
  from: "Accounts <no-reply@example.org>"
keys:
  file: "$var/signing.keys"
password_hash:
  scrypt_log_n: 14
sweeper:
  interval: "1m"
YAML

# The mail catcher: Debian's aiosmtpd with its Maildir handler (a system Python module).
/usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:2525 -c aiosmtpd.handlers.Mailbox "$var/Maildir" &
catcher=$!
trap 'kill $catcher 2>/dev/null || true' EXIT

cat <<TEXT
activationd is starting with $var/activationd.yaml
  register in a browser http://127.0.0.1:8080/register
  mail is filed into    $var/Maildir/new/
  submit a registration .build/debug/activationd submit --config $var/activationd.yaml Config/examples/registration.json
  look at it            .build/debug/activationd status --config $var/activationd.yaml
  metrics (operators)   http://127.0.0.1:9464/metrics
TEXT
"$bin" serve --config "$var/activationd.yaml"
