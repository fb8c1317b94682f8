# outcry -- one Makefile for the four services, the dev broker and the tests.
#
#   make                 build build/outcry-{ingest,classify,route,alert,devbroker,replay}
#   make SAN=1           the same with AddressSanitizer + UBSan, in build/san/
#   make run             deps, build, start the whole pipeline on a demo stream
#   make test            deps, build, unit tests (cmocka), integration tests (pytest)
#   make install PREFIX=/usr/local DESTDIR=
#   make format          clang-format every C file
#   make lint            banned functions, file sizes, pyflakes over the Python files
#   make fuzz            libFuzzer targets (tests/fuzz/README.md); make fuzz-check in CI
#   make clean

PREFIX  ?= /usr/local
DESTDIR ?=
SAN     ?= 0
CC      ?= cc
PYTHON  ?= /usr/bin/python3
# Integration tests mostly wait on timers (SLA deadlines, rebalances): run
# them in parallel processes, each with its own broker and Redis.
TEST_JOBS ?= 4
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
VERSION := 0.1.0

ifeq ($(SAN),1)
BUILD   ?= build/san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else ifeq ($(SAN),fuzz)
# libFuzzer comes with clang (tests/fuzz/README.md); the objects are
# instrumented for coverage, the fuzz targets link the fuzzer's main
BUILD   ?= build/fuzz
override CC := clang
SANFLAGS = -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=undefined -Wno-unknown-warning-option
else
BUILD   ?= build
SANFLAGS =
endif

PKGS := rdkafka jansson hiredis libmicrohttpd libpcre2-8 yaml-0.1 libcrypto libutf8proc libcjson

# CFLAGS and LDFLAGS are the user's to override; what the code needs to
# compile at all lives in the OC_ variables. Error messages go into bounded
# buffers and are cut on purpose, hence -Wno-format-truncation.
CFLAGS  ?= -O2 -g
LDFLAGS ?=
OC_CFLAGS  = -std=c11 -Wall -Wextra -Werror -Wstrict-prototypes -Wwrite-strings \
             -Wmissing-prototypes -Wno-unused-parameter -Wno-format-truncation \
             -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DOC_VERSION='"$(VERSION)"' \
             -Icommon $(SANFLAGS) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
OC_LDLIBS  = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lpthread -lm

SERVICES := ingest classify route alert
BINS     = $(addprefix $(BUILD)/outcry-,$(SERVICES) $(TOOL_DIRS)) $(TOOL_BINS)

COMMON_SRC := $(wildcard common/*.c)
COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/obj/%.o)
LIBCOMMON  := $(BUILD)/libocommon.a

# Every tools/<name>.c is a one-file program build/outcry-<name>; every
# tools/<name>/ with a main.c (the dev broker, the replay tool) is a program
# of several files, built as a service's folder is.
TOOL_SRC  := $(wildcard tools/*.c)
TOOL_BINS := $(TOOL_SRC:tools/%.c=$(BUILD)/outcry-%)
TOOL_DIRS := $(patsubst tools/%/main.c,%,$(wildcard tools/*/main.c))

# Every folder program's objects (<name> in folder <dir>); main.o is kept
# apart so unit tests can link the rest.
define program_objs
$(1)_SRC  := $$(wildcard $(2)/*.c)
$(1)_OBJ  := $$($(1)_SRC:%.c=$(BUILD)/obj/%.o)
$(1)_CORE := $$(filter-out $(BUILD)/obj/$(2)/main.o,$$($(1)_OBJ))
endef
$(foreach s,$(SERVICES),$(eval $(call program_objs,$(s),$(s))))
$(foreach t,$(TOOL_DIRS),$(eval $(call program_objs,$(t),tools/$(t))))

UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.SECONDEXPANSION:
.PHONY: all deps run test unit integration install uninstall clean format lint check-pkgs
.DEFAULT_GOAL := all

all: check-pkgs $(BINS)

check-pkgs:
	@pkg-config --exists $(PKGS) || { \
	  echo "missing development packages for: $$(for p in $(PKGS); do pkg-config --exists $$p || printf '%s ' $$p; done)"; \
	  echo "run 'make deps' (Debian 12) to install them"; exit 1; }

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(OC_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIBCOMMON): $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(addprefix $(BUILD)/outcry-,$(SERVICES) $(TOOL_DIRS)): $(BUILD)/outcry-%: $$($$*_OBJ) $(LIBCOMMON)
	$(CC) $(OC_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBCOMMON) $(OC_LDLIBS)

$(TOOL_BINS): $(BUILD)/outcry-%: $(BUILD)/obj/tools/%.o $(LIBCOMMON)
	$(CC) $(OC_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(OC_LDLIBS)

# A unit test test_<svc>_<name>.c links that service's core objects (no main.o).
$(BUILD)/tests/test_%: tests/unit/test_%.c $$($$(firstword $$(subst _, ,$$*))_CORE) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(OC_CFLAGS) $(CFLAGS) -I. $(LDFLAGS) -o $@ $< $(filter %.o,$^) $(LIBCOMMON) $(OC_LDLIBS) -lcmocka

include tests/fuzz/fuzz.mk

deps:
	@bash tools/deps.sh

run: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@bash tools/run-demo.sh $(BUILD)

unit: check-pkgs $(UNIT_BINS)
	@bash tools/run-unit.sh $(UNIT_BINS)

integration: all
	OUTCRY_BIN=$(abspath $(BUILD)) OUTCRY_SAN=$(SAN) $(PYTHON) -m pytest -q -p no:cacheprovider -n $(TEST_JOBS) tests/integration

test: deps
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory integration

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/outcry
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 route/rules.example.yaml $(DESTDIR)$(PREFIX)/share/outcry/rules.yaml
	install -m 0644 classify/model.bin $(DESTDIR)$(PREFIX)/share/outcry/classify-model.bin

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(notdir $(BINS)))
	rm -rf $(DESTDIR)$(PREFIX)/share/outcry

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

lint:
	@bash tools/lint.sh

clean:
	rm -rf build bench/out

# A service may add targets of its own (make model, ...) in <dir>/<dir>.mk.
include $(wildcard */*.mk)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
