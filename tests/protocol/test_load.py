"""test_load.py - the smaps function under a burst of calls (issue 18,
defect 12), on the plugin's stdin as Netdata 1.37.1 writes them: every
call answered, chart updates flowing between answers (no gap between two
BEGINs much over the update interval), what waits bounded (503 beyond
it), the log rate-limited, and the function's smaps reads on the plugin's
own cost charts, at most one per process per full interval.

The figures of the issue, one test each: a 20,000-mapping process in a
group, 10 calls in one write (were: 5 answers, a 4 s pause) and 400 calls
(were: no output for 40 s); 3,000 calls of a small group (were: 1,843
ERROR lines).

Run: PLUGIN=build/smaps.plugin MANYMAPS=build/plain/manymaps pytest."""

import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from loadrun import Run, calls  # noqa: E402

PLUGIN = os.environ.get("PLUGIN", "build/smaps.plugin")
MANYMAPS = os.environ.get("MANYMAPS", "build/plain/manymaps")
MAPPINGS = 20000
# One update a second: no gap between BEGINs of more than this (a cycle,
# plus one process's read for an answer, plus a loaded machine's slack).
MAX_GAP = 2.5


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A 20,000-mapping process and a sleeping one, each in a group of
    its own by pidfile (no one else's process can match)."""
    tmp = tmp_path_factory.mktemp("load")
    mm = subprocess.Popen([MANYMAPS, str(MAPPINGS)], stdout=subprocess.PIPE)
    small = subprocess.Popen(["sleep", "600"])
    try:
        assert mm.stdout.readline().startswith(b"ready")
        (tmp / "big.pid").write_text("%d\n" % mm.pid)
        (tmp / "small.pid").write_text("%d\n" % small.pid)
        conf = tmp / "groups.conf"
        conf.write_text("big: pidfile:%s\nsmall: pidfile:%s\n"
                        % (tmp / "big.pid", tmp / "small.pid"))
        yield str(conf)
    finally:
        for p in (mm, small):
            p.kill()
            p.wait()


def start(conf, *extra):
    r = Run([PLUGIN, "1", "--config", conf] + list(extra))
    r.read_for(10, until=lambda r: len(r.begins()) >= 2)
    assert len(r.begins()) >= 2, r.err.decode()[-2000:]
    return r


def answered(n):
    return lambda r: len(r._results) >= n


def function_reads(r):
    """The function's smaps reads, as the cost chart counts them."""
    n, chart = 0, None
    for _, l in r.lines:
        if l.startswith(b"BEGIN "):
            chart = l.split()[1]
        elif chart == b"netdata.smaps_reads" and \
                l.startswith(b"SET function = "):
            n += int(l.split()[3])
    return n


def report(name, r, t0, calls_sent):
    res = [x for x in r.results() if x[0] >= t0]
    st = {}
    for _, _, s in res:
        st[s] = st.get(s, 0) + 1
    gap = r.max_gap(t0)
    last = max((t for t, _, _ in res), default=t0) - t0
    print("info: %s: %d calls, %d answers %r, last after %.1f s, max gap "
          "between updates %.2f s, %d ERROR lines, %d function reads"
          % (name, calls_sent, len(res), st, last, gap,
             len(r.error_lines()), function_reads(r)))
    return res, gap


def test_ten_calls_one_write(big):
    r = start(big)
    try:
        t0 = r.lines[-1][0]
        r.send(calls(10, "smaps group:big"))
        r.read_for(60, until=answered(10))
        r.read_for(2)
        res, gap = report("10 calls of a 20,000-mapping group", r, t0, 10)
        assert len(res) == 10
        assert all(s == 200 for _, _, s in res)
        assert gap < MAX_GAP
        # one fresh read of the process for all ten answers
        assert function_reads(r) == 1
    finally:
        r.stop()


def test_four_hundred_calls(big):
    r = start(big)
    try:
        t0 = r.lines[-1][0]
        r.send(calls(400, "smaps group:big"))
        r.read_for(120, until=answered(400))
        r.read_for(2)
        res, gap = report("400 calls of a 20,000-mapping group", r, t0, 400)
        assert len(res) == 400
        assert {s for _, _, s in res} <= {200, 503}
        assert sum(s == 200 for _, _, s in res) >= 10
        assert gap < MAX_GAP
        assert function_reads(r) == 1
        errs = r.error_lines()
        assert 1 <= len(errs) <= 3, errs
    finally:
        r.stop()


def test_three_thousand_small_calls(big):
    r = start(big)
    try:
        t0 = r.lines[-1][0]
        r.send(calls(3000, "smaps group:small"))
        r.read_for(120, until=answered(3000))
        r.read_for(2)
        res, gap = report("3,000 calls of a small group", r, t0, 3000)
        assert len(res) == 3000
        assert {s for _, _, s in res} <= {200, 503}
        assert gap < MAX_GAP
        errs = r.error_lines()
        assert len(errs) <= 3, errs[:5]
    finally:
        r.stop()


def test_answered_from_the_cycles_read(big):
    """While calls come, the cycle's own full read (every 3 s here)
    refreshes the table: a call after the full interval is answered from
    it, with no read of the function's own; one before it from the table
    the first call read."""
    r = start(big, "--full-interval", "3")
    try:
        r.send(calls(1, "smaps group:big", "a"))
        r.read_for(30, until=answered(1))
        r.send(calls(1, "smaps group:big", "b"))
        r.read_for(30, until=answered(2))
        r.read_for(1.5)
        assert function_reads(r) == 1
        r.read_for(3.5)
        r.send(calls(1, "smaps group:big", "c"))
        r.read_for(30, until=answered(3))
        r.read_for(1.5)
        assert [s for _, _, s in r.results()] == [200, 200, 200]
        assert function_reads(r) == 1
    finally:
        r.stop()
