# Sluice — every entry point a user or CI needs. See README.md.
SEEDS ?= 10000

.PHONY: fuzz all install build run test clean sim-soak sim-cluster raft-mutants bench bench-produce bench-consume bench-e2e bench-compare \
        cluster-up cluster-down cluster-status cluster-kill cluster-start chaos sim-failover

all: build

node_modules/.install-stamp: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.install-stamp

build: install
	npx tsc -p tsconfig.json
	node dist/scripts/build-console.js

run: build
	bin/sluice-broker --data-dir ./data --kafka-port 9092

test: build
	npx mocha

sim-soak: build
	SEEDS=$(SEEDS) node dist/scripts/sim-soak.js

# The whole cluster under deterministic simulation (test/sim-cluster/): SEEDS seeds (1000 unless
# given), SEED=n replays one with its trace; FAULT_MS=ms of faults per seed (default 5000).
sim-cluster: build
	SEEDS=$(if $(filter command line environment,$(origin SEEDS)),$(SEEDS),1000) $(if $(SEED),SEED=$(SEED)) $(if $(FAULT_MS),FAULT_MS=$(FAULT_MS)) node dist/scripts/sim-cluster.js

# Failover time in the cluster simulator (test/sim-cluster/failover.ts): the gap without an acks=all
# acknowledgement when a partition's leader is killed or cut off, alone or beside a lossy link, in
# virtual ms per fault kind over SEEDS seeds (default 50); SEED=n FAULT=kind replays one.
sim-failover: build
	SEEDS=$(if $(filter command line environment,$(origin SEEDS)),$(SEEDS),50) $(if $(SEED),SEED=$(SEED)) $(if $(FAULT),FAULT=$(FAULT)) node dist/scripts/sim-failover.js

# Raft mutation score (docs/RAFT.md "Mutation score"): plants each classic Raft bug in a temp copy
# of src/raft and fails if the tests and simulator miss one. MUTANT=id[,id] MUTANT_SEEDS=n (2000).
raft-mutants: build
	node dist/scripts/raft-mutants.js

clean:
	rm -rf dist

# Fuzzes a real broker process (docs/SECURITY.md "Fuzzing"): FUZZ_INPUTS inputs (default 100000) on
# every RPC and the Raft stream; SEED=n replays a run (default: random, printed).
fuzz: build
	$(if $(SEED),SEED=$(SEED)) node dist/scripts/fuzz/main.js

# Benchmarks (issue 6; docs/PERFORMANCE.md). bench-produce/-consume/-e2e run against a broker at
# SLUICE_BOOTSTRAP (default 127.0.0.1:7001, e.g. `make run`); bench-compare starts its own.
BENCH_ARGS ?=
bench-produce: build
	./bin/sluice bench produce --topic bench-100 --records 2000000 --record-size 100 --broker-metrics http://127.0.0.1:8001/metrics $(BENCH_ARGS)

bench-consume: build
	./bin/sluice bench consume --topic bench-100 $(BENCH_ARGS)

bench-e2e: build
	./bin/sluice bench e2e --topic bench-e2e --rate 10000 --records 300000 --warm-up-sec 5 $(BENCH_ARGS)

bench-compare: build
	scripts/bench-compare.sh

# Local 3-node cluster (cluster/broker-N.properties; README "Running a cluster"). Logic in
# scripts/cluster.sh; pids and logs in cluster/run/, data in cluster/data/.
# NODE=n picks the broker for cluster-kill/-start. SECURE=1 (cluster-up): TLS on both listeners,
# mutual TLS between brokers, certificates from scripts/tls-certs.sh in cluster/tls/; the other
# targets follow the mode until cluster-down (docs/SECURITY.md).
cluster-up:
	SECURE=$(SECURE) scripts/cluster.sh up

cluster-status:
	SECURE=$(SECURE) scripts/cluster.sh status

cluster-down:
	scripts/cluster.sh down

cluster-kill:
	scripts/cluster.sh kill "$(NODE)"

cluster-start:
	SECURE=$(SECURE) scripts/cluster.sh start "$(NODE)"

# Fault soak of 3 real brokers in network namespaces (issue 17; docs/RELIABILITY.md). Needs root;
# installs iproute2/iptables when missing. ROUNDS (default 20), SEED (default random, printed),
# ROUND=k replays one round of SEED, MAX_UNAVAILABLE_MS (default 2000), FAULTS=kind,... and
# FAULT_MS=min-max narrow the schedule. Logic in scripts/chaos/.
ROUNDS ?= 20
chaos: build
	ROUNDS=$(ROUNDS) SEED=$(SEED) ROUND=$(ROUND) MAX_UNAVAILABLE_MS=$(MAX_UNAVAILABLE_MS) FAULTS=$(FAULTS) FAULT_MS=$(FAULT_MS) \
	  node dist/scripts/chaos/main.js

# Joining (docs/CLUSTER.md): start broker NODE (4-99) of the local cluster, writing
# cluster/broker-NODE.properties if missing; it joins knowing only the controller quorum.
.PHONY: cluster-add
cluster-add:
	SECURE=$(SECURE) scripts/cluster.sh add "$(NODE)"

# Prometheus on the local cluster (cluster/prometheus.yml), board queries checked (scripts/monitor.sh).
.PHONY: cluster-monitor cluster-monitor-down
cluster-monitor: build
	scripts/monitor.sh up

cluster-monitor-down:
	scripts/monitor.sh down
