# make run   start PostgreSQL if needed, then KJB (api + worker + demo data) on :8080
# make test  start PostgreSQL if needed, then every check and test
SHELL := /bin/bash
GO ?= go
PG := ./scripts/postgres.sh

.PHONY: run test generate check-generated schema-snapshot schema-lint lint alert-tests build pg-stop bench bench-settle bench-fees bench-events bench-checkout chaos failover restore-drill

build:
	$(GO) build -o bin/kjb ./cmd/kjb

run: build
	@url=$$($(PG) url) || exit 1; export DATABASE_URL="$${DATABASE_URL:-$${url%/postgres?*}/kjb?sslmode=disable}" && ./bin/kjb dev

# Prints failures in full, then one summary line: "N passed, N failed, N skipped".
test: lint check-generated schema-lint alert-tests
	@url=$$($(PG) url) || exit 1; \
	KJB_TEST_DATABASE_URL="$$url" $(GO) test -race -count=1 -v ./... > .test-output.log 2>&1; \
	status=$$?; \
	grep -vE '^=== (RUN|PAUSE|CONT|NAME)|^ *--- (PASS|SKIP)|^(PASS|FAIL)$$' .test-output.log; \
	echo "$$(grep -cE -- '^ *--- PASS' .test-output.log) passed, $$(grep -cE -- '^ *--- FAIL' .test-output.log) failed, $$(grep -cE -- '^ *--- SKIP' .test-output.log) skipped"; \
	rm -f .test-output.log; exit $$status

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^graph/generated.go$$')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# Unit tests of the Prometheus alert rules (promtool, installed when missing).
alert-tests:
	@./scripts/alert-tests.sh

# Lints the GraphQL schema (graphql-schema-linter) and fails on a breaking change from
# schema.released.graphql that CHANGELOG.md's newest section does not name (@graphql-inspector
# diff). The tools are pinned in tools/schema-lint and installed by the script when missing.
schema-lint:
	@./scripts/schema-lint.sh

generate:
	$(GO) tool gqlgen generate

# Records the current schema as the released one (schema.released.graphql), at a release. Until
# then, make test fails on a breaking change from it that CHANGELOG.md's newest section does not name.
schema-snapshot:
	@./scripts/schema-lint.sh --update-snapshot

# Fails when the committed generated code does not match the schema.
check-generated:
	@tmp=$$(mktemp -d) && cp -r graph $$tmp/graph.before && $(GO) tool gqlgen generate && \
	if ! diff -r -q $$tmp/graph.before graph >/dev/null; then \
		diff -r $$tmp/graph.before graph | head -40; rm -rf $$tmp; \
		echo "generated code is stale: run 'make generate' and commit"; exit 1; fi; rm -rf $$tmp

pg-stop:
	$(PG) stop

# One FX settlement run over 10,000 booked conversions.
bench-settle:
	@url=$$($(PG) url) || exit 1; \
	KJB_TEST_DATABASE_URL="$$url" $(GO) test -run '^$$' -bench BenchmarkSettleFX10000 -benchtime 10x -count 1 ./db/

# payOrder over HTTP with concurrent clients: orders spread over 1,000 suppliers, then all to one.
bench: build
	@url=$$($(PG) url) || exit 1; DATABASE_URL="$$url" ./bin/kjb bench $(BENCH_ARGS)

# The month close over 1,000,000 payments and 10,000 accounts against a hand-written INSERT … SELECT.
bench-fees:
	@url=$$($(PG) url) || exit 1; \
	KJB_TEST_DATABASE_URL="$$url" $(GO) test -run '^$$' -bench BenchmarkCloseMonth1M -benchtime 3x -count 1 -timeout 30m -v ./db/ | grep -E 'built|Benchmark|ok'

# payOrder commit → subscription message and → webhook receipt, over 1,000 payments.
bench-events:
	@url=$$($(PG) url) || exit 1; \
	KJB_TEST_DATABASE_URL="$$url" $(GO) test -run '^$$' -bench BenchmarkEventLatency -benchtime 1x -count 1 -v ./graph/ | grep -E 'webhooks|jobs|Benchmark|ok'

# payOrders of 10 orders per call against 10 payOrder calls, and auto-convert against plain
# WORLD_PAY, through the API in one run.
bench-checkout:
	@url=$$($(PG) url) || exit 1; \
	KJB_TEST_DATABASE_URL="$$url" $(GO) test -run '^$$' -bench BenchmarkCheckout -benchtime 1x -count 1 -v ./graph/ | grep -E 'round|median|ratio|Benchmark|ok'


# 2 api + 2 worker processes under load while processes are killed, PostgreSQL crashes once and
# connections drop after COMMIT; then every invariant is checked. Its own cluster; KJB_CHAOS_DURATION.
chaos:
	set -o pipefail; KJB_CHAOS=1 KJB_CHAOS_DURATION=$${KJB_CHAOS_DURATION:-10m} $(GO) test -run '^TestChaos$$' -count=1 -v -timeout 60m ./cmd/kjb/ | grep -vE '^=== (RUN|PAUSE|CONT)'

# A pg_auto_failover formation (scripts/formation.sh) under payment load: the primary is killed,
# the old one rejoins as a standby, detection is tuned, and the new primary is killed too; then
# every invariant is checked and the write outages and throughput are reported.
failover:
	set -o pipefail; KJB_FAILOVER=1 $(GO) test -run '^TestFailover$$' -count=1 -v -timeout 60m ./cmd/kjb/ | grep -vE '^=== (RUN|PAUSE|CONT)'

# Point-in-time recovery with pgBackRest (scripts/pitr.sh): a base backup of a fresh cluster with
# KJB on it, payments continue, a restore to a moment between two acknowledged payments into a
# new cluster, then kjb audit, KJB started on it and exactly the payments acknowledged before.
restore-drill:
	set -o pipefail; KJB_RESTORE_DRILL=1 $(GO) test -run '^TestRestoreDrill$$' -count=1 -v -timeout 30m ./cmd/kjb/ | grep -vE '^=== (RUN|PAUSE|CONT)'
