#!/usr/bin/env bash
# The self-contained release binary: Swift's runtime linked in (--static-swift-stdlib), so the host
# needs only Debian's own libraries. Prints the binary's path.
#
# ACTIVATIOND_REVISION carries the commit into `activationd --version` (Package.swift hands it to
# the CBuildInfo target alone): a new commit recompiles one C file and relinks, and the debug
# builds, which do not set it, keep their flags.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH

revision=$(git rev-parse --short=12 HEAD)
# Tracked files changed since the commit: the binary is not that commit's.
[[ -z $(git status --porcelain --untracked-files=no) ]] || revision+=+dirty
ACTIVATIOND_REVISION=$revision swift build -c release --static-swift-stdlib --product activationd >&2
echo "$PWD/.build/release/activationd"
