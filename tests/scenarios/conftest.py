"""Shared fixtures of the scenario suites (test_scenarios_*.py, ~25-35 s)
and the leak shapes (test_shapes_*.py, ~100 s each): a temp dir and a
process list per module, stopped and removed at the module's end, also on
failure or interrupt. Each test module's own fixture starts its daemon and
workloads once, records every reading, and the test functions judge the
record; nothing is started twice.

A module's daemon run happens in its fixture's setup. The figures the
checks measure (the old scripts' info lines) are listed once each at the
end of every run, passed or failed (figures.py, pytest_terminal_summary
below), and Netdata's log after a failure."""
import atexit
import os
import shutil
import signal
import sys
import tempfile

import pytest

sys.dont_write_bytecode = True   # no __pycache__ in the tree
HERE = os.path.dirname(os.path.abspath(__file__))
for d in (HERE, os.path.join(HERE, "..", "lib"),
          os.path.join(HERE, "..", "integration", "netdata")):
    if d not in sys.path:
        sys.path.insert(0, d)

import shapes  # noqa: E402

ROOT = shapes.ROOT
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))


def _sigterm(*_):
    # a make timeout or a CI cancel: unwind, so that the fixtures'
    # finally: blocks stop what they started
    raise KeyboardInterrupt("SIGTERM")


signal.signal(signal.SIGTERM, _sigterm)


@pytest.fixture(scope="module")
def work(request):
    """(tmp, procs): a temp dir named for the module and a shapes.Procs;
    at the module's end every process stopped (in reverse), the dir
    removed (kept with KEEP_TMP=1). atexit too: an interrupt between
    tests still stops them."""
    name = request.module.__name__.replace("test_", "")
    tmp = tempfile.mkdtemp(prefix="smaps-%s-" % name.replace("_", "-"))
    procs = shapes.Procs()
    atexit.register(procs.stop_all)
    try:
        yield tmp, procs
    finally:
        procs.stop_all()
        atexit.unregister(procs.stop_all)
        if os.environ.get("KEEP_TMP"):
            print("kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def swap(work):
    """The 512 MiB swap file of the pageout shape (its path), or None
    where none can be enabled; switched off and removed at the end."""
    path = shapes.swap_on(work[0])
    atexit.register(shapes.swap_off, path)
    try:
        yield path
    finally:
        shapes.swap_off(path)
        atexit.unregister(shapes.swap_off)


def pytest_terminal_summary(terminalreporter):
    """The run's figures, once each, passed or failed, and the daemon's
    log after a failure (figures.py)."""
    import figures
    if figures.FIGURES:
        terminalreporter.section("figures measured")
        for line in figures.FIGURES:
            terminalreporter.write_line(line)
    for title, text in figures.LOGS:
        terminalreporter.section(title)
        terminalreporter.write(text)
