# smapwatch - see README.md. `make`, `make check`, `make bench`,
# `make install` and `make uninstall` (PREFIX, DESTDIR), `make clean`.
# CPPFLAGS, CFLAGS and LDFLAGS are honoured; WERROR=1 makes warnings
# errors, the default in a git checkout (developers, CI) and not in a
# release tarball or a package build (a distribution's newer compiler may
# warn about what ours does not: that is no reason to fail its build).

VERSION   := $(shell sed -n 's/.*SW_VERSION "\(.*\)"/\1/p' include/smapwatch/version.h)
CC        ?= cc
CFLAGS    ?= -O2 -g
BUILD     ?= build
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
# README.md, NEWS and docs/ go to DOCDIR (docs/ as docs/, so that the
# pages' links between them hold).
DOCDIR    ?= $(PREFIX)/share/doc/smapwatch
DOCS      := $(wildcard docs/*.md)
WERROR    ?= $(if $(wildcard .git),1,0)
WARN      := -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) -Wshadow \
	     -Wstrict-prototypes -Wformat=2
# -fPIC: the core is linked into smaps.so as well as into executables.
SW_CFLAGS := -std=c11 -D_GNU_SOURCE -fPIC $(WARN) -Iinclude $(CPPFLAGS) $(CFLAGS)
# Each object's header dependencies, written beside it as it is compiled
# (an object without its .d file is rebuilt, so none is ever missed).
DEPFLAGS   = -MMD -MP -MF $(@:.o=.d)
# clang writes the .d file after the object: each compile rule touches the
# object after, or it is older than its .d and every later clang make
# (make asan's second step, each asan-SUITE) compiled everything again.
DEPDONE    = @touch $@

CORE_SRC  := $(wildcard common/*.c)
CORE_OBJ  := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
CLI_SRC   := $(wildcard cli/*.c)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
LIB       := $(BUILD)/libsmapwatch.a

UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIVE_BIN  := $(BUILD)/tests/live_rollup $(BUILD)/tests/live_cycle
WORKLOADS := $(patsubst tests/workloads/%.c,$(BUILD)/workloads/%,$(wildcard tests/workloads/*.c))

# Each plugin's .mk adds its outputs to PLUGINS, its tests to CHECK_EXTRA
# and its install and uninstall steps to INSTALL_EXTRA, UNINSTALL_EXTRA.
PLUGINS         :=
CHECK_EXTRA     :=
INSTALL_EXTRA   :=
UNINSTALL_EXTRA :=

.PHONY: all check unit live fuzz asan valgrind bench install uninstall clean
all: $(BUILD)/smapwatch plugins

$(BUILD)/obj/%.o: %.c $(BUILD)/obj/%.d
	@mkdir -p $(dir $@)
	$(CC) $(DEPFLAGS) $(SW_CFLAGS) -c -o $@ $<
	$(DEPDONE)

$(BUILD)/obj/%.d: ;
.PRECIOUS: $(BUILD)/obj/%.d

$(LIB): $(CORE_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/smapwatch: $(CLI_OBJ) $(LIB)
	$(CC) $(SW_CFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDFLAGS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/fixture.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(SW_CFLAGS) -Itests/unit -DFIXTURES=\"$(CURDIR)/tests/fixtures\" \
		-o $@ $< $(LIB) -lcmocka -lm $(LDFLAGS)

$(BUILD)/tests/live_rollup: tests/live/live_rollup.c tests/live/live_child.h $(LIB) $(BUILD)/tests/live_child
	$(CC) $(SW_CFLAGS) -DLIVE_CHILD=\"$(CURDIR)/$(BUILD)/tests/live_child\" \
		-o $@ $< $(LIB) -lcmocka -lm $(LDFLAGS)

$(BUILD)/tests/live_cycle: tests/live/live_cycle.c tests/lib/pagemaps.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(SW_CFLAGS) -Itests/lib -o $@ $< $(LIB) -lcmocka $(LDFLAGS)

$(BUILD)/tests/live_million: tests/live/live_million.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(SW_CFLAGS) -o $@ $< $(LIB) -lcmocka $(LDFLAGS)

# Not sanitized: it must be a plain native process whatever the test runs under.
$(BUILD)/tests/live_child: tests/live/live_child.c tests/live/live_child.h tests/lib/pagemaps.h
	@mkdir -p $(dir $@)
	cc -std=c11 -D_GNU_SOURCE $(WARN) -Itests/lib -O2 -pthread -o $@ $<

$(BUILD)/workloads/%: tests/workloads/%.c
	@mkdir -p $(dir $@)
	$(CC) $(SW_CFLAGS) -pthread -o $@ $< $(LDFLAGS)

include cli/report.mk
include plugins/collectd/collectd.mk
include plugins/netdata/netdata.mk
include tests/integration/collectd/collectd-test.mk
CHECK_EXTRA += collectd-test
include tests/packaging/packaging.mk
CHECK_EXTRA += packaging-test soak-check
include tests/soak/soak.mk
include tests/check.mk
include tests/docs/docs.mk
include bench/bench.mk

.PHONY: plugins
plugins: $(PLUGINS)

install: $(BUILD)/smapwatch $(INSTALL_EXTRA)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DOCDIR)/docs
	install -m 0755 $(BUILD)/smapwatch $(DESTDIR)$(BINDIR)/smapwatch
	install -m 0644 cli/smapwatch.1 $(DESTDIR)$(MANDIR)/man1/smapwatch.1
	install -m 0644 README.md NEWS $(DESTDIR)$(DOCDIR)/
	install -m 0644 $(DOCS) $(DESTDIR)$(DOCDIR)/docs/

# Removes what install put there, with the same PREFIX, DESTDIR and
# directories; directories shared with other software stay.
uninstall: $(UNINSTALL_EXTRA)
	rm -f $(DESTDIR)$(BINDIR)/smapwatch $(DESTDIR)$(MANDIR)/man1/smapwatch.1
	rm -f $(DESTDIR)$(DOCDIR)/README.md $(DESTDIR)$(DOCDIR)/NEWS \
		$(DOCS:%=$(DESTDIR)$(DOCDIR)/%)
	-rmdir $(DESTDIR)$(DOCDIR)/docs $(DESTDIR)$(DOCDIR) 2>/dev/null

clean:
	rm -rf $(BUILD) build

-include $(CORE_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(CD_OBJ:.o=.d) $(NETDATA_OBJ:.o=.d)
