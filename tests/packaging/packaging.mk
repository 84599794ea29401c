# tests/packaging/packaging.mk - `make packaging-test`: the Debian and RPM
# packages built from the work tree (dpkg-buildpackage, lintian, rpmbuild),
# installed on this machine, run under the stock collectd and Netdata, and
# purged (tests/packaging/test_packaging.py says what it checks). Needs
# root and .ci/deps' debhelper, lintian, rpm; about 40 s on 2 cores.
# Bounded: the test stops itself after PACKAGING_SECONDS (230) and purges;
# `timeout` backs it up, and cleanup.sh purges whatever is still installed.

PACKAGING_SECONDS ?= 230

.PHONY: packaging-test
packaging-test:
	@PACKAGING_SECONDS=$(PACKAGING_SECONDS) timeout -k 20 \
		$$(($(PACKAGING_SECONDS) + 60)) python3 tests/packaging/test_packaging.py; \
	rc=$$?; sh tests/packaging/cleanup.sh; exit $$rc
