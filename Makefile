# TermPlayer: `make run` to try it, `make test` to check it. Both install what is missing first.
SHELL       := /bin/bash
SWIFT       ?= swift
CONFIG      ?= debug
BUILD_FLAGS ?=
PREFIX      ?= /usr/local
BIN          = .build/$(CONFIG)/termplayer
HEAVY_SUITES = ScaledOutTests|SQSEventConsumerTests

.PHONY: all deps build run test bench install clean

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
	@# Two rounds: the suites that run several service processes against the shared servers go second,
	@# so their load does not land on the timing-sensitive audio and terminal tests.
	@set -o pipefail; scripts/test-services.sh bash -c '\
		$(SWIFT) test --skip-build $(BUILD_FLAGS) --skip "$(HEAVY_SUITES)" && \
		$(SWIFT) test --skip-build $(BUILD_FLAGS) --filter "$(HEAVY_SUITES)"' 2>&1 | tee .build/test.log \
		|| { echo '--- failed:'; grep -E '^✘|error:' .build/test.log | grep -v HummingbirdCore; exit 1; }
	bash scripts/check-deploy.sh --strict

## Benchmarks in release mode; prints a table with the command that made it.
bench:
	@scripts/ensure-deps.sh bench
	$(SWIFT) build -c release $(BUILD_FLAGS)
	scripts/test-services.sh scripts/bench.py

install: CONFIG = release
install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/termplayer/demo
	install -m 755 .build/release/termplayer .build/release/termplayer-play $(DESTDIR)$(PREFIX)/bin/
	install -m 644 demo/* $(DESTDIR)$(PREFIX)/share/termplayer/demo/

clean:
	rm -rf .build
