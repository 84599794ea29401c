# tests/check.mk - `make check`: unit tests, live tests, the CLI test, then
# the same tests under ASan+UBSan (clang) and valgrind memcheck, then a
# bounded libFuzzer run. Included by the top-level Makefile.

FUZZ_SECONDS ?= 60
SAN_FLAGS    := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
		-fno-sanitize-recover=all
VALGRIND     := valgrind -q --error-exitcode=99 --leak-check=full \
		--show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible

.PHONY: check check-serial check-bins unit live cli-test console-test \
	report-test scenarios shapes asan asan-bins valgrind fuzz fuzz-bins \
	test-bins valgrind-and-fuzz

# `make check` builds what the suites run (check-bins, -j2), then runs
# the suites in five lanes side by side (tests/lanes.sh), each lane's
# suites one after another; each suite's output goes to
# $(CHECK_LOGS)/SUITE.log, printed whole if it fails, and a line
# "== SUITE: N s" is printed when it passes; the last line lists them all
# with their times. Most suites wait on daemons that read every second,
# not on the CPU, and every suite's daemons, ports and temp dirs are its
# own. Lane 1: the leak shapes under both daemons, alone (below), then the
# scenarios, streaming, collectd-test and the packages. Lane 2: the plain
# build's other suites, netdata-test in its parts. Lanes 3 and 5: the same
# under ASan+UBSan (asan-SUITE) once their build is done ("wait:" orders
# across lanes), then the fuzzers and memcheck. Lane 4: the sanitizer
# build, then the soak once the others are done (below), beside memcheck
# and the fuzzers. The CPU-bound work that times nothing (builds,
# memcheck, the fuzzers) runs at nice 19 ("nice:"): it takes the CPU the
# others leave; lanes 2, 3 and 5's suites at nice 10 (below). The first
# failure stops every lane from starting another suite (`make -k check`:
# only its own). A suite a plugin's .mk adds to
# CHECK_EXTRA and no lane names runs at the end of lane 2.
# `make check-serial` runs them one at a time, as before.
CHECK_LOGS   ?= $(BUILD)/check-logs
ASAN_SUITES  := unit live cli-test console-test report-test netdata-test
# netdata-test's parts, apart: the protocol tests' halves, its load, clock
# and stdin files, the real daemon (netdata.mk)
ND_PARTS     := netdata-health-keywords netdata-integration-test \
	netdata-protocol-1 netdata-protocol-2 netdata-protocol-pytest
# The leak shapes (shapes, netdata-shapes) run first and alone: they
# judge rates at every reading. (Beside other suites their forking master
# and fork-shared leak once read 0.70-0.80 and 1.18-1.28 of the truth:
# reads that were off by a sharer's share, which the core now leaves out,
# docs/leaks.md; since then they passed beside four engineers' suites.)
# Every other lane waits for them.
# Lanes 2, 3 and 5 then run at nice 10 ("nice10:"): beside them lane 1's
# daemons and workloads get the CPU when they wake.
CHECK_NICE10 = $(foreach w,$(1),$(if $(findstring :,$(w)),$(w),nice10:$(w)))
CHECK_ALONE  ?= shapes netdata-shapes
CHECK_LANE_1 ?= $(CHECK_ALONE) scenarios netdata-scenarios \
	netdata-streaming-test collectd-test packaging-test
CHECK_LANE_2 ?= $(CHECK_ALONE:%=wait:%) $(call CHECK_NICE10,unit live \
	cli-test console-test report-test $(ND_PARTS))
CHECK_LANE_3 ?= wait:asan-bins $(call CHECK_NICE10,\
	$(patsubst %,asan-%,$(filter-out netdata-test,$(ASAN_SUITES))))
CHECK_LANE_4 ?= $(CHECK_ALONE:%=wait:%) nice:asan-bins \
	$(CHECK_SOAK_AFTER:%=wait:%) soak-check
CHECK_LANE_5 ?= wait:asan-bins $(call CHECK_NICE10,$(ND_PARTS:%=asan-%)) \
	nice:fuzz-bins nice:valgrind-and-fuzz
# The soak's churn forks 1,500 processes a second to wrap the pid counter:
# it runs once every lane's suites but memcheck and the fuzzers are done
# (beside it, collectd shapes' forking master and fork-shared leak read a
# leak_rate of 0 for 8 readings in a row, once).
CHECK_SOAK_AFTER ?= $(lastword $(CHECK_LANE_1)) \
	$(lastword $(subst :, ,$(lastword $(CHECK_LANE_2)))) \
	asan-report-test asan-netdata-protocol-pytest
