"""test_live_charts.py - smaps.plugin for 5 s on the run's live workloads,
named with spaces, quotes, newlines, '|' and invalid UTF-8, in groups by
command line, pidfile and unit (and a group name nobody should write):
every output line checked against the plugins.d grammar of Netdata 1.37.1
(pluginsd.py), the charts, their values and the heartbeat's alignment;
the function called through stdin exactly as 1.37.1 writes it (FUNCTION
TRANSACTION TIMEOUT "smaps PARAMS"), among a too long and an unknown
line; then stdout closed as when Netdata goes away."""

import json
import os
import subprocess
from types import SimpleNamespace

import pytest

import pluginsd
from plugrun import (GROUP_HOSTILE, HOSTILE, RATE_KIB, SECONDS,
                     SIGNAL_DIMS, SIGNALS, popen, read_for, results,
                     sanitized, stop)


def write_conf(path, pid):
    pidfile = os.path.join(os.path.dirname(path), "one.pid")
    with open(pidfile, "w") as f:
        f.write("%d\n" % pid)
    with open(path, "wb") as f:
        f.write(b"bypidfile: pidfile:" + pidfile.encode() + b"\n"
                b"byunit: unit:no-such-unit.service\n"
                b"# hostile names: matched through the command line\n"
                b"hostile: '*--seconds " + SECONDS.encode() + b"*'\n"
                + GROUP_HOSTILE + b": pipe|*\n"
                b"absent: no-such-process-here\n"
                b"this line has no colon\n")


@pytest.fixture(scope="module")
def live(tmp, workloads):
    """The one run every test here reads: its checked output, answers,
    arrival times, exit status and log."""
    pids = workloads[1]
    conf = os.path.join(tmp, "groups.conf")
    write_conf(conf, pids[1])
    env = dict(os.environ, NETDATA_UPDATE_EVERY="1")
    # --warm-up 0: the workloads started a moment ago, and test_growth
    # wants their growth from the first reading, not after a warm-up
    p = popen(["--all-charts", "--libs", "--named", "--config", conf,
               "--growth-window", "10", "--steady-percent", "90",
               "--full-interval", "0", "--warm-up", "0"], env=env)
    calls = [(3.3, b"X" * 20000 + b"\n"),
             (3.4, b"HELLO there\n"),
             (3.5, b'FUNCTION tx-group 10 "smaps group:hostile"\n'),
             (3.6, b'FUNCTION tx-pid 10 "smaps pid:%d"\n' % pids[0]),
             (3.7, b'FUNCTION tx-help 10 "smaps help"\n'),
             (3.8, b'FUNCTION tx-bad 10 "smaps bogus:1"\n'),
             (3.9, b'FUNCTION tx-nofn 10 "processes"\n'),
             (4.0, b'FUNCTION tx-other 10 "smaps pid:1"\n'),
             (4.1, b'FUNCTION tx-nogroup 10 "smaps group:nope"\n'),
             # no pid as the kernel writes it (the core's one parser)
             (4.2, b'FUNCTION tx-pid0 10 "smaps pid:0%d"\n' % pids[0]),
             (4.3, b'FUNCTION tx-pidplus 10 "smaps pid:+%d"\n' % pids[0])]
    try:
        out, arrivals = read_for(p, 5.0, calls)
        p.stdout.close()      # Netdata went away: EPIPE at the next write
        try:
            rc = p.wait(timeout=5)
        except subprocess.TimeoutExpired:   # judged by test_exit_when_stdout_closed
            rc = "still running 5 s after"
    finally:
        stop(p)
    c = pluginsd.check(out)
    yield SimpleNamespace(c=c, res=results(c), arrivals=arrivals, rc=rc,
                          err=p.stderr.read().decode("utf-8", "replace"),
                          pids=pids)


def last(live, group):
    return live.c.charts["smaps.%s_processes" % group]["values"][-1]


def test_grammar(live):
    c = live.c
    assert not c.problems, "grammar: " + "; ".join(c.problems[:5])


def test_every_group_charted(live):
    groups = {ch["labels"].get("group") for ch in live.c.charts.values()}
    assert sanitized(GROUP_HOSTILE) in groups, \
        "hostile group label sanitized: %r" % groups
    assert b"hostile" in groups and b"absent" in groups, \
        "every group charted: %r" % groups


