# Guccho: `make run` serves the map on the embedded store; `make test` runs
# every test (Go, frontend, browser). See README.md.

SHELL := /bin/bash
GO ?= go
ADDR ?= :8080
DB ?= guccho.db
# DEMO=1 loads the synthetic demo survey on first start: make run DEMO=1
DEMO ?=
BIN := bin/guccho

# The boundary set a new store gets: the default set shipped in the binary
# (data/bd), unless BOUNDARIES names a folder (make run BOUNDARIES=DIR) or
# GUCCHO_BOUNDARIES is set in the environment, which the binary reads itself.
BOUNDARIES ?=

WEB_SRC := $(shell find static/src static/index.html static/vite.config.ts static/tsconfig.json static/package.json -type f 2>/dev/null)

.PHONY: all build web run test test-go test-web test-e2e bench fuzz probe deps vet clean

all: build

## build: the web app, then the binary with the app embedded
build: $(BIN)

$(BIN): web $(shell find . -name '*.go' -not -path './static/node_modules/*') go.mod go.sum
	$(GO) build -o $(BIN) ./cmd/guccho

static/node_modules/.package-lock.json: static/package.json static/package-lock.json
	cd static && npm ci --no-audit --no-fund
	touch $@

web: static/dist/app/index.html

static/dist/app/index.html: static/node_modules/.package-lock.json $(WEB_SRC)
	cd static && npm run build

## run: serve the map at http://localhost:8080 on the embedded store
run: build
	./$(BIN) serve --addr $(ADDR) --db $(DB) $(if $(BOUNDARIES),--boundaries $(BOUNDARIES),) $(if $(DEMO),--demo,)

## test: every test: Go (unit, store, HTTP), frontend unit tests, browser end-to-end
test: deps vet test-go test-web test-e2e

deps:
	@scripts/deps.sh

vet:
	$(GO) vet ./...

# cmd/guccho's kill -9 tests take several minutes on a busy 2-core machine,
# past go test's default limit of 10 minutes per package.
test-go: web
	$(GO) test -count=1 -timeout 30m ./...

test-web: static/node_modules/.package-lock.json
	cd static && npm test

# The browser test, once on each store.
test-e2e: build deps
	cd static && GUCCHO_BIN=$(abspath $(BIN)) npm run e2e
	GUCCHO_BIN=$(abspath $(BIN)) $(GO) run ./internal/pgtest/withpg -- sh -c 'cd static && npm run e2e'

## bench: benchmarks with ratios against baselines measured in the same run
bench:
	$(GO) test -run '^$$' -bench . -benchtime 2s ./geo/... ./tiles/... ./survey/... ./demo/...
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 1h ./embedded/... ./postgis/... ./importer/... ./server/... ./cluster/... ./valuechain/... ./gpkg/... ./atlas/...
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 3h ./internal/scalebench/
	GUCCHO_KILL_ROWS=1000000 GUCCHO_KILL_TIMES=20 $(GO) test -count=1 -timeout 3h -run '^TestImportSurvivesKill$$' -v ./cmd/guccho

## fuzz: each fuzz target for FUZZTIME (default 10m), one after the other.
## `make test` runs only their seed corpora (testdata/fuzz). FUZZPARALLEL
## limits the fuzzing workers (default: one per core); FUZZMINIMIZETIME
## bounds the minimizing of each new input.
FUZZTIME ?= 10m
FUZZPARALLEL ?=
# Minimizing each new input costs up to 60 s by default; short runs need less.
FUZZMINIMIZETIME ?= 5s
FUZZ_TARGETS := \
	.:FuzzParseSectors \
	./survey:FuzzCSVReader ./survey:FuzzXLSXReader ./survey:FuzzXLSXParts ./survey:FuzzXLSXFastScanner ./survey:FuzzGeoJSONReader ./survey:FuzzReadMapping \
	./survey:FuzzReadCentres \
	./geo:FuzzReadBoundaryFiles ./tiles:FuzzParseTile \
	./geo/stats:FuzzReadGAL ./geo/stats:FuzzReadGWT ./geo/stats:FuzzReadDBF ./geo/stats:FuzzReadCSV \
	./valuechain:FuzzRead \
	./server:FuzzParseSubscribe ./server:FuzzEnterpriseQuery ./server:FuzzClusterQuery ./server:FuzzStatsQuery
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "== $$name ($$pkg) for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) $(if $(FUZZPARALLEL),-parallel $(FUZZPARALLEL),) $$pkg; \
	done

## probe: repeat the attacks of the hardening review against a real server
## (loopback only, bounded), on the embedded store and on a throwaway PostGIS;
## fails if any attack succeeds. The binary is built without the web app.
PROBE_BIN := bin/guccho-probe
probe:
	$(GO) build -o $(PROBE_BIN) ./cmd/guccho
	$(GO) run ./internal/probe --bin $(PROBE_BIN)
	$(GO) run ./internal/pgtest/withpg -- sh -c '$(GO) run ./internal/probe --bin $(PROBE_BIN) --db "$$GUCCHO_PG_URL"'

clean:
	rm -rf bin static/dist/app
