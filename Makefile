# Parley: the two commands a newcomer needs are `make demo` and `make test`.
GO ?= go
export PARLEY_TEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable

.PHONY: demo test test-short test-faults vet fmt bench bench-ingest-own-db build fuzz vulncheck

## demo: run Parley on SQLite with the demo tenant and the Messenger simulator
demo:
	$(GO) run ./cmd/parley demo

## build: build ./bin/parley
build:
	$(GO) build -o bin/parley ./cmd/parley

## test: the whole suite (SQLite, PostgreSQL, browser), with the race detector
# The timeout guards each package against a hang. The browser suite (e2e)
# is the longest: 13 minutes under -race on an idle 2-core machine, 20 on a
# busy one, so its guard leaves room above that.
test: vet
	./scripts/ensure-chromium
	$(GO) test -race -count=1 -timeout 40m ./...

## test-faults: three `parley serve` nodes on PostgreSQL and NATS behind a
## load balancer, under the load harness, each run struck by one fault
## (kill -9 of the routing leader, NATS cut for 30 s, the Graph API
## failing half its calls, every webhook redelivered out of order); each
## must end with nothing lost or doubled. TestFaults in cmd/parley; it
## skips unless PARLEY_FAULTS=1, so `make test` does not run it twice.
## About 2 minutes; needs NATS (PARLEY_TEST_NATS, default 127.0.0.1:4222).
test-faults:
	PARLEY_FAULTS=1 $(GO) test -race -count=1 -timeout 15m -run '^TestFaults$$' -v ./cmd/parley

## test-short: unit tests only, no PostgreSQL or browser needed
test-short:
	$(GO) test -short ./...

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || (gofmt -l . && echo "gofmt: files above need formatting" && exit 1)
	$(GO) vet ./...

fmt:
	gofmt -w .

## bench: benchmarks whose figures are recorded in docs/BENCHMARKS.md
bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./...

## bench-ingest-own-db: webhook ingest on PostgreSQL against a bare handler,
## the local PostgreSQL pinned to a CPU of its own (as on its own host)
bench-ingest-own-db:
	./scripts/bench-ingest-own-db

## fuzz: fuzz every webhook parser for FUZZTIME each (CI: 150,000 inputs each)
# A count, not a duration: with a duration, Go 1.26's fuzz coordinator can
# report "context deadline exceeded" as a failure when the time runs out
# while a starved worker is mid-input (go.dev/issue/75804, fixed in 1.27).
FUZZTIME ?= 150000x
FUZZ_TARGETS = ./channel/messenger:FuzzParseWebhook ./channel/telegram:FuzzDecodeTelegram \
	./channel/line:FuzzDecodeLine ./channel/viber:FuzzDecodeViber ./channel/vonage:FuzzDecodeVonage \
	./channel/webchat:FuzzDecode ./channel/webchat:FuzzReceive
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$pkg $$fn ($(FUZZTIME))"; \
		$(GO) test -run='^$$' -fuzz="^$$fn\$$" -fuzztime=$(FUZZTIME) $$pkg; \
	done

## vulncheck: known vulnerabilities reachable from Parley's code (govulncheck
## reports and fails only on those the code can call). Where vuln.go.dev
## cannot be reached it says so and passes, unless VULNCHECK_REQUIRED=1.
GOVULNCHECK_VERSION ?= v1.9.0
VULNCHECK_REQUIRED ?= 0
vulncheck:
	$(GO) install golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK_VERSION)
	@out=$$($$($(GO) env GOPATH)/bin/govulncheck ./... 2>&1); rc=$$?; echo "$$out"; \
	if [ $$rc -ne 0 ] && echo "$$out" | grep -q "fetching vulnerabilities"; then \
		echo "vulncheck: the vulnerability database is unreachable; NOT checked"; \
		[ "$(VULNCHECK_REQUIRED)" = 1 ] && exit 1 || exit 0; \
	fi; exit $$rc