def test_hostile_group_counts_its_processes(live):
    procs = live.c.charts.get("smaps.hostile_processes", {}).get("values", [])
    assert procs and procs[-1].get("processes") == len(live.pids), \
        "hostile group counts %d processes: %r" % (len(live.pids), procs[-1:])


def test_heap_grows_at_the_workloads_rate(live):
    heap = [v["heap"] for v in
            live.c.charts["smaps.hostile_private_dirty"]["values"]]
    grew = (heap[-1] - heap[0]) / 1024 / len(live.pids) / (len(heap) - 1)
    print("info: hostile group's heap Private_Dirty grows %.0f KiB/s per "
          "process (workload rate %d)" % (grew, RATE_KIB))
    assert 0.7 * RATE_KIB <= grew <= 1.3 * RATE_KIB, \
        "heap grows %.0f KiB/s per process (rate %d): %r" % (grew, RATE_KIB, heap)


def test_begin_microseconds(live):
    dts = live.c.charts["smaps.hostile_rss"].get("dt", [])
    assert dts and all(900000 <= d <= 1100000 for d in dts[1:]), \
        "BEGIN microseconds about 1 s: %r" % dts


def test_contexts(live):
    contexts = {ch["words"][6].decode() for ch in live.c.charts.values()}
    want = {"smaps." + s for s in ("rss", "pss", "uss", "private_dirty", "swap",
            "size", "vmas", "processes", "threads", "fds", "sockets",
            "libs_rss", "named_rss") + SIGNALS}
    assert want <= contexts, "contexts: missing %r" % (want - contexts)


def test_function_registered(live):
    f = live.c.functions
    assert len(f) == 1 and f[0][2] == b"smaps", \
        "FUNCTION GLOBAL smaps registered: %r" % f


@pytest.fixture(scope="module")
def table(live):
    status, ctype, body = live.res.get("tx-group", (0, "", b""))
    assert status == 200 and ctype == "application/json", \
        "group table status: %r %r" % (status, ctype)
    try:
        t = json.loads(body)
    except ValueError as e:
        pytest.fail("group table is JSON: %s" % e)
    print("info: group table: %d rows, %d columns, %d bytes"
          % (len(t["data"]), len(t.get("columns", {})), len(body)))
    return t


def test_table_columns(table):
    cols = list(table.get("columns", {}))
    assert cols[:3] == ["Id", "Pid", "Process"] and "Rss" in cols \
        and "VmFlags" in cols and "Category" in cols, "columns %r" % cols
    short = [r for r in table["data"] if len(r) != len(cols)]
    assert not short, "every row has every column (%d): %r" % (len(cols), short[:2])


def test_table_rows(table, live):
    rows = table["data"]
    names = {r[2].encode("latin-1") for r in rows}
    assert names == set(HOSTILE), "process names survive, escaped: %r" % names
    assert {r[1] for r in rows} == set(live.pids), \
        "rows of every member: %r vs %r" % ({r[1] for r in rows}, live.pids)
    heaps = [r for r in rows if r[7] == "heap"]
    assert len(heaps) == len(live.pids) and all(r[12] >= RATE_KIB for r in heaps), \
        "one [heap] row per process, Private_Dirty >= %d KiB: %r" % (RATE_KIB, heaps)
    ids = [r[0] for r in rows]
    assert len(ids) == len(set(ids)), "unique keys unique: %r" % sorted(ids)


def test_pid_call(live):
    status, _, body = live.res.get("tx-pid", (0, "", b""))
    rows = json.loads(body)["data"] if status == 200 else []
    assert status == 200 and rows and {r[1] for r in rows} == {live.pids[0]}, \
        "pid:N gives that process only: %r %r" % (status, {r[1] for r in rows})


def test_help_call(live):
    got = live.res.get("tx-help", (0, ""))[:2]
    assert got == (200, "text/plain"), "help: %r" % (got,)


@pytest.mark.parametrize("tx,code", [("tx-bad", 400), ("tx-nofn", 404),
                                     ("tx-other", 404), ("tx-nogroup", 400),
                                     ("tx-pid0", 400), ("tx-pidplus", 400)])
