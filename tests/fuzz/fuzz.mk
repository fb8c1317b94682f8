# tests/fuzz/fuzz.mk -- libFuzzer targets (included by the top Makefile).
#
#   make fuzz                  every target for FUZZ_TIME seconds (default 60)
#   make fuzz FUZZ=classify    one target (tests/fuzz/fuzz_classify.c), as long as you like
#   make fuzz-check            every target over its seeds and FUZZ_RUNS (default 20000)
#                              inputs from a fixed seed: CI's regression run
#
# The targets and their objects build with clang (libFuzzer + ASan + UBSan)
# in build/fuzz (SAN=fuzz); see tests/fuzz/README.md.

FUZZ_SRC   := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_BINS   = $(FUZZ_NAMES:%=$(BUILD)/fuzzers/fuzz_%)
FUZZ       ?= $(FUZZ_NAMES)
FUZZ_TIME  ?= 60
FUZZ_RUNS  ?= 20000

.PHONY: fuzz fuzz-check fuzz-bins

# fuzz_<svc>[_<what>].c links that service's core objects, as a unit test
# does (fuzz_common_*: libocommon alone).
$(BUILD)/fuzzers/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) \
  $$($$(firstword $$(subst _, ,$$*))_CORE) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(OC_CFLAGS) $(CFLAGS) -I. -Itests/fuzz -fsanitize=fuzzer $(LDFLAGS) -o $@ $< \
	  $(filter %.o,$^) $(LIBCOMMON) $(OC_LDLIBS)

fuzz-bins: check-pkgs $(FUZZ_BINS)

fuzz fuzz-check:
	@command -v clang >/dev/null || { echo "fuzz: clang is missing; run 'make deps'"; exit 1; }
	@$(MAKE) --no-print-directory SAN=fuzz -j$(JOBS) fuzz-bins
	@bash tests/fuzz/run.sh $@ build/fuzz "$(FUZZ)" $(FUZZ_TIME) $(FUZZ_RUNS)
