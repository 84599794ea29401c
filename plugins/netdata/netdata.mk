# plugins/netdata/netdata.mk - build/smaps.plugin, Netdata's external
# plugin (issue 4), its tests and its install. Included by the Makefile.

NETDATA_SRC := $(wildcard plugins/netdata/*.c)
NETDATA_OBJ := $(NETDATA_SRC:%.c=$(BUILD)/obj/%.o)
NETDATA_PLUGINS_DIR ?= $(PREFIX)/lib/netdata/plugins.d
NETDATA_STOCK_DIR   ?= $(PREFIX)/lib/netdata/conf.d

$(BUILD)/obj/plugins/netdata/%.o: plugins/netdata/%.c $(BUILD)/obj/plugins/netdata/%.d
	@mkdir -p $(dir $@)
	$(CC) $(DEPFLAGS) $(SW_CFLAGS) -c -o $@ $<
	$(DEPDONE)

$(BUILD)/smaps.plugin: $(NETDATA_OBJ) $(LIB)
	$(CC) $(SW_CFLAGS) -o $@ $(NETDATA_OBJ) $(LIB) $(LDFLAGS) -lm

PLUGINS += $(BUILD)/smaps.plugin

# The protocol test (the plugin alone, hostile process names, the function
# round trip) and the real-daemon test (netdata 1.37.1 on 127.0.0.1).
# The workloads are built plain even under ASan: a sanitizer's allocator
# would not grow [heap].
NETDATA_WL := $(BUILD)/netdata-wl
NETDATA_TEST_DEPS := $(BUILD)/smaps.plugin $(NETDATA_WL)/grow_heap \
	$(NETDATA_WL)/grow_mmap $(NETDATA_WL)/scenario $(NETDATA_WL)/manymaps \
	$(NETDATA_WL)/clockshift.so

# A wall clock shifted by a file's seconds, for tests (LD_PRELOAD).
$(NETDATA_WL)/clockshift.so: tests/protocol/clockshift.c
	@mkdir -p $(dir $@)
	cc -std=c11 $(WARN) -O2 -shared -fPIC -o $@ $< -ldl

$(NETDATA_WL)/manymaps: bench/manymaps.c
	@mkdir -p $(dir $@)
	cc -std=c11 -D_GNU_SOURCE $(WARN) -O2 -o $@ $<

$(NETDATA_WL)/%: tests/workloads/%.c tests/workloads/grow.h
	@mkdir -p $(dir $@)
	cc -std=c11 -D_GNU_SOURCE $(WARN) -O2 -pthread -o $@ $<

.PHONY: netdata-test netdata-protocol-test netdata-integration-test \
	netdata-health-keywords \
	netdata-scenarios netdata-shapes install-netdata
netdata-test: netdata-health-keywords netdata-protocol-test netdata-integration-test

# The shipped health.d/smaps.conf against the keywords Netdata 2.x's health
# parser accepts (CI has 1.37.1 only; < 1 s).
netdata-health-keywords:
	PYTHONDONTWRITEBYTECODE=1 $(PYTHON) -m pytest -q -rfEs -p no:cacheprovider \
		tests/integration/netdata/test_health_keywords.py

# The plugin alone (tests/protocol/, pytest; fixtures in conftest.py) in
# two halves of about 40 s each (lists of files, balanced by their time),
# every test waiting on the plugin's readings, not on the CPU: on the
# run's live workloads, charts and values, the function of 1.37 and 2.x,
# unprivileged, hidepid and out of fds, chart ids, the options; then
# setcap and setuid, the tiers and the maps probe, hand-made proc trees'
# exact figures and signals, a full stdout. Then the function under a
# burst of calls (test_load.py, about 25 s): every call answered, updates
# flowing, one read per process; the wall clock stepped (test_clock.py,
# 25 s); stdin (test_input.py). make check runs the three side by side.
PROTOCOL_1 := test_live_charts test_function test_unprivileged test_ids \
	test_command_line
PROTOCOL_2 := test_privileged test_tiering test_fake_tree test_fake_signals \
	test_output
PROTOCOL_PYTEST := test_load test_clock test_input
PROTOCOL_RUN = PLUGIN=$(BUILD)/smaps.plugin WORKLOADS=$(NETDATA_WL) \
	MANYMAPS=$(NETDATA_WL)/manymaps CLOCKSHIFT=$(NETDATA_WL)/clockshift.so \
	PYTHONDONTWRITEBYTECODE=1 $(PYTHON) -m pytest -q -rfEs -p no:cacheprovider
.PHONY: netdata-protocol-1 netdata-protocol-2 netdata-protocol-pytest
netdata-protocol-test: netdata-protocol-1 netdata-protocol-2 \
	netdata-protocol-pytest
netdata-protocol-1 netdata-protocol-2 netdata-protocol-pytest: \
		netdata-protocol-%: $(NETDATA_TEST_DEPS)
	$(PROTOCOL_RUN) $(PROTOCOL_$(subst pytest,PYTEST,$*):%=tests/protocol/%.py)

# smaps.plugin in a real Netdata (1.37.1, or the 2.x NETDATA names) with
# a real PostgreSQL; a second daemon whose plugin is killed by signals and
# restarted (pytest, tests/integration/netdata/, about 22 s).
ND_PYTEST = PLUGIN=$(BUILD)/smaps.plugin NETDATA_WL=$(NETDATA_WL) \
	PYTHONDONTWRITEBYTECODE=1 $(PYTHON) -m pytest -q -rfEs -p no:cacheprovider
ND_INTEGRATION := $(addprefix tests/integration/netdata/,test_netdata.py \
	test_netdata_alarms.py test_netdata_plugin.py test_netdata_restart.py)
netdata-integration-test: $(NETDATA_TEST_DEPS)
	$(ND_PYTEST) $(ND_INTEGRATION)

# The leak signals through netdata's health engine with the shipped
# templates (tests/scenarios/test_scenarios_netdata.py, pytest, about 35 s).
netdata-scenarios: $(NETDATA_TEST_DEPS)
	PLUGIN=$(BUILD)/smaps.plugin WORKLOADS=$(NETDATA_WL) \
		$(SCENARIOS_PYTEST) tests/scenarios/test_scenarios_netdata.py

# The leak shapes of issue 12 (a sawtooth over a leak, churning children,
# memory shared by fork, a leak swapped out, per-socket memory, Python,
# PostgreSQL and Redis) in one Netdata start (tests/scenarios/test_shapes_netdata.py,
# pytest, about 100 s).
SHAPE_WL := sawleak forking sharedexit pageout sockets
$(SHAPE_WL:%=$(NETDATA_WL)/%): tests/workloads/shape.h

netdata-shapes: $(NETDATA_TEST_DEPS) $(SHAPE_WL:%=$(NETDATA_WL)/%)
	PLUGIN=$(BUILD)/smaps.plugin WORKLOADS=$(NETDATA_WL) \
		$(SCENARIOS_PYTEST) tests/scenarios/test_shapes_netdata.py

# A child Netdata running smaps.plugin streams to a parent; the parent
# shows the charts and its health engine raises the child's leak alarm
# (pytest, tests/streaming/test_streaming.py, two daemons, about 20 s).
.PHONY: netdata-streaming-test
netdata-streaming-test: $(NETDATA_TEST_DEPS)
	$(ND_PYTEST) tests/streaming/test_streaming.py

CHECK_EXTRA += netdata-test netdata-scenarios netdata-streaming-test

install-netdata: $(BUILD)/smaps.plugin
	install -d $(DESTDIR)$(NETDATA_PLUGINS_DIR) \
		$(DESTDIR)$(NETDATA_STOCK_DIR)/health.d $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BUILD)/smaps.plugin $(DESTDIR)$(NETDATA_PLUGINS_DIR)/smaps.plugin
	install -m 0644 packaging/netdata/smaps_groups.conf \
		$(DESTDIR)$(NETDATA_STOCK_DIR)/smaps_groups.conf
	install -m 0644 packaging/netdata/health.d/smaps.conf \
		$(DESTDIR)$(NETDATA_STOCK_DIR)/health.d/smaps.conf
	install -m 0644 plugins/netdata/smaps.plugin.1 \
		$(DESTDIR)$(MANDIR)/man1/smaps.plugin.1

INSTALL_EXTRA += install-netdata

UNINSTALL_EXTRA += uninstall-netdata
.PHONY: uninstall-netdata
uninstall-netdata:
	rm -f $(DESTDIR)$(NETDATA_PLUGINS_DIR)/smaps.plugin \
		$(DESTDIR)$(NETDATA_STOCK_DIR)/smaps_groups.conf \
		$(DESTDIR)$(NETDATA_STOCK_DIR)/health.d/smaps.conf \
		$(DESTDIR)$(MANDIR)/man1/smaps.plugin.1

# ids.c is pure C with no Netdata dependency: unit-tested like the core.
$(BUILD)/tests/test_nd_ids: tests/unit/test_nd_ids.c plugins/netdata/ids.c plugins/netdata/ids.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(SW_CFLAGS) -Itests/unit -Iplugins/netdata -DFIXTURES=\"$(CURDIR)/tests/fixtures\" \
		-o $@ $< plugins/netdata/ids.c $(LIB) -lcmocka $(LDFLAGS)

# output.c needs only the plugin's log and clock: unit-tested on a pipe.
ND_OUTPUT_SRC := plugins/netdata/output.c plugins/netdata/log.c plugins/netdata/heartbeat.c
$(BUILD)/tests/test_nd_output: tests/unit/test_nd_output.c $(ND_OUTPUT_SRC) $(wildcard plugins/netdata/*.h) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(SW_CFLAGS) -Itests/unit -Iplugins/netdata -DFIXTURES=\"$(CURDIR)/tests/fixtures\" \
		-o $@ $< $(ND_OUTPUT_SRC) $(LIB) -lcmocka $(LDFLAGS)

# heartbeat.c takes its clocks' readings as arguments: unit-tested on
# clocks the test sets (a wall clock stepped back, forward).
$(BUILD)/tests/test_nd_heartbeat: tests/unit/test_nd_heartbeat.c plugins/netdata/heartbeat.c plugins/netdata/heartbeat.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(SW_CFLAGS) -Itests/unit -Iplugins/netdata -DFIXTURES=\"$(CURDIR)/tests/fixtures\" \
		-o $@ $< plugins/netdata/heartbeat.c $(LIB) -lcmocka $(LDFLAGS)

# `make bench` adds the cost of collection on a host with 2,000 more
# processes, none and all of them in a group, beside Netdata's apps.plugin
# (bench/hostcost.py, about a minute; issue 18).
.PHONY: bench-hostcost
bench: bench-hostcost
bench-hostcost: $(BUILD)/smaps.plugin
	python3 bench/hostcost.py $(BUILD)/smaps.plugin

# The stdin parser and the request handler alone, fed bytes as a fuzzer
# feeds them (no groups, answers to a file).
ND_INPUT_SRC := $(filter-out plugins/netdata/main.c,$(NETDATA_SRC))
$(BUILD)/tests/test_nd_input: tests/unit/test_nd_input.c $(ND_INPUT_SRC) $(wildcard plugins/netdata/*.h) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(SW_CFLAGS) -Itests/unit -Iplugins/netdata -DFIXTURES=\"$(CURDIR)/tests/fixtures\" \
		-o $@ $< $(ND_INPUT_SRC) $(LIB) -lcmocka -lm $(LDFLAGS)