def test_refused_call(live, tx, code):
    st, _, body = live.res.get(tx, (0, "", b"{}"))
    assert st == code and json.loads(body).get("status") == code, \
        "%s answers %d (got %d): %r" % (tx, code, st, body[:200])


def test_selectors(live):
    assert last(live, "bypidfile").get("processes") == 1, \
        "pidfile: selects its pid: %r" % last(live, "bypidfile")
    assert last(live, "byunit").get("processes") == 0, \
        "unit: of no process is 0: %r" % last(live, "byunit")


@pytest.mark.parametrize("group", ["hostile", "absent"])
@pytest.mark.parametrize("suffix", SIGNALS)
def test_signal_chart(live, group, suffix):
    """Every group has every signal chart, with Netdata's units and the
    divisor that turns the integers sent into them."""
    units, div, dims = SIGNAL_DIMS[suffix]
    ch = live.c.charts.get("smaps.%s_%s" % (group, suffix), {})
    w = ch.get("words", [b""] * 13)
    got = [(d, int(x[4]), int(x[5])) for d, x in ch.get("dims", {}).items()]
    assert w[4].decode() == units and w[6].decode() == "smaps." + suffix \
        and got == [(d, 1, div) for d in dims] \
        and ch["labels"].get("group") == group.encode(), \
        "%s_%s: units %r, dimensions %r" % (group, suffix, w[4], got)


def test_group_without_processes(live):
    got = {k: live.c.charts["smaps.absent_" + k]["values"][-1] for k in
           ("leak_rate", "counter_leak_rate", "growth", "steadiness")}
    assert set(got["leak_rate"].values()) == {0} \
        and set(got["counter_leak_rate"].values()) == {0}, \
        "a group without processes: leak rates 0 (never a gap): %r %r" \
        % (got["leak_rate"], got["counter_leak_rate"])
    assert set(got["growth"].values()) == {None} \
        and set(got["steadiness"].values()) == {None}, \
        "a group without processes: no fit, gaps: %r %r" \
        % (got["growth"], got["steadiness"])


def test_growth(live):
    """5 s of a 10 s window: the raw growth shows the heap leak from the
    third point, the leak rate stays 0 (the window is not full)."""
    vals = lambda k: live.c.charts["smaps.hostile_" + k]["values"]
    g = [v["heap"] for v in vals("growth")]
    want = RATE_KIB * 1024 * len(live.pids)
    print("info: hostile growth heap %r B/s (workloads %d)" % (g, want))
    assert g[:2] == [None, None] and g[-1] is not None \
        and 0.8 * want <= g[-1] <= 1.2 * want, \
        "growth heap: gaps, then about %d B/s: %r" % (want, g)
    st = vals("steadiness")[-1]
    assert st["heap"] is not None and st["heap"] >= 90000 and st["threads"] == 0, \
        "heap steadiness >= 90%%, flat threads 0: %r" % st
    assert all(v["heap"] == 0 and v["total"] == 0 for v in vals("leak_rate")), \
        "leak rate 0 while the window is not full: %r" % vals("leak_rate")


def test_cycles_aligned_to_the_second(live):
    """Each cycle starts on a whole second of the wall clock (the
    heartbeat), so BEGIN blocks arrive just after it."""
    fr = ["%.3f" % (t % 1.0) for t, chunk in live.arrivals
          if b"BEGIN smaps.hostile_rss " in chunk]
    print("info: cycles arrive %s s after the second" % fr)
    assert len(fr) >= 3 and all(float(f) < 0.35 for f in fr), \
        "cycles aligned to the second: %r" % fr


def test_exit_when_stdout_closed(live):
    assert live.rc == 0, "exit 0 when stdout is closed (got %r)" % live.rc


def test_bad_config_line_logged(live):
    assert "no colon" not in live.err and ":7: no 'group:'" in live.err, \
        "bad config line logged with file:line: %r" % live.err[-2000:]


def test_log_lines_bounded(live):
    long_lines = [l for l in live.err.splitlines() if len(l) >= 300]
    assert not long_lines, "log lines bounded: %r" % [l[:120] for l in long_lines]


def test_bad_requests_logged(live):
    assert "longer than 15360" in live.err and "not FUNCTION" in live.err, \
        "a too long and an unknown request are logged, the next served: %r" \
        % live.err[-2000:]

