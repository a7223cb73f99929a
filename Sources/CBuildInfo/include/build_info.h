// The git revision this binary was built from, for `activationd --version`.
//
// A C target because Swift's -D defines carry no value: Package.swift defines
// ACTIVATIOND_REVISION for this one target from the environment variable of the same name
// (scripts/build-deb.sh sets it), so a new commit recompiles this file alone, and builds without
// the variable (debug, tests) keep the same flags from commit to commit.
#ifndef ACTIVATIOND_BUILD_INFO_H
#define ACTIVATIOND_BUILD_INFO_H

/// The revision (`git rev-parse --short=12 HEAD`, "+dirty" when the tree had changes), or "unknown".
const char *activationd_build_revision(void);

#endif
