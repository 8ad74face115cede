# movedesk: make run (the app on a demo store), make test (what CI runs).
GO       ?= go
BIN      ?= bin/movedesk
DEMO     ?= demo-data
CASES    ?= 2000
PKGS     := ./...

.PHONY: build run demo test fmt-check vet bench bench-sync lint clean

build:
	$(GO) build -o $(BIN) ./cmd/movedesk

# Opens the app on ./demo-data, creating the demo store on the first run.
# The demo store is encrypted for five demo users: sign in as amina.benali
# with the passphrase amina.benali-demo-passphrase (the others are in
# demo-data.passphrases/).
run: build
	@test -s $(DEMO)/movedesk.db || ./$(BIN) demo --data $(DEMO) --cases $(CASES)
	@echo "sign in as amina.benali, passphrase amina.benali-demo-passphrase (others: $(DEMO).passphrases/)"
	./$(BIN) --data $(DEMO) --user amina.benali

demo: build
	./$(BIN) demo --data $(DEMO) --cases $(CASES)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

# The hub's abuse suite times desks' syncs during a flood: under the race
# detector it checks only that they complete, so it runs again without it.
test: fmt-check vet
	$(GO) test -race -timeout 9m $(PKGS)
	$(GO) test -count=1 -timeout 3m -run '^TestHubUnderAbuse$$' ./central

# Benchmarks with the figures quoted in the README (100k-case runs live here,
# not in make test).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -timeout 30m $(PKGS)

# Sync bytes on the wire (initial sync of 1,000 cases, one edited field,
# nothing to sync), counted at the HTTP body level.
bench-sync:
	$(GO) test -run '^$$' -bench SyncBytes -benchtime 20x ./desksync

lint: fmt-check vet
	@command -v staticcheck >/dev/null && staticcheck $(PKGS) || echo "staticcheck not installed; ran gofmt and go vet"

clean:
	rm -rf bin
