# cli/report.mk - the report's page (cli/report_page.html, .css, .js)
# compiled into the smapwatch binary as C strings: each line quoted, with
# \ " and ? escaped (? so that no trigraph can form). Included by the
# top-level Makefile.
REPORT_PAGE   := cli/report_page.html cli/report_page.css cli/report_page.js
REPORT_HEADER := $(BUILD)/gen/report_page.h

$(REPORT_HEADER): $(REPORT_PAGE) cli/report.mk
	@mkdir -p $(dir $@)
	@{ echo "/* made from $(REPORT_PAGE) by cli/report.mk: do not edit */"; \
	  for part in html css js; do \
		echo "static const char report_page_$$part[] ="; \
		sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' \
		    -e 's/^/"/' -e 's/$$/\\n"/' cli/report_page.$$part; \
		echo ";"; \
	  done; } > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/cli/report_page.o: $(REPORT_HEADER)
$(BUILD)/obj/cli/report_page.o: SW_CFLAGS += -I$(BUILD)/gen

# The escaping stream's unit test links that file alone (make unit).
$(BUILD)/tests/test_report_escape: tests/unit/test_report_escape.c cli/report_escape.c cli/report.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(SW_CFLAGS) -Icli -o $@ $< cli/report_escape.c $(LIB) -lcmocka $(LDFLAGS)
