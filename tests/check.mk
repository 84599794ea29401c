# tests/check.mk - `make check`: unit tests, live tests, the CLI test, then
# the same tests under ASan+UBSan (clang) and valgrind memcheck, then a
# bounded libFuzzer run. Included by the top-level Makefile.

FUZZ_SECONDS ?= 60
SAN_FLAGS    := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
		-fno-sanitize-recover=all
VALGRIND     := valgrind -q --error-exitcode=99 --leak-check=full \
		--show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible

.PHONY: check unit live cli-test scenarios shapes asan valgrind fuzz
check: unit live cli-test scenarios shapes netdata-shapes $(CHECK_EXTRA) asan valgrind fuzz
	@echo "make check: all passed"

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

# live_million is not run under valgrind (700 MB of smaps at valgrind's
# speed would take minutes); ASan runs it.
live: $(LIVE_BIN) $(BUILD)/tests/live_million
	$(LIVE_BIN)
	$(BUILD)/tests/live_million

cli-test: $(BUILD)/smapwatch $(WORKLOADS)
	BUILD=$(BUILD) sh tests/cli/test_cli.sh

# Leaking and non-leaking workloads under a real collectd with the shipped
# threshold alarms (about 25 s).
scenarios: $(BUILD)/smaps.so $(BUILD)/workloads/grow_heap \
		$(BUILD)/workloads/grow_mmap $(BUILD)/workloads/scenario
	BUILD=$(BUILD) bash tests/scenarios/collectd_scenarios.sh

# The leak shapes of issue 12 under one collectd start, with the shipped
# threshold alarms (tests/scenarios/shapes_collectd.py).
SHAPE_CD_WL := $(SHAPE_WL:%=$(BUILD)/workloads/%)
$(SHAPE_CD_WL): tests/workloads/shape.h tests/workloads/grow.h
shapes: $(BUILD)/smaps.so $(SHAPE_CD_WL)
	python3 tests/scenarios/shapes_collectd.py $(BUILD)/smaps.so $(BUILD)/workloads

# The same tests, rebuilt by clang with ASan+UBSan into build/asan.
asan:
	$(MAKE) --no-print-directory BUILD=build/asan CC=clang \
		CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" \
		unit live cli-test netdata-test

valgrind: $(UNIT_BIN) $(LIVE_BIN)
	@set -e; for t in $(UNIT_BIN) $(LIVE_BIN); do \
		echo "== valgrind $$t"; $(VALGRIND) $$t; done

# libFuzzer on the parser, seeded with the committed corpus and fixtures;
# new inputs it finds go to build/, the committed corpus stays as it is.
FUZZ_BIN := build/fuzz/fuzz_smaps
$(FUZZ_BIN): tests/fuzz/fuzz_smaps.c $(CORE_SRC) $(wildcard include/smapwatch/*.h common/*.h)
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude -O1 -g \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ tests/fuzz/fuzz_smaps.c $(CORE_SRC)

fuzz: $(FUZZ_BIN)
	@mkdir -p build/fuzz/found
	@$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
		-artifact_prefix=build/fuzz/ -print_final_stats=1 \
		build/fuzz/found tests/fuzz/corpus tests/fixtures \
		> build/fuzz/log 2>&1; s=$$?; tail -n 6 build/fuzz/log; \
		[ $$s -eq 0 ] || { echo "fuzz: FAILED, see build/fuzz/log"; exit 1; }
