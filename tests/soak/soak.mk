# tests/soak/soak.mk - the churn soak (README.md, "Soak"), in pytest
# (tests/soak/test_soak.py, conftest.py).
# `make soak`: 3 minutes per configuration (SOAK_SECONDS), about 25 in all;
# `make soak-short`: 40 s each (SOAK_SHORT_SECONDS), about 5 in all.
# Configurations (tests/soak/soakrun.py; SOAK_CONFIGS picks them): each
# plugin under valgrind memcheck, with ASan+UBSan (collectd: the stock
# daemon with clang's ASan runtime by LD_PRELOAD) and under massif; the
# plain collectd.
# `make soak-check` (part of `make check`): 40 s of the memcheck and ASan
# configurations of both plugins, about 4 minutes (SOAK_CHECK_CONFIGS,
# SOAK_CHECK_SECONDS).
# Included by the top-level Makefile.

SOAK_SECONDS       ?= 180
SOAK_SHORT_SECONDS ?= 40
SOAK_CHECK_SECONDS ?= 40
# massif (the heap in use, exact) is left to `make soak`: make check stays
# under 10 minutes.
SOAK_CHECK_CONFIGS ?= netdata-valgrind netdata-asan collectd-valgrind collectd-asan
SOAK_CONFIGS       ?= netdata-valgrind netdata-asan netdata-massif \
	collectd-valgrind collectd-asan collectd-massif collectd-plain
SOAK_ASAN_BUILD    ?= build/asan
SOAK_SAN_FLAGS     := -O1 -g -fno-omit-frame-pointer \
		-fsanitize=address,undefined -fno-sanitize-recover=all

# $(call SOAK_RUN,CONFIGS,SECONDS): one run per configuration, one at a
# time (conftest.py: a lock refuses a second soak on the machine, a
# watchdog bounds each at SECONDS + 300 s, everything started is killed
# at the end, on failure and on a signal too); timeout(1) bounds the whole
# (exec'd, so that make's TERM reaches it; --foreground: a ^C reaches
# pytest; its TERM and INT run the fixtures' clean-up). -s: each test
# prints its figures (heap growth, fds, reads) in a passing run too.
SOAK_RUN = exec env SOAK_CONFIGS="$(1)" SOAK_SECONDS=$(2) BUILD=$(BUILD) \
	ASAN_BUILD=$(SOAK_ASAN_BUILD) CHURN=$(BUILD)/soak/churn \
	PYTHONDONTWRITEBYTECODE=1 \
	timeout --foreground -k 15 $$(( $(words $(1)) * ($(2) + 300) + 60 )) \
	$(PYTHON) -m pytest -q -s -rfEs -p no:cacheprovider tests/soak

.PHONY: soak soak-short soak-check soak-build
soak: soak-build
	$(call SOAK_RUN,$(SOAK_CONFIGS),$(SOAK_SECONDS))

soak-short: soak-build
	$(call SOAK_RUN,$(SOAK_CONFIGS),$(SOAK_SHORT_SECONDS))

soak-check: soak-build
	$(call SOAK_RUN,$(SOAK_CHECK_CONFIGS),$(SOAK_CHECK_SECONDS))

soak-build: $(BUILD)/smaps.plugin $(BUILD)/smaps.so $(BUILD)/soak/churn
	$(MAKE) --no-print-directory BUILD=$(SOAK_ASAN_BUILD) CC=clang \
		CFLAGS="$(SOAK_SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" \
		$(SOAK_ASAN_BUILD)/smaps.plugin $(SOAK_ASAN_BUILD)/smaps.so

# The churn is a workload: never sanitized, whatever CFLAGS say.
$(BUILD)/soak/churn: tests/soak/churn.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -g -Wall -Wextra -Werror -o $@ $<