CHECK_LANED  := $(foreach w,$(filter-out wait:%,$(CHECK_LANE_1) \
	$(CHECK_LANE_2) $(CHECK_LANE_3) $(CHECK_LANE_4) $(CHECK_LANE_5)),\
	$(lastword $(subst :, ,$(w))))
# netdata-test is laned when all its parts are
CHECK_LANED  += $(if $(filter-out $(CHECK_LANED),$(ND_PARTS)),,netdata-test)
CHECK_UNLANED = $(filter-out $(CHECK_LANED),$(CHECK_EXTRA))
check:
	$(MAKE) --no-print-directory -j2 check-bins
	@MAKE="$(MAKE)" KEEP_GOING=$(if $(findstring k,$(firstword -$(MAKEFLAGS))),1) \
		bash tests/lanes.sh $(CHECK_LOGS) "$(CHECK_LANE_1)" \
		"$(CHECK_LANE_2) $(CHECK_UNLANED)" "$(CHECK_LANE_3)" \
		"$(CHECK_LANE_4)" "$(CHECK_LANE_5)"
	@echo "make check: all passed"

check-serial: unit live cli-test console-test report-test scenarios shapes \
		netdata-shapes $(CHECK_EXTRA) docs-test asan valgrind-and-fuzz
	@echo "make check-serial: all passed"

# What the lanes run, built first so that no two lanes build one file
# (the sanitized build is asan-bins, in lane 4; the fuzzers', in lane 3).
check-bins: test-bins plugins $(SHAPE_WL:%=$(NETDATA_WL)/%) \
	$(BUILD)/soak/churn $(COLLECTD_TEST_WORKLOADS)

# Every binary the tests run, so that a build can go -j2 while the tests,
# many of which time what they watch, run one at a time.
test-bins: $(UNIT_BIN) $(LIVE_BIN) $(BUILD)/tests/live_million \
	$(BUILD)/smapwatch $(WORKLOADS) $(PLAIN_BIN) $(BUILD)/bench/manymaps \
	$(NETDATA_TEST_DEPS)

# memcheck and the fuzzers time nothing and are CPU-bound on one core
# each: side by side on two cores.
valgrind-and-fuzz:
	$(MAKE) --no-print-directory -j2 valgrind fuzz

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

# live_million is not run under valgrind (700 MB of smaps at valgrind's
# speed would take minutes); ASan runs it.
live: $(LIVE_BIN) $(BUILD)/tests/live_million
	@set -e; for t in $(LIVE_BIN); do echo "== $$t"; $$t; done
	$(BUILD)/tests/live_million

# Then hostile bytes of a saved proc tree through every output (< 1 s).
cli-test: $(BUILD)/smapwatch $(BUILD)/smaps.plugin $(WORKLOADS)
	BUILD=$(BUILD) sh tests/cli/test_cli.sh
	BUILD=$(BUILD) $(PYTHON) -m pytest -q -p no:cacheprovider \
		tests/cli/test_hostile_perms.py

# The leak hunt's subcommands (snapshot, diff, top, findings) on the
# hand-made proc trees of tests/fixtures/diff and on live workloads, the
# live view driven in tmux (about 30 s). The workloads are never
# sanitized: ASan's allocator would not grow [heap] at a known rate.
PYTHON    ?= /usr/bin/python3
PLAIN_DIR := build/plain
PLAIN_BIN := $(PLAIN_DIR)/workloads/grow_heap $(PLAIN_DIR)/workloads/grow_mmap \
	     $(PLAIN_DIR)/manymaps
console-test: $(BUILD)/smapwatch $(PLAIN_BIN)
	BUILD=$(BUILD) SW_PLAIN=$(PLAIN_DIR) \
	SW_SANITIZED=$(if $(findstring sanitize,$(CFLAGS)),1,) \
		$(PYTHON) -m pytest -q -p no:cacheprovider tests/cli/test_console.py

$(PLAIN_DIR)/workloads/%: tests/workloads/%.c tests/workloads/grow.h
	@mkdir -p $(dir $@)
	cc -std=c11 -D_GNU_SOURCE $(WARN) -O2 -pthread -o $@ $<

