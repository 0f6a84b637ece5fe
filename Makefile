# Targets people expect (STYLE 15). `make help` lists them.

GO          ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
BIN         ?= bin/tizme

.DEFAULT_GOAL := help
.PHONY: help run test lint bench build fuzz axe

help: ## list the targets
	@awk 'BEGIN {FS = ":.*?## "} /^[a-z][a-zA-Z_-]*:.*?## / {printf "  %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

run: ## serve on http://localhost:8080 (a private PostgreSQL unless DATABASE_URL is set)
	$(GO) run ./cmd/tizme serve

test: axe ## run every test with the race detector (the browser tests need chromium and npm)
	$(GO) test -race -count=1 -timeout 45m ./...

NPM     ?= npm
AXE_DIR ?= tools/axe
axe: ## fetch the pinned axe-core (tools/axe/package-lock.json) for the browser tests
	$(NPM) ci --prefix $(AXE_DIR) --no-audit --no-fund --ignore-scripts

lint: ## go vet and staticcheck
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

# A count, not a duration: Go 1.26's fuzz coordinator can report a spurious
# "context deadline exceeded" when a -fuzztime duration runs out under load
# (go.dev/issue/75804, fixed in Go 1.27); a count has no deadline to race.
FUZZTIME ?= 300000x
fuzz: ## run each parser fuzz target for FUZZTIME executions (default 300000x; a duration like 10s also works)
	$(GO) test -run '^$$' -fuzz '^FuzzParsePIN$$' -fuzztime $(FUZZTIME) ./domain/person/
	$(GO) test -run '^$$' -fuzz '^FuzzParsePassport$$' -fuzztime $(FUZZTIME) ./domain/person/
	$(GO) test -run '^$$' -fuzz '^FuzzParseName$$' -fuzztime $(FUZZTIME) ./domain/person/
	$(GO) test -run '^$$' -fuzz '^FuzzParseBoundary$$' -fuzztime $(FUZZTIME) ./domain/precinct/

bench: ## run the load benchmark (tizme bench)
	$(GO) run ./cmd/tizme bench

build: ## build the binary into bin/tizme
	$(GO) build -o $(BIN) ./cmd/tizme
