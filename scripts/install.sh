#!/usr/bin/env bash
# Installs a built activationd and everything it ships with, the same files as the Debian package:
#   scripts/install.sh BINARY            (DESTDIR and PREFIX from the environment; PREFIX=/usr/local)
# `make install` and scripts/build-deb.sh (PREFIX=/usr, DESTDIR=the package's staging tree) call it.
# The binary's own `--experimental-dump-help` and `--generate-completion-script` make the man page
# and the completions, so they cannot drift from the command line.
#
# Files only: the user, the directories and the signing key are the package's postinst's work (see
# README.md, "Installing with systemd", for the steps without a package). An existing
# /etc/activationd/activationd.yaml is never overwritten: the shipped one goes beside it as
# activationd.yaml.dist.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=${1:?usage: scripts/install.sh BINARY}
destdir=${DESTDIR:-}
prefix=${PREFIX:-/usr/local}
# The commit's date, not today's: the same commit gives the same man page (reproducible packages).
date=$(git log -1 --format=%cs 2>/dev/null || date -u +%F)
version=$("$binary" --version | awk '{ print $2 }')

root=$destdir$prefix
install -d -m 0755 "$root/bin" "$root/lib/systemd/system" "$root/lib/sysusers.d" "$root/lib/tmpfiles.d" \
  "$root/share/man/man8" "$root/share/bash-completion/completions" "$root/share/fish/vendor_completions.d" \
  "$root/share/doc/activationd/docs" "$root/share/activationd/monitoring" "$destdir/etc/activationd"

install -m 0755 "$binary" "$root/bin/activationd"
# The shipped unit names /usr/local/bin; the installed one names where the binary went.
sed "s|/usr/local/bin/activationd|$prefix/bin/activationd|g" systemd/activationd.service > "$root/lib/systemd/system/activationd.service"
chmod 0644 "$root/lib/systemd/system/activationd.service"
install -m 0644 systemd/activationd.sysusers "$root/lib/sysusers.d/activationd.conf"
install -m 0644 systemd/activationd.tmpfiles "$root/lib/tmpfiles.d/activationd.conf"

"$binary" --experimental-dump-help \
    | python3 packaging/manpage.py "$version" "$date" <("$binary" config-template --manual) \
    | gzip -9n > "$root/share/man/man8/activationd.8.gz"
chmod 0644 "$root/share/man/man8/activationd.8.gz"
# Debian's zsh reads vendor-completions under /usr; elsewhere site-functions is on zsh's fpath.
if [[ $prefix == /usr ]]; then zsh_dir=$root/share/zsh/vendor-completions; else zsh_dir=$root/share/zsh/site-functions; fi
install -d -m 0755 "$zsh_dir"
# bash-completion sources the file: no #! line (lintian: bash-completion-with-hashbang).
"$binary" --generate-completion-script bash | sed '1{/^#!/d}' > "$root/share/bash-completion/completions/activationd"
"$binary" --generate-completion-script zsh > "$zsh_dir/_activationd"
"$binary" --generate-completion-script fish > "$root/share/fish/vendor_completions.d/activationd.fish"
chmod 0644 "$root/share/bash-completion/completions/activationd" "$zsh_dir/_activationd" \
  "$root/share/fish/vendor_completions.d/activationd.fish"

install -m 0644 README.md "$root/share/doc/activationd/README.md"
install -m 0644 docs/*.md "$root/share/doc/activationd/docs/"
install -m 0644 monitoring/activationd.rules.yml monitoring/activationd.rules.test.yml \
  monitoring/grafana-dashboard.json monitoring/README.md "$root/share/activationd/monitoring/"

config=$destdir/etc/activationd/activationd.yaml
if [[ -e $config ]]; then
  install -m 0644 Config/activationd.yaml "$config.dist"
  echo "install: $config exists and was kept; the shipped one is $config.dist" >&2
else
  install -m 0644 Config/activationd.yaml "$config"
fi
