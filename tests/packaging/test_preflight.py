"""test_preflight.py - what the packaging suite needs before it builds or
installs anything, read once at the start (conftest.py's preflight)."""


def test_running_as_root(preflight):
    assert preflight.root, "running as root: the suite installs packages"


def test_tools_present(preflight):
    assert not preflight.missing, \
        "tools present: missing %s: sh .ci/deps" % preflight.missing


def test_no_package_installed_before(preflight):
    assert not preflight.there, "none of the packages installed before the " \
        "test: %s installed: purge them first" % preflight.there
