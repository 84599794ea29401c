# cli/report.mk - the report's page (cli/report_page.html and .css, and
# its script: cli/report_util.js, report_treemap.js, report_page.js in that
# order) compiled into the smapwatch binary as C strings: each line quoted,
# with \ " and ? escaped (? so that no trigraph can form). Included by the
# top-level Makefile.
REPORT_JS     := cli/report_util.js cli/report_treemap.js cli/report_page.js
REPORT_PAGE   := cli/report_page.html cli/report_page.css $(REPORT_JS)
REPORT_HEADER := $(BUILD)/gen/report_page.h

$(REPORT_HEADER): $(REPORT_PAGE) cli/report.mk
	@mkdir -p $(dir $@)
	@{ echo "/* made from $(REPORT_PAGE) by cli/report.mk: do not edit */"; \
	  for part in html css js; do \
		echo "static const char report_page_$$part[] ="; \
		case $$part in js) files="$(REPORT_JS)";; *) files=cli/report_page.$$part;; esac; \
		cat $$files | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' \
		    -e 's/^/"/' -e 's/$$/\\n"/'; \
		echo ";"; \
	  done; } > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/cli/report_page.o: $(REPORT_HEADER)
$(BUILD)/obj/cli/report_page.o: SW_CFLAGS += -I$(BUILD)/gen

# The escaping stream's unit test links that file alone (make unit).
$(BUILD)/tests/test_report_escape: tests/unit/test_report_escape.c cli/report_escape.c cli/report.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(SW_CFLAGS) -Icli -o $@ $< cli/report_escape.c $(LIB) -lcmocka $(LDFLAGS)
