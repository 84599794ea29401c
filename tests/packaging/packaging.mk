# tests/packaging/packaging.mk - `make packaging-test`: the Debian and RPM
# packages built from the work tree (dpkg-buildpackage, lintian, rpmbuild),
# installed on this machine, run under the stock collectd and Netdata, and
# purged (pytest: tests/packaging/, its conftest.py says what runs when).
# Needs root and .ci/deps' debhelper, lintian, rpm, python3-pytest;
# 100-170 s on 2 cores (2026-12-01, with four other engineers' suites).
# Bounded: the suite stops itself after PACKAGING_SECONDS (230) and purges
# (SIGTERM too: conftest.py's fixtures purge); `timeout` backs it up, and
# cleanup.sh purges whatever is still installed.

PACKAGING_SECONDS ?= 230

.PHONY: packaging-test
packaging-test:
	@PACKAGING_SECONDS=$(PACKAGING_SECONDS) PYTHONDONTWRITEBYTECODE=1 \
		timeout -k 20 $$(($(PACKAGING_SECONDS) + 60)) \
		$(PYTHON) -m pytest -q -rfEs --tb=short -p no:cacheprovider tests/packaging; \
	rc=$$?; sh tests/packaging/cleanup.sh; exit $$rc
