# make bench: measures every stage against the passthrough ceiling and a
# Python peer, on the dev broker, in one run (bench/README.md).
BENCH_BINS := $(BUILD)/bench/passthrough

$(BUILD)/bench/passthrough: $(BUILD)/obj/bench/passthrough.o $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(OC_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(OC_LDLIBS)

.PHONY: bench
bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BINS)
	$(PYTHON) bench/run.py --bin $(abspath $(BUILD)) $(BENCH_ARGS)
