#!/usr/bin/env bash
# `make deb`: dist/activationd_<version>-1_<arch>.deb, with dpkg-deb alone (no debhelper).
#   scripts/build-deb.sh [BINARY]   package BINARY instead of building the release binary (tests)
# The tree is staged by scripts/install.sh (the files of `make install`, PREFIX=/usr), then the
# binary is stripped, the maintainer scripts of packaging/debian added, Depends computed by
# dpkg-shlibdeps from the binary's own libraries, and everything under etc/ marked a conffile.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=${1:-$(scripts/build-release.sh)}
version=$("$binary" --version | awk '{ print $2 }')
revision=$("$binary" --version | sed -n 's/.*(git \(.*\))$/\1/p')
# A Debian revision of its own ("-1"): the package is not native to Debian, so its changelog is
# changelog.Debian.gz.
deb_version=$version-1
arch=$(dpkg --print-architecture)
maintainer=${DEBFULLNAME:-activationd maintainers}
maintainer="$maintainer <${DEBEMAIL:-activationd@example.org}>"
commit_time=$(git log -1 --format=%ct)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/root
DESTDIR=$stage PREFIX=/usr scripts/install.sh "$binary"
# The symbols are not needed to run, and Debian ships stripped binaries: 184 MB became 89 MB.
strip --strip-unneeded --remove-section=.comment "$stage/usr/bin/activationd"

doc=$stage/usr/share/doc/activationd
install -m 0644 packaging/debian/copyright "$doc/copyright"
install -d -m 0755 "$stage/usr/share/lintian/overrides"
install -m 0644 packaging/debian/lintian-overrides "$stage/usr/share/lintian/overrides/activationd"
cat > "$work/changelog" <<CHANGELOG
activationd ($deb_version) unstable; urgency=medium

  * Release $version, built from git $revision.

 -- $maintainer  $(LC_ALL=C date -u -R -d "@$commit_time")
CHANGELOG
gzip -9n < "$work/changelog" > "$doc/changelog.Debian.gz"
chmod 0644 "$doc/changelog.Debian.gz"

# dpkg-shlibdeps wants a source package's debian/control to exist; a stub is enough.
mkdir -p "$work/debian"
printf 'Source: activationd\n\nPackage: activationd\nArchitecture: any\n' > "$work/debian/control"
depends=$(cd "$work" && dpkg-shlibdeps -O root/usr/bin/activationd 2>"$work/shlibdeps.log" \
  | sed -n 's/^shlibs:Depends=//p') || { cat "$work/shlibdeps.log" >&2; exit 1; }
[[ -n $depends ]] || { echo "build-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

install -d -m 0755 "$stage/DEBIAN"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$stage/DEBIAN/"
(cd "$stage" && find etc -type f -printf '/%p\n' | sort) > "$stage/DEBIAN/conffiles"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) \
  > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/conffiles" "$stage/DEBIAN/md5sums"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: activationd
Version: $deb_version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: $depends
Suggests: prometheus, postgresql
Section: mail
Priority: optional
Description: account activation daemon for web registrations
 activationd turns registrations that a web front drops into a spool
 directory into accounts: it validates them, stores them in SQLite or
 PostgreSQL, mails each person an activation link through an SMTP relay,
 and serves the activation page. It runs as a hardened systemd service.
 .
 The package ships Prometheus alerting rules and a Grafana dashboard in
 /usr/share/activationd/monitoring.
CONTROL
chmod 0644 "$stage/DEBIAN/control"

mkdir -p dist
output=dist/activationd_${deb_version}_${arch}.deb
SOURCE_DATE_EPOCH=$commit_time dpkg-deb --build --root-owner-group -Zxz "$stage" "$output" >&2
echo "$output"
