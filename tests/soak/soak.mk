# tests/soak/soak.mk - the churn soak (README.md, "Soak").
# `make soak`: 3 minutes per configuration (SOAK_SECONDS), about 25 in all;
# `make soak-short`: 40 s each (SOAK_SHORT_SECONDS), about 5 in all.
# Configurations (tests/soak/soak.py): each plugin under valgrind
# memcheck, with ASan+UBSan (collectd: the stock daemon with clang's ASan
# runtime by LD_PRELOAD) and under massif; the plain collectd.
# `make soak-check` (part of `make check`): 40 s of the memcheck and ASan
# configurations of both plugins, about 4 minutes.
# Included by the top-level Makefile.

SOAK_SECONDS       ?= 180
SOAK_SHORT_SECONDS ?= 40
SOAK_CHECK_SECONDS ?= 40
# massif (the heap in use, exact) is left to `make soak`: make check stays
# under 10 minutes.
SOAK_CHECK_CONFIGS ?= netdata-valgrind netdata-asan collectd-valgrind collectd-asan
SOAK_ASAN_BUILD    ?= build/asan
SOAK_SAN_FLAGS     := -O1 -g -fno-omit-frame-pointer \
		-fsanitize=address,undefined -fno-sanitize-recover=all

.PHONY: soak soak-short soak-check soak-build
soak: soak-build
	BUILD=$(BUILD) ASAN_BUILD=$(SOAK_ASAN_BUILD) CHURN=$(BUILD)/soak/churn \
		sh tests/soak/run.sh $(SOAK_SECONDS)

soak-short: soak-build
	BUILD=$(BUILD) ASAN_BUILD=$(SOAK_ASAN_BUILD) CHURN=$(BUILD)/soak/churn \
		sh tests/soak/run.sh $(SOAK_SHORT_SECONDS)

soak-check: soak-build
	SOAK_CONFIGS="$(SOAK_CHECK_CONFIGS)" BUILD=$(BUILD) \
		ASAN_BUILD=$(SOAK_ASAN_BUILD) CHURN=$(BUILD)/soak/churn \
		sh tests/soak/run.sh $(SOAK_CHECK_SECONDS)

soak-build: $(BUILD)/smaps.plugin $(BUILD)/smaps.so $(BUILD)/soak/churn
	$(MAKE) --no-print-directory BUILD=$(SOAK_ASAN_BUILD) CC=clang \
		CFLAGS="$(SOAK_SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" \
		$(SOAK_ASAN_BUILD)/smaps.plugin $(SOAK_ASAN_BUILD)/smaps.so

# The churn is a workload: never sanitized, whatever CFLAGS say.
$(BUILD)/soak/churn: tests/soak/churn.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -g -Wall -Wextra -Werror -o $@ $<
