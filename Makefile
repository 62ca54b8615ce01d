# twentejobs - one Makefile for the whole tree.
#
#   make            build bin/twentejobs and bin/demo-web
#   make test       install missing packages, build, run unit + integration tests
#   make test-asan  the same under AddressSanitizer + UBSan (objects in build-asan/)
#   make test-tsan  the threaded spider tests under ThreadSanitizer
#   make demo       install, build, start the demo web, crawl it, serve the API
#
# Sources are found by wildcard: a new spider/foo.c is built and linked
# without touching this file, and tests/unit/test_foo.c becomes a test.

ifeq ($(origin CC),default)
CC      := gcc
endif
PKGS    := libcurl libpcre2-8 sqlite3 jansson gumbo libxml-2.0
SAN     ?=
BUILD   ?= build
BIN     ?= bin
OPT     ?= -O2

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS  := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g $(OPT) $(SAN) \
           -Iindex -Ispider -Iapi $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS  := $(PKG_LIBS) -lcivetweb -lstemmer -lz -lpthread -lm
LDFLAGS := $(SAN)

SRC      := $(wildcard index/*.c spider/*.c api/*.c)
OBJ      := $(SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
DEMO_SRC := $(wildcard tests/demo-web/*.c)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(BUILD)/fuzz/replay_%)
FUZZ_SECONDS ?= 60

# quiet by default; V=1 shows the full commands
Q := $(if $(V),,@)

.PHONY: all deps test test-asan test-tsan unit integ demo clean eval fuzz

all: $(BIN)/twentejobs $(BIN)/demo-web

deps:
	@scripts/install-deps

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),:,echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BIN)/twentejobs: $(BUILD)/twentejobs.o $(OBJ)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BIN)/demo-web: $(DEMO_SRC:%.c=$(BUILD)/%.o)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) $^ -lcivetweb -lz -lbrotlienc -lpthread -o $@

$(BUILD)/tests/test_%: tests/unit/test_%.c $(OBJ)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $< $(OBJ) $(LDLIBS) -lcmocka -o $@

unit: $(UNIT_BIN) $(FUZZ_REPLAY)

# every fuzz harness also links with a plain main() that replays files
$(BUILD)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c $(OBJ)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $< tests/fuzz/replay_main.c $(OBJ) $(LDLIBS) -o $@

# libFuzzer builds (clang): make fuzz [FUZZ_SECONDS=60]
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
	-Iindex -Ispider -Iapi $(PKG_CFLAGS)
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(SRC)
	@mkdir -p $(dir $@)
	$(Q)clang $(FUZZ_CFLAGS) $< $(SRC) $(LDLIBS) -o $@

fuzz: deps $(FUZZ_SRC:tests/fuzz/fuzz_%.c=build-fuzz/fuzz_%)
	@scripts/fuzz-all $(FUZZ_SECONDS)

# benchmark helpers: tests/bench/foo.c -> $(BUILD)/bench/foo
$(BUILD)/bench/%: tests/bench/%.c $(OBJ)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $< $(OBJ) $(LDLIBS) -o $@

# Benchmark helpers: tests/bench/NAME.c -> $(BUILD)/NAME, linked like a test.
$(BUILD)/gen-corpus: tests/bench/gen_corpus.c $(OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< $(OBJ) $(LDLIBS) -o $@

$(BUILD)/bench-api: tests/bench/bench_api.c $(OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< $(OBJ) $(LDLIBS) -o $@

# The runner prints each test program's result and ends with
# "N passed, M failed"; it exits non-zero if anything failed.
test: deps
	@$(MAKE) --no-print-directory all unit
	@tests/run-all $(BUILD) $(BIN)

test-asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan BIN=build-asan/bin OPT=-O1 \
		SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" all unit
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		tests/run-all build-asan build-asan/bin

test-tsan: deps
	@$(MAKE) --no-print-directory BUILD=build-tsan BIN=build-tsan/bin OPT=-O1 \
		SAN="-fsanitize=thread" all unit
	@TSAN_OPTIONS=halt_on_error=1 tests/run-all build-tsan build-tsan/bin

# the classifier's accuracy on the labelled sets (tests/eval/README.md)
eval: $(OBJ)
	@mkdir -p $(BUILD)/tests
	$(Q)$(CC) $(CFLAGS) tests/eval/eval.c $(OBJ) $(LDLIBS) -o $(BUILD)/eval
	$(BUILD)/eval tests/eval/postings.jsonl
	$(BUILD)/eval tests/eval/heldout.jsonl
	$(BUILD)/eval tests/eval/heldout2.jsonl

demo: deps all
	@scripts/demo

clean:
	rm -rf build build-asan build-tsan build-fuzz bin

-include $(OBJ:.o=.d) $(BUILD)/twentejobs.d
