# tests/soak/soak.mk - the churn soak (tests/soak/README-section.md).
# `make soak`: 3 minutes per configuration (SOAK_SECONDS), about 14 in all;
# `make soak-short`: 40 s each (SOAK_SHORT_SECONDS), about 4 in all.
# Configurations: the netdata plugin under valgrind and built with
# ASan+UBSan, collectd with our plugin under valgrind and with the ASan
# plugin in the stock collectd (clang's ASan runtime by LD_PRELOAD).
# Not part of `make check`. Included by the top-level Makefile.

SOAK_SECONDS       ?= 180
SOAK_SHORT_SECONDS ?= 40
SOAK_ASAN_BUILD    ?= build/asan
SOAK_SAN_FLAGS     := -O1 -g -fno-omit-frame-pointer \
		-fsanitize=address,undefined -fno-sanitize-recover=all

.PHONY: soak soak-short soak-build
soak: soak-build
	BUILD=$(BUILD) ASAN_BUILD=$(SOAK_ASAN_BUILD) CHURN=$(BUILD)/soak/churn \
		sh tests/soak/run.sh $(SOAK_SECONDS)

soak-short: soak-build
	BUILD=$(BUILD) ASAN_BUILD=$(SOAK_ASAN_BUILD) CHURN=$(BUILD)/soak/churn \
		sh tests/soak/run.sh $(SOAK_SHORT_SECONDS)

soak-build: $(BUILD)/smaps.plugin $(BUILD)/smaps.so $(BUILD)/soak/churn
	$(MAKE) --no-print-directory BUILD=$(SOAK_ASAN_BUILD) CC=clang \
		CFLAGS="$(SOAK_SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" \
		$(SOAK_ASAN_BUILD)/smaps.plugin $(SOAK_ASAN_BUILD)/smaps.so

# The churn is a workload: never sanitized, whatever CFLAGS say.
$(BUILD)/soak/churn: tests/soak/churn.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -g -Wall -Wextra -Werror -o $@ $<
