# bench/bench.mk - `make bench`: build the benchmarks and their helper into
# $(BUILD)/bench/ and run them (about 5 minutes on a loaded 2-core VM: the
# parser 30 s, tiering 35 s, the HTML report in chromium 10 s, the stall
# 75 s, the peers 30 s; needs what `sh .ci/deps` installs). Included by the top-level
# Makefile. BENCH_MAPS is the helper's mapping count (at least 20000).
BENCH_DIR  := $(BUILD)/bench
BENCH_MAPS ?= 30000

$(BENCH_DIR)/bench: bench/bench.c bench/baseline.c bench/baseline.h bench/helper.c bench/helper.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(SW_CFLAGS) -o $@ bench/bench.c bench/baseline.c bench/helper.c $(LIB) $(LDFLAGS)

$(BENCH_DIR)/manymaps: bench/manymaps.c
	@mkdir -p $(dir $@)
	$(CC) $(SW_CFLAGS) -o $@ $< $(LDFLAGS)

bench: $(BENCH_DIR)/bench $(BENCH_DIR)/bench_tiering $(BENCH_DIR)/manymaps \
		$(BENCH_DIR)/bench_leakdetect $(BENCH_DIR)/bench_signals $(BUILD)/smapwatch \
		$(BENCH_DIR)/bench_stall
	$(BENCH_DIR)/bench $(BENCH_DIR)/manymaps $(BENCH_MAPS)
	$(BENCH_DIR)/bench_tiering $(BENCH_DIR)/manymaps
	$(BENCH_DIR)/bench_signals
	$(BENCH_DIR)/bench_leakdetect 100
	$(PYTHON) bench/console.py $(BUILD)/smapwatch
	$(PYTHON) bench/report_bench.py $(BUILD)/smapwatch $(BENCH_DIR)/manymaps 20000
	$(BENCH_DIR)/bench_stall $(BUILD)/smapwatch $(STALL_SECONDS)
	$(PYTHON) bench/peers.py $(BUILD)/smapwatch $(BENCH_DIR)/manymaps

# The stall the reads cause in a 20,000-mapping target (14 windows of
# STALL_SECONDS, about 80 s; needs pmap from procps).
STALL_SECONDS ?= 5
$(BENCH_DIR)/bench_stall: bench/stall.c tests/lib/pagemaps.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(SW_CFLAGS) -Itests/lib -pthread -o $@ bench/stall.c $(LIB) -lm $(LDFLAGS)

# The leak signals' cost for a group of 2,000 churning members (a second).
$(BENCH_DIR)/bench_signals: bench/signals.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(SW_CFLAGS) -o $@ bench/signals.c $(LIB) -lm $(LDFLAGS)

# The leak signals' detection limits at the defaults (under a second).
$(BENCH_DIR)/bench_leakdetect: bench/leakdetect.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(SW_CFLAGS) -o $@ bench/leakdetect.c $(LIB) -lm $(LDFLAGS)

$(BENCH_DIR)/bench_tiering: bench/tiering.c bench/helper.c bench/helper.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(SW_CFLAGS) -pthread -o $@ bench/tiering.c bench/helper.c $(LIB) -lm $(LDFLAGS)
