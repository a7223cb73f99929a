#!/usr/bin/env bash
# The self-contained release binary: Swift's runtime linked in (--static-swift-stdlib), so the host
# needs only Debian's own libraries. Prints the binary's path.
#
# ACTIVATIOND_REVISION carries the commit into `activationd --version` (Package.swift hands it to
# the CBuildInfo target alone): a new commit recompiles one C file and relinks, and the debug
# builds, which do not set it, keep their flags.
#
# Prints the binary's path on stdout; the build's output goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH

revision=$(git rev-parse --short=12 HEAD)
# Tracked files changed since the commit: the binary is not that commit's.
[[ -z $(git status --porcelain --untracked-files=no) ]] || revision+=+dirty
# A build directory of its own: the release benchmarks build without --static-swift-stdlib in
# .build, and switching flags there would relink (or rebuild) one or the other every time.
scratch=${ACTIVATIOND_RELEASE_SCRATCH:-$PWD/.build-release}
ACTIVATIOND_REVISION=$revision swift build -c release --static-swift-stdlib --product activationd \
  --scratch-path "$scratch" >&2
echo "$scratch/release/activationd"
