"""Shared fixtures of the protocol tests (smaps.plugin alone, no daemon):
the plugin's path, the run's hostile workloads, and a module's temp dir.
The helpers are in plugrun.py (running the plugin) and fakeproc.py (the
hand-made proc trees); pluginsd.py checks the lines the plugin writes.

Run: PLUGIN=build/smaps.plugin WORKLOADS=build/netdata-wl pytest FILES
(the make targets netdata-protocol-1, -2 and -pytest)."""

import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pytest  # noqa: E402

import plugrun  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def plugin():
    """The plugin under test (PLUGIN): missing, every test fails."""
    if not os.access(plugrun.PLUGIN, os.X_OK):
        pytest.fail("PLUGIN %s is not an executable: build it (make "
                    "netdata-protocol-1 does)" % plugrun.PLUGIN)
    return plugrun.PLUGIN


@pytest.fixture(scope="session")
def workloads():
    """One grow_heap per hostile name, growing its heap RATE_KIB KiB/s,
    for the whole run; killed at the end, also on failure or ^C."""
    if not os.access(plugrun.HEAP, os.X_OK):
        pytest.fail("WORKLOADS: %s is not an executable" % plugrun.HEAP)
    procs = []
    try:
        pids = plugrun.start_workloads(procs)
        time.sleep(0.3)
        yield procs, pids
    finally:
        for p in procs:
            p.kill()
            p.wait()


@pytest.fixture
def pids(workloads):
    """The workloads' pids, all still running."""
    procs, pids = workloads
    gone = [p.pid for p in procs if p.poll() is not None]
    assert not gone, "workloads ended before the test (--seconds %s): %r" \
        % (plugrun.SECONDS, gone)
    return pids


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    """A temp dir for a module's fixtures."""
    return str(tmp_path_factory.mktemp("protocol"))