$(PLAIN_DIR)/manymaps: bench/manymaps.c
	@mkdir -p $(dir $@)
	cc -std=c11 -D_GNU_SOURCE $(WARN) -O2 -o $@ $<

# smapwatch report in a real headless chromium (Debian's): no console
# error, figures equal to the snapshot's, sorting, filtering, the drawing,
# hostile names (about 25 s).
report-test: $(BUILD)/smapwatch $(BUILD)/bench/manymaps
	BUILD=$(BUILD) $(PYTHON) -m pytest -q -p no:cacheprovider tests/report

# Leaking and non-leaking workloads under a real collectd with the shipped
# threshold alarms (tests/scenarios/test_scenarios_collectd.py, pytest,
# about 25 s).
scenarios: $(BUILD)/smaps.so $(BUILD)/workloads/grow_heap \
		$(BUILD)/workloads/grow_mmap $(BUILD)/workloads/scenario
	SMAPS_SO=$(BUILD)/smaps.so WORKLOADS=$(BUILD)/workloads \
		$(SCENARIOS_PYTEST) tests/scenarios/test_scenarios_collectd.py

# The leak shapes of issue 12 under one collectd start, with the shipped
# threshold alarms (tests/scenarios/test_shapes_collectd.py, pytest, about
# 100 s). Every scenario suite lists the figures it measured at its end
# (tests/scenarios/figures.py), passed or failed.
SCENARIOS_PYTEST = PYTHONDONTWRITEBYTECODE=1 $(PYTHON) -m pytest -q \
	-p no:cacheprovider -rfEs
SHAPE_CD_WL := $(SHAPE_WL:%=$(BUILD)/workloads/%)
$(SHAPE_CD_WL): tests/workloads/shape.h tests/workloads/grow.h
shapes: $(BUILD)/smaps.so $(SHAPE_CD_WL)
	SMAPS_SO=$(BUILD)/smaps.so WORKLOADS=$(BUILD)/workloads \
		$(SCENARIOS_PYTEST) tests/scenarios/test_shapes_collectd.py

# The same tests, rebuilt by clang with ASan+UBSan into build/asan
# (asan-bins, which also builds the soak's sanitized plugins there);
# asan-SUITE runs one of them, `make asan` all.
ASAN_MAKE = $(MAKE) --no-print-directory BUILD=build/asan CC=clang \
	CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined"
asan:
	$(MAKE) --no-print-directory asan-bins
	$(ASAN_MAKE) $(ASAN_SUITES)
asan-bins:
	$(ASAN_MAKE) -j2 test-bins build/asan/smaps.so
asan-%:
	$(ASAN_MAKE) $*

# memcheck on each unit and live binary, VALGRIND_JOBS at a time (they
# time nothing); each one's output in BIN.valgrind.log, printed if it fails.
VALGRIND_JOBS ?= 2
valgrind: $(UNIT_BIN) $(LIVE_BIN)
	@printf '%s\n' $(UNIT_BIN) $(LIVE_BIN) | xargs -P $(VALGRIND_JOBS) -I@ \
		sh -c 'if $(VALGRIND) @ >@.valgrind.log 2>&1; then \
			echo "== valgrind @: ok"; else echo "== valgrind @: FAILED"; \
			cat @.valgrind.log; exit 255; fi'

