# Parley: the two commands a newcomer needs are `make demo` and `make test`.
GO ?= go
export PARLEY_TEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable

.PHONY: demo test test-short vet fmt bench build fuzz

## demo: run Parley on SQLite with the demo tenant and the Messenger simulator
demo:
	$(GO) run ./cmd/parley demo

## build: build ./bin/parley
build:
	$(GO) build -o bin/parley ./cmd/parley

## test: the whole suite (SQLite, PostgreSQL, browser), with the race detector
test: vet
	./scripts/ensure-chromium
	$(GO) test -race -count=1 -timeout 20m ./...

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

## fuzz: fuzz the Messenger webhook parser for a minute
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzParseWebhook -fuzztime=60s ./channel/messenger/
