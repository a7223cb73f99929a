# activationd — the two commands are `make run` and `make test`; see README.md.
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)

SWIFT ?= swift
BIN := .build/debug/activationd

.PHONY: systemd-test run test test-unit test-system build bootstrap bench bench-core fuzz clean bench-intake bench-http bench-courier bench-daemon bench-store chaos chaos-intake deb install bench-package bench-page

## run: install what is missing, build, and start activationd with a local mail catcher (var/)
run:
	@scripts/bootstrap.sh run
	$(SWIFT) build --product activationd
	scripts/dev-run.sh

## test: install the test peers, build, and run every test
# Two runs (scripts/run-tests.sh, README "Unit and system tests"): the unit tests, every suite at
# once (~20 s); then the system tests (real daemons, sockets, relays, PostgreSQL, Chromium, the
# package: PackageTests runs make deb, ~12 min from clean) one suite after another, so that no test
# with a deadline shares the 2 cores with a flood or a build. Then the package under a booted
# systemd, and the whole daemon under chaos for 60 s.
test:
	@scripts/bootstrap.sh test
	$(SWIFT) build --build-tests
	scripts/run-tests.sh check
	scripts/run-tests.sh unit
	scripts/run-tests.sh system
	stdbuf -oL -eL timeout --kill-after=30s 15m scripts/systemd-test.py --deb "$$(ls -t dist/activationd_*.deb | head -1)" || { echo "make test: the systemd container test failed or passed 15 minutes (exit $$?)"; exit 1; }
	CHAOS_SECONDS=$${CHAOS_SECONDS:-60} scripts/chaos.py --binary "$$($(SWIFT) build --show-bin-path)/activationd"

## test-unit, test-system: one of make test's two runs, on what is built
test-unit:
	$(SWIFT) build --build-tests
	scripts/run-tests.sh unit

test-system:
	@scripts/bootstrap.sh test
	$(SWIFT) build --build-tests
	scripts/run-tests.sh system

## systemd-test: the package in a booted Debian 12 container (systemd-nspawn): install, start, submit as
## a web front and as root, activate by the mailed link, reload, restart, stop, upgrade, purge
## (scripts/systemd-test.py; the Debian root is cached in .build-systemd/; make test runs it)
systemd-test:
	@scripts/bootstrap.sh test
	scripts/systemd-test.py

build:
	@scripts/bootstrap.sh build
	$(SWIFT) build

bootstrap:
	@scripts/bootstrap.sh test

## bench: one release build, then every benchmark beside its ceiling in the same run and the 100,000-
## registration soak; prints one table and writes it into docs/PERFORMANCE.md (scripts/bench-table.py;
## BENCH_ARGS=--quick for a smoke run, BENCH_ARGS=--only=core,http for some)
bench:
	@scripts/bootstrap.sh test
	$(SWIFT) build -c release
	scripts/bench-table.py $(BENCH_ARGS)

## bench-core: tokens and scrypt against OpenSSL
bench-core:
	@scripts/bootstrap.sh test
	$(SWIFT) build -c release --product activationd-bench
	scripts/bench.sh

## bench-intake: intake throughput at ln=17 and ln=10, and drop-to-commit latency (docs/PERFORMANCE.md)
bench-intake:
	@scripts/bootstrap.sh test
	$(SWIFT) build -c release --product intake-bench
	scripts/bench-intake.sh

## chaos: the whole release daemon for CHAOS_SECONDS (300) under kills, relay faults, reloads and
## a hammered activation page; then the books are checked (scripts/chaos.py; make test runs 60 s)
chaos:
	@scripts/bootstrap.sh test
	$(SWIFT) build -c release --product activationd
	CHAOS_SECONDS=$${CHAOS_SECONDS:-300} scripts/chaos.py --binary "$$($(SWIFT) build -c release --show-bin-path)/activationd"

## chaos-intake: the intake crash test as a soak: 20,000 registrations, SIGKILLed throughout
chaos-intake:
	@scripts/bootstrap.sh test
	$(SWIFT) build --build-tests
	INTAKE_CRASH_RECORDS=$${INTAKE_CRASH_RECORDS:-20000} $(SWIFT) test --skip-build --filter CrashSafetyTests

## bench-http: wrk against the activation page and a hello-world route of one release server
bench-http:
	@scripts/bootstrap.sh test
	$(SWIFT) build -c release --product activationd-http-bench
	scripts/bench-http.sh
## bench-courier: 20,000 activation mails to smtp-sink with 4 and 1 connections, against smtp-source
bench-courier:
	@scripts/bootstrap.sh test
	$(SWIFT) build -c release --product courier-bench
	scripts/bench-courier.sh

## bench-store: SQLite against PostgreSQL (one and two hosts): courier drain, intake, pgbench ceiling
bench-store:
	@scripts/bootstrap.sh test
	$(SWIFT) build -c release --product courier-bench
	$(SWIFT) build -c release --product intake-bench
	scripts/bench-store.sh

## bench-dkim: the courier with RSA-2048, Ed25519 and both DKIM signatures, against openssl speed
.PHONY: bench-dkim
bench-dkim:
	@scripts/bootstrap.sh test
	$(SWIFT) build -c release --product courier-bench
	scripts/bench-dkim.sh

## bench-daemon: start to READY with a warm store, RSS idle and after 10,000 and 20,000 mails
bench-daemon:
	@scripts/bootstrap.sh test
	$(SWIFT) build -c release --product activationd
	scripts/bench-daemon.py

## deb: dist/activationd_<version>-1_<arch>.deb from a static release build (docs/operations.md)
deb:
	@scripts/bootstrap.sh build
	scripts/build-deb.sh

## install: the package's files without a package: make install DESTDIR=/tmp/root PREFIX=/usr
PREFIX ?= /usr/local
install:
	@scripts/bootstrap.sh build
	DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" scripts/install.sh "$$(scripts/build-release.sh)"

## bench-package: package and binary size, start to READY of the packaged and the debug binary
bench-package:
	@scripts/bootstrap.sh test
	$(SWIFT) build --product activationd
	scripts/bench-package.sh

## fuzz: libFuzzer on every parser of untrusted input, FUZZ_SECONDS (60) each (docs/fuzzing.md)
fuzz:
	@scripts/bootstrap.sh build
	scripts/fuzz.sh

clean:
	rm -rf .build .build-release .build-fuzz dist

## bench-page: the activation landing page of the release daemon (SQLite, 200 pending accounts)
## against /healthz of the same process, wrk -t2 -c64; last line RESULT {json} (docs/PERFORMANCE.md)
bench-page:
	@scripts/bootstrap.sh test
	$(SWIFT) build -c release --product activationd
	scripts/bench-page.sh $(BENCH_PAGE_ROUNDS)
