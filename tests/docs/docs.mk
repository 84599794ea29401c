# tests/docs/docs.mk - `make docs-test`: README.md and docs/ against the
# built programs and the sources (tests/docs/, pytest, about 10 s): every
# option of each --help in its man page and docs/reference.md, every
# collectd key of plugins/collectd/conf.c in collectd-smaps(5) and
# docs/collectd.md, every chart smaps.plugin sends and every value a real
# collectd receives from smaps.so in docs/reference.md, every figure of
# docs/performance.md with the command that produced it, and every relative
# link and anchor between README.md and docs/. Included by the Makefile.

.PHONY: docs-test
docs-test: $(BUILD)/smapwatch $(BUILD)/smaps.plugin $(BUILD)/smaps.so
	BUILD=$(BUILD) $(PYTHON) -m pytest -q -p no:cacheprovider tests/docs

# make check's lanes (tests/lanes.sh, branch ci6): docs-test is one of the
# plain build's suites. Unused until that is merged.
CHECK_LANE_2 += docs-test
