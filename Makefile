# Sluice — every entry point a user or CI needs. See README.md.
NODE ?= node
SEEDS ?= 10000

.PHONY: all install build run test clean sim-soak bench bench-produce bench-consume bench-e2e bench-compare \
        cluster-up cluster-down cluster-status cluster-kill cluster-start

all: build

node_modules/.install-stamp: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.install-stamp

build: install
	npx tsc -p tsconfig.json

run: build
	$(NODE) dist/src/broker/main.js --data-dir ./data

test: build
	npx mocha

sim-soak: build
	SEEDS=$(SEEDS) $(NODE) dist/scripts/sim-soak.js

clean:
	rm -rf dist