# libFuzzer on the parser, seeded with the committed corpus and fixtures;
# new inputs it finds go to build/, the committed corpus stays as it is.
FUZZ_BIN := build/fuzz/fuzz_smaps
$(FUZZ_BIN): tests/fuzz/fuzz_smaps.c $(CORE_SRC) $(wildcard include/smapwatch/*.h common/*.h)
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude -O1 -g \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ tests/fuzz/fuzz_smaps.c $(CORE_SRC)

# The snapshot reader too (cli/snapread.c, cli/jread.c): any bytes, and
# what it accepts written back the same way twice (20 s).
FUZZ_SNAPSHOT_SECONDS ?= 20
FUZZ_SNAP_BIN := build/fuzz/fuzz_snapshot
FUZZ_SNAP_SRC := cli/snap.c cli/snapread.c cli/snapwrite.c cli/jread.c cli/json.c
$(FUZZ_SNAP_BIN): tests/fuzz/fuzz_snapshot.c $(FUZZ_SNAP_SRC) $(CORE_SRC) \
		$(wildcard include/smapwatch/*.h common/*.h cli/*.h)
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude -Icli -O1 -g \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ tests/fuzz/fuzz_snapshot.c $(FUZZ_SNAP_SRC) $(CORE_SRC)

# The small parsers (issue 18), FUZZ_SMALL_SECONDS each: /proc's stat,
# status, cmdline, cgroup and pidfiles with the selectors matching on them
# (fuzz_procfs), the Netdata plugin's groups file (fuzz_groups) and its
# stdin: function calls, payloads, any line (fuzz_stdin).
FUZZ_SMALL_SECONDS ?= 10
# Their sources are compiled once, in parallel, into build/fuzz/obj (with
# -fsanitize=fuzzer-no-link), and each target links what it needs.
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude -Iplugins/netdata -O1 \
	-g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-DFIXTURES=\"$(CURDIR)/tests/fixtures\"
FUZZ_CORE_OBJ := $(CORE_SRC:%.c=build/fuzz/obj/%.o)
FUZZ_ND_OBJ := $(patsubst %.c,build/fuzz/obj/%.o,\
	$(filter-out plugins/netdata/main.c,$(NETDATA_SRC)))
build/fuzz/obj/%.o: %.c build/fuzz/obj/%.d
	@mkdir -p $(dir $@)
	clang $(DEPFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
	$(DEPDONE)
build/fuzz/obj/%.d: ;
.PRECIOUS: build/fuzz/obj/%.d
-include $(FUZZ_CORE_OBJ:.o=.d) $(FUZZ_ND_OBJ:.o=.d) \
	$(patsubst %,build/fuzz/obj/tests/fuzz/fuzz_%.d,procfs groups stdin)
build/fuzz/fuzz_procfs: build/fuzz/obj/tests/fuzz/fuzz_procfs.o $(FUZZ_CORE_OBJ)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^
build/fuzz/fuzz_groups build/fuzz/fuzz_stdin: build/fuzz/%: \
		build/fuzz/obj/tests/fuzz/%.o $(FUZZ_ND_OBJ) $(FUZZ_CORE_OBJ)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ -lm
FUZZ_SMALL := procfs:4096 groups:4096 stdin:40000
FUZZ_BINS  := $(FUZZ_BIN) $(FUZZ_SNAP_BIN) $(patsubst %,build/fuzz/fuzz_%,\
	$(foreach t,$(FUZZ_SMALL),$(word 1,$(subst :, ,$(t)))))
fuzz-bins:
	$(MAKE) --no-print-directory -j2 $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	@for tl in $(FUZZ_SMALL); do t=$${tl%:*}; \
		mkdir -p build/fuzz/found-$$t; \
		build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SMALL_SECONDS) \
			-max_len=$${tl#*:} -close_fd_mask=2 \
			-artifact_prefix=build/fuzz/$$t- -print_final_stats=1 \
			build/fuzz/found-$$t tests/fuzz/corpus-$$t \
			> build/fuzz/$$t.log 2>&1; s=$$?; \
		n=$$(grep -E '^stat::number_of_executed_units' \
			build/fuzz/$$t.log | tr -dc 0-9); \
		echo "fuzz_$$t: $$n runs in $(FUZZ_SMALL_SECONDS) s"; \
		[ $$s -eq 0 ] || { tail -n 30 build/fuzz/$$t.log; \
			echo "fuzz: $$t FAILED, see build/fuzz/$$t.log"; exit 1; }; \
	done
	@mkdir -p build/fuzz/found-snapshot
	@$(FUZZ_SNAP_BIN) -max_total_time=$(FUZZ_SNAPSHOT_SECONDS) \
		-max_len=65536 -artifact_prefix=build/fuzz/snapshot- \
		-print_final_stats=1 build/fuzz/found-snapshot \
		tests/fuzz/corpus-snapshot > build/fuzz/snapshot.log 2>&1; s=$$?; \
		tail -n 3 build/fuzz/snapshot.log; \
		[ $$s -eq 0 ] || { echo "fuzz: snapshot FAILED, see build/fuzz/snapshot.log"; exit 1; }
	@mkdir -p build/fuzz/found
	@$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
		-artifact_prefix=build/fuzz/ -print_final_stats=1 \
		build/fuzz/found tests/fuzz/corpus tests/fixtures \
		> build/fuzz/log 2>&1; s=$$?; tail -n 6 build/fuzz/log; \
		[ $$s -eq 0 ] || { echo "fuzz: FAILED, see build/fuzz/log"; exit 1; }
