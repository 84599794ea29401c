# plugins/collectd/collectd.mk - build/smaps.so, the collectd plugin.
# Built against Debian's collectd-dev headers (-isystem: their warnings are
# not ours), the core linked in statically, only module_register exported.

COLLECTD_INC    ?= /usr/include/collectd
COLLECTD_PLUGIN_DIR ?= $(PREFIX)/lib/collectd
COLLECTD_EXAMPLES_DIR ?= $(PREFIX)/share/doc/collectd-plugin-smaps/examples
CD_SRC := $(wildcard plugins/collectd/*.c)
CD_OBJ := $(CD_SRC:%.c=$(BUILD)/obj/%.o)
CD_CFLAGS := -DHAVE_CONFIG_H -isystem $(COLLECTD_INC) -isystem $(COLLECTD_INC)/core \
	-fvisibility=hidden

$(BUILD)/obj/plugins/collectd/%.o: plugins/collectd/%.c $(BUILD)/obj/plugins/collectd/%.d
	@mkdir -p $(dir $@)
	$(CC) $(DEPFLAGS) $(SW_CFLAGS) $(CD_CFLAGS) -c -o $@ $<
	$(DEPDONE)

$(BUILD)/smaps.so: $(CD_OBJ) $(LIB)
	$(CC) $(SW_CFLAGS) -shared -Wl,--exclude-libs,ALL -o $@ $(CD_OBJ) $(LIB) $(LDFLAGS)

PLUGINS += $(BUILD)/smaps.so
INSTALL_EXTRA += install-collectd

.PHONY: install-collectd
install-collectd: $(BUILD)/smaps.so
	install -d $(DESTDIR)$(COLLECTD_PLUGIN_DIR) $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(COLLECTD_EXAMPLES_DIR)
	install -m 0644 $(BUILD)/smaps.so $(DESTDIR)$(COLLECTD_PLUGIN_DIR)/smaps.so
	install -m 0644 plugins/collectd/collectd-smaps.5 $(DESTDIR)$(MANDIR)/man5/collectd-smaps.5
	install -m 0644 packaging/collectd/smaps.conf packaging/collectd/smaps-threshold.conf \
		$(DESTDIR)$(COLLECTD_EXAMPLES_DIR)/

UNINSTALL_EXTRA += uninstall-collectd
.PHONY: uninstall-collectd
uninstall-collectd:
	rm -f $(DESTDIR)$(COLLECTD_PLUGIN_DIR)/smaps.so \
		$(DESTDIR)$(MANDIR)/man5/collectd-smaps.5 \
		$(DESTDIR)$(COLLECTD_EXAMPLES_DIR)/smaps.conf \
		$(DESTDIR)$(COLLECTD_EXAMPLES_DIR)/smaps-threshold.conf
	-rmdir $(DESTDIR)$(COLLECTD_EXAMPLES_DIR) \
		$(DESTDIR)$(patsubst %/,%,$(dir $(COLLECTD_EXAMPLES_DIR))) 2>/dev/null

# ident.c is pure C with no collectd dependency: unit-tested like the core.
$(BUILD)/tests/test_cd_ident: tests/unit/test_cd_ident.c plugins/collectd/ident.c plugins/collectd/ident.h
	@mkdir -p $(dir $@)
	$(CC) $(SW_CFLAGS) -Itests/unit -Iplugins/collectd -DFIXTURES=\"$(CURDIR)/tests/fixtures\" \
		-o $@ $< plugins/collectd/ident.c -lcmocka $(LDFLAGS)

# names.c against collectd's headers, plugin_dispatch_values recorded by the
# test itself.
$(BUILD)/tests/test_cd_names: tests/unit/test_cd_names.c plugins/collectd/names.c plugins/collectd/names.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(SW_CFLAGS) $(CD_CFLAGS) -Itests/unit -Iplugins/collectd -DFIXTURES=\"$(CURDIR)/tests/fixtures\" \
		-o $@ $< plugins/collectd/names.c $(LIB) -lcmocka $(LDFLAGS)

# submit.c against collectd's headers, plugin_dispatch_values recorded by
# the test itself.
$(BUILD)/tests/test_cd_submit: tests/unit/test_cd_submit.c plugins/collectd/submit.c plugins/collectd/names.c plugins/collectd/ident.c plugins/collectd/names.h plugins/collectd/submit.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(SW_CFLAGS) $(CD_CFLAGS) -Itests/unit -Iplugins/collectd -DFIXTURES=\"$(CURDIR)/tests/fixtures\" \
		-o $@ $< plugins/collectd/submit.c plugins/collectd/names.c plugins/collectd/ident.c $(LIB) -lcmocka $(LDFLAGS)
