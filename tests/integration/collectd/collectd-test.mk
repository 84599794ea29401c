# tests/integration/collectd/collectd-test.mk - `make collectd-test`: the
# plugin inside a real collectd (Debian collectd-core 5.12, collectdctl from
# collectd-utils), see run.sh. Included by the top-level Makefile; about
# 15 s, binds only 127.0.0.1, leaves no process behind. Needs
# write_prometheus's libraries (libprotobuf-c1, libmicrohttpd12), prometheus
# and influxdb (.ci/deps).

COLLECTD_TEST_WORKLOADS := $(BUILD)/workloads/grow_heap \
	$(BUILD)/workloads/grow_mmap $(BUILD)/workloads/exit_half \
	$(BUILD)/workloads/scenario

.PHONY: collectd-test
collectd-test: $(BUILD)/smaps.so $(COLLECTD_TEST_WORKLOADS)
	BUILD=$(BUILD) PYTHON=$(PYTHON) sh tests/integration/collectd/run.sh
