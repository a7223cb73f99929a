# activationd — the two commands are `make run` and `make test`; see README.md.
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)

SWIFT ?= swift
BIN := .build/debug/activationd

.PHONY: run test build bootstrap bench bench-courier clean

## run: install what is missing, build, and show the command line
run:
	@scripts/bootstrap.sh run
	$(SWIFT) build --product activationd
	$(BIN) --help

## test: install the test peers, build, and run every test
test:
	@scripts/bootstrap.sh test
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

build:
	@scripts/bootstrap.sh build
	$(SWIFT) build

bootstrap:
	@scripts/bootstrap.sh test

## bench: release-build benchmarks, compared with their ceilings in the same run (docs/PERFORMANCE.md)
bench:
	@scripts/bootstrap.sh test
	$(SWIFT) build -c release --product activationd-bench
	scripts/bench.sh

## bench-courier: 20,000 activation mails to smtp-sink with 4 and 1 connections, against smtp-source
bench-courier:
	@scripts/bootstrap.sh test
	$(SWIFT) build -c release --product courier-bench
	scripts/bench-courier.sh

clean:
	rm -rf .build
