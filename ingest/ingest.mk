# make bench-ingest: replay and HTTP intake throughput into a dev broker
# (ingest/bench.py; prints figures, asserts nothing).
.PHONY: bench-ingest
bench-ingest: $(BUILD)/outcry-ingest $(BUILD)/outcry-devbroker
	$(PYTHON) ingest/bench.py --bin $(abspath $(BUILD)) $(BENCH_INGEST_ARGS)
