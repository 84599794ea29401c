"""ndfixtures.py - the pytest side of the real-Netdata suites, shared by
tests/integration/netdata/conftest.py and tests/streaming/conftest.py
(ndharness.py, which the script suites of tests/scenarios import too,
stays free of pytest):

- PLUGIN and WORKLOADS, the binaries under test (the make rules pass
  PLUGIN=$(BUILD)/smaps.plugin NETDATA_WL=$(NETDATA_WL));
- Started: what a fixture started (netdata, workloads, PostgreSQL),
  stopped in reverse order by its finalizer, also when a test failed;
- note(): a line of measured figures (slopes, PostgreSQL's Pss, the
  streaming times) printed at the end of the run, passed or failed, as
  the scripts printed their "info:" lines;
- on SIGTERM the run stops as on ^C, through the finalizers."""

import os
import signal
import subprocess
import sys

sys.dont_write_bytecode = True

from ndharness import ROOT, dump_log, stop  # noqa: E402

PLUGIN = os.path.abspath(os.path.join(
    ROOT, os.environ.get("PLUGIN", "build/smaps.plugin")))
WORKLOADS = os.path.abspath(os.path.join(
    ROOT, os.environ.get("NETDATA_WL", "build/netdata-wl")))
NOTES = []


def note(msg):
    NOTES.append(msg)


def pytest_terminal_summary(terminalreporter):
    """The figures measured, after pytest's own summary (a conftest
    imports this hook)."""
    if NOTES:
        terminalreporter.section("measured")
        for line in NOTES:
            terminalreporter.write_line(line)


def _interrupt(signum, frame):
    raise KeyboardInterrupt("SIGTERM")


# pytest runs the finalizers on KeyboardInterrupt: a SIGTERM (a lane's
# timeout, a kill) stops the daemons too.
signal.signal(signal.SIGTERM, _interrupt)


class Started:
    """The processes a fixture started, each stopped once by stop_all()
    (netdata with its plugin first, so the plugin does not outlive the
    groups it reads; then the workloads and PostgreSQL)."""

    def __init__(self):
        self.items = []

    def add(self, p):
        self.items.append(p)
        return p

    def stop_all(self):
        while self.items:
            p = self.items.pop()
            if isinstance(p, subprocess.Popen):
                stop(p)
            else:
                p.stop()


def failed_since(request, before):
    """Whether a test failed since the count `before`
    (request.session.testsfailed when the fixture started)."""
    return request.session.testsfailed > before


def note_log(tmp, side=None):
    """Netdata's error.log lines about the plugin, among the notes (for a
    failed run: dump_log's lines, under a line naming the side if given)."""
    import contextlib
    import io
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        dump_log(tmp)
    text = buf.getvalue().rstrip("\n")
    if text:
        if side:
            note("--- " + side)
        NOTES.extend(text.split("\n"))
