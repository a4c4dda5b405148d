# TermPlayer: `make run` to try it, `make test` to check it. Both install what is missing first.
SHELL       := /bin/bash
SWIFT       ?= swift
CONFIG      ?= debug
BUILD_FLAGS ?=
PREFIX      ?= /usr/local
BIN          = .build/$(CONFIG)/termplayer
FUZZ_SECONDS      ?= 300
FUZZ_TEST_SECONDS ?= 20

.PHONY: all deps build run test bench fuzz install clean

all: build

deps:
	@scripts/ensure-deps.sh build

build: deps
	$(SWIFT) build -c $(CONFIG) $(BUILD_FLAGS)

## The main job: the terminal UI, over the local library (it offers the demo songs when that is empty).
run: build
	$(BIN)

## Every test, with the tools they drive installed first and the servers they talk to (PostgreSQL, moto's
## S3 + SQS) started around them; then the deployment files' checks (cfn-lint, systemd-analyze, Dockerfile).
test:
	@scripts/ensure-deps.sh test
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	@# The failures are repeated at the end, where a CI log's tail shows them.
	@# One test at a time: the tests time real audio, terminals and servers, and on two cores tests run
	@# side by side took each other's CPU and threads until their timing meant nothing (all of them in
	@# parallel: ~70 s and flaky; one at a time: ~4 min and steady).
	@set -o pipefail; scripts/test-services.sh $(SWIFT) test --skip-build --no-parallel $(BUILD_FLAGS) 2>&1 | tee .build/test.log \
		|| { echo '--- failed:'; grep -E '^✘|error:' .build/test.log | grep -v HummingbirdCore; exit 1; }
	@# Every libFuzzer harness briefly, after replaying every input that once broke one (`make fuzz` runs longer).
	scripts/fuzz.sh --seconds $(FUZZ_TEST_SECONDS) --seed 1
	bash scripts/check-deploy.sh --strict

## Benchmarks in release mode; prints a table with the command that made it.
bench:
	@scripts/ensure-deps.sh bench
	$(SWIFT) build -c release $(BUILD_FLAGS)
	scripts/test-services.sh scripts/bench.py
	python3 scripts/bench_recommend.py

## The libFuzzer harnesses (Fuzz/) for FUZZ_SECONDS each; the table goes to .build/fuzz/report.md.
fuzz:
	scripts/fuzz.sh --seconds $(FUZZ_SECONDS)

install: CONFIG = release
install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/termplayer/demo
	install -m 755 .build/release/termplayer .build/release/termplayer-play $(DESTDIR)$(PREFIX)/bin/
	install -m 644 demo/* $(DESTDIR)$(PREFIX)/share/termplayer/demo/

clean:
	rm -rf .build
