"""The leak signals through the real Netdata health engine (Debian's netdata 1.37.1): leaking and
non-leaking processes, smaps.plugin with --growth-window 10, and the
alarm templates of packaging/netdata/health.d/smaps.conf. The alarms are
read back from /api/v1/alarms every second and from /api/v1/alarm_log at
the end, the leak rates from /api/v1/data.

The health file is the shipped one with only its evaluation durations
shortened for a 30 s test: `every:` becomes 1s and the lookup's window
-2s. Thresholds, expressions, `foreach` and everything else are the
shipped lines; the test checks that no other line differs.

Expected: the heap leaker (1 MiB/s) goes CRITICAL in heap and total, a slow
heap leaker (2 KiB/s: between 1 and 10 MiB/hour) goes WARNING, a memfd
leaker goes CRITICAL in shmem, the fd and thread leakers raise their
counter alarms; a sawtooth, a warm-up (started
once Netdata runs, so all of it is seen) and a stable process never leave
CLEAR (or the not-yet-evaluated states) and their leak rates stay 0.
Everything it starts runs in a temp dir on 127.0.0.1 and is stopped at
the end, also on failure. The fixture runs Netdata once (about 35 s) and
records what the tests judge. PLUGIN and WORKLOADS (env) name the plugin
and the workloads (BUILD's by default; NETDATA the daemon, ndharness.py);
the make rule is `netdata-scenarios`."""

import json
import os
import re
import subprocess
import time

import pytest

from conftest import BUILD
from figures import info, keep_log
from ndharness import (MAJOR, NETDATA, dump_log, free_port, get, get_raw,
                       log_problems, setup_dirs, short_health, start_netdata,
                       stop, wait_charts)

PLUGIN = os.path.abspath(os.environ.get("PLUGIN", os.path.join(BUILD, "smaps.plugin")))
WORKLOADS = os.path.abspath(os.environ.get("WORKLOADS", os.path.join(BUILD, "netdata-wl")))
TAG = "%04d" % (os.getpid() % 10000)   # process names unique to this run
OBSERVE = 27                            # seconds of alarms read once a second
HEAP_RATE = 1024 * 1024                 # B/s
CATS = ["heap", "stack", "anon", "shmem", "binary", "libs", "files", "kernel"]
QUIET = ("CLEAR", "UNDEFINED", "UNINITIALIZED")

# group -> (workload and arguments); --comm ns<group><TAG> is added
WORKLOAD = {
    "heap": ["grow_heap", "--rate", "1024"],
    "slow": ["grow_heap", "--rate", "2"],
    "memfd": ["scenario", "memfd", "--rate", "1280"],
    "fds": ["scenario", "fds"],
    "threads": ["scenario", "threads"],
    "saw": ["scenario", "sawtooth", "--rate", "2048"],
    "stable": ["scenario", "stable"],
    "warm": ["scenario", "warmup", "--rate", "2048"],   # started later
}
NON_LEAKERS = ("saw", "warm", "stable")
# the leak alarms that must go to a state and stay there
LOUD = [("heap", "smaps_group_leak_heap", "CRITICAL"),
        ("heap", "smaps_group_leak_total", "CRITICAL"),
        ("slow", "smaps_group_leak_heap", "WARNING"),
        ("memfd", "smaps_group_leak_shmem", "CRITICAL"),
        ("fds", "smaps_group_counter_leak_fds", "CRITICAL"),
        ("fds", "smaps_group_counter_leak_sockets", "CRITICAL"),
        ("threads", "smaps_group_counter_leak_threads", "CRITICAL")]
# the right category, the right counters: these stay quiet
STILL = [("heap", "smaps_group_leak_anon"),
         ("heap", "smaps_group_counter_leak_threads"),
         ("slow", "smaps_group_leak_anon"),
         ("memfd", "smaps_group_leak_heap"),
         ("fds", "smaps_group_leak_total"),
         ("fds", "smaps_group_counter_leak_threads")]


def comm(group):
    return ("ns%s%s" % (group, TAG))[:15]


def start_workload(group, procs):
    exe, *args = WORKLOAD[group]
    p = procs.start([os.path.join(WORKLOADS, exe)] + args +
                    ["--comm", comm(group), "--seconds", "60"], stdout=subprocess.PIPE)
    p.stdout.readline()   # "ready PID"


def alarm_states(port):
    """{(group, alarm name): (status, value)} of our leak alarms."""
    out = {}
    for a in get(port, "/api/v1/alarms?all")["alarms"].values():
        m = re.match(r"smaps\.(\w+?)_(counter_)?leak_rate$", a["chart"])
        if m and m.group(1) in WORKLOAD:
            out[(m.group(1), a["name"])] = (a["status"], a["value"])
    return out


def observe(port, t0):
    """Alarm states once a second: [(seconds since start, states)]."""
    seen = []
    for _ in range(OBSERVE):
        time.sleep(1)
        seen.append((time.monotonic() - t0, alarm_states(port)))
    return seen


def series(port, group, chart, seconds):
    d = get(port, "/api/v1/data?chart=smaps.%s_%s&after=-%d&format=json"
            "&options=seconds" % (group, chart, seconds))
    return d["labels"][1:], sorted(r for r in d["data"] if r[1] is not None)


def column(labels_rows, dim):
    labels, rows = labels_rows
    return [r[1 + labels.index(dim)] for r in rows]


class Run:
    pass


@pytest.fixture(scope="module")
def run(request, work):
    """Netdata with the workloads, 27 s of alarm states once a second,
    then the alarm log and the charts' data, recorded; Netdata stopped,
    its error.log read."""
    tmp, procs = work
    assert os.access(PLUGIN, os.X_OK), "%s: no plugin (make netdata-scenarios builds it)" % PLUGIN
    assert os.access(NETDATA, os.X_OK), "%s: no netdata (.ci/deps installs it)" % NETDATA
    r = Run()
    t0 = time.monotonic()
    port = free_port()
    groups = "".join("%s: %s\n" % (g, comm(g)) for g in WORKLOAD)
    health, r.changed = short_health()
    # --warm-up 5: the workloads' own start-up (the sawtooth's block table
    # fills for its first 5 s) is more than the default sixth of this
    # 10 s window, and a ramp over half of it fits a line with r2 0.9
    conf = setup_dirs(tmp, port, PLUGIN, groups,
                      options="--growth-window 10 --full-interval 0 --warm-up 5",
                      health=health)
    for g in WORKLOAD:
        if g != "warm":
            start_workload(g, procs)
    nd = start_netdata(tmp, conf)
    procs.procs.append(nd)
    try:
        assert wait_charts(port, ["smaps.%s_leak_rate" % g for g in WORKLOAD], 20), \
            "netdata serves the leak_rate charts on 127.0.0.1:%d" % port
        start_workload("warm", procs)   # its whole warm-up inside the run
        print("charts at %.1f s; observing %d s" % (time.monotonic() - t0, OBSERVE))
        r.seen = observe(port, t0)
        r.alarm_log = get_raw(port, "/api/v1/alarm_log?after=0")
        r.heap = column(series(port, "heap", "leak_rate", 6), "heap")
        r.slow = column(series(port, "slow", "leak_rate", 6), "heap")
        r.rates = {g: series(port, g, "leak_rate", OBSERVE)[1] for g in NON_LEAKERS}
        r.pss = {g: column(series(port, g, "pss", OBSERVE), "heap") for g in ("saw", "warm")}
        r.saw_growth = column(series(port, "saw", "growth", OBSERVE), "heap")
    except BaseException:
        dump_log(tmp)
        raise
    stop(nd)
    r.log_problems = log_problems(tmp)
    failed = request.session.testsfailed
    yield r
    if request.session.testsfailed > failed:   # for whoever fixes it
        keep_log("netdata error.log after a failure", dump_log, tmp)


def first(seen, group, name, statuses):
    """When the alarm first had one of statuses, or None."""
    return next((round(t, 1) for t, s in seen
                 if s.get((group, name), ("",))[0] in statuses), None)


# ------------------------------------------------------------ the health file

def test_health_only_durations_shortened(run):
    assert run.changed and all(re.match(r"\s*(every|lookup):", a) for a, _ in run.changed), \
        "only every/lookup lines shortened: %r" % run.changed[:3]


def test_health_leak_lookups_shortened(run):
    assert any("unaligned of heap" in b and "-2s" in b for _, b in run.changed), \
        "the leak templates' lookups shortened: %r" % run.changed


# ------------------------------------------------------------ leakers

@pytest.mark.parametrize("group,name,want", LOUD, ids=["%s-%s" % (g, n) for g, n, _ in LOUD])
def test_leak_alarm_raised_and_stayed(run, group, name, want):
    seen, last = run.seen, run.seen[-1][1]
    at = first(seen, group, name, (want,))
    info("%s %s: %s at %s s, last %r" % (group, name, want, at, last.get((group, name))))
    assert at is not None and last.get((group, name), ("",))[0] == want, \
        "%s: %s went %s and stayed: %r" % (group, name, want,
                                           [(round(t), s.get((group, name)))
                                            for t, s in seen][::3])


@pytest.mark.parametrize("group,name", STILL, ids=["%s-%s" % x for x in STILL])
def test_other_alarm_quiet(run, group, name):
    # a reading before the alarm exists is not loud (Netdata 2.x may
    # attach an alarm a cycle after its chart); it must exist by the last
    # reading
    loud = [(round(t), s[(group, name)]) for t, s in run.seen
            if (group, name) in s and s[(group, name)][0] not in QUIET]
    assert (group, name) in run.seen[-1][1] and not loud, \
        "%s: %s stays quiet: %r" % (group, name, loud[:3])


def test_slow_leak_never_critical(run):
    slow = first(run.seen, "slow", "smaps_group_leak_heap", ("CRITICAL",))
    assert slow is None, "slow leak (2 KiB/s) never CRITICAL (at %s)" % slow


def test_heap_leak_rate(run):
    info("heap leak_rate heap %r B/s (true %d)" % (run.heap, HEAP_RATE))
    info("slow leak_rate heap %r B/s (true 2048)" % run.slow)
    assert run.heap and all(0.85 * HEAP_RATE <= v <= 1.15 * HEAP_RATE for v in run.heap), \
        "heap leak_rate within 15%% of %d: %r" % (HEAP_RATE, run.heap)


# ------------------------------------------------------------ non-leakers

@pytest.mark.parametrize("group", NON_LEAKERS)
def test_non_leaker_alarms_quiet(run, group):
    seen = run.seen
    names = {n for g, n in seen[-1][1] if g == group}
    loud = [(round(t), n, s[(g, n)]) for t, s in seen for g, n in s
            if g == group and s[(g, n)][0] not in QUIET]
    states = sorted({s[(g, n)][0] for _, s in seen for g, n in s if g == group})
    info("%s: %d leak alarms, states seen %s" % (group, len(names), states))
    assert len(names) == len(CATS) + 1 + 3 and not loud, \
        "%s: all %d leak alarms quiet at every reading: %r" % (group, len(names), loud[:3])


@pytest.mark.parametrize("group", NON_LEAKERS)
def test_non_leaker_alarms_evaluated(run, group):
    states = sorted({s[(g, n)][0] for _, s in run.seen for g, n in s if g == group})
    assert "CLEAR" in states, "%s: its alarms were evaluated (CLEAR): %s" % (group, states)


@pytest.mark.parametrize("group", NON_LEAKERS)
def test_non_leaker_leak_rate_zero(run, group):
    rows = run.rates[group]
    worst = max((max(r[1:]) for r in rows), default=None)
    assert len(rows) >= OBSERVE - 5 and worst == 0, \
        "%s: leak_rate 0 throughout (%d readings, max %r): (t, values) %r" % (
            group, len(rows), worst, [r for r in rows if max(r[1:]) != 0][:3])


# ...though they moved: the sawtooth and the warm-up grew their heap

@pytest.mark.parametrize("group,low", [("saw", 4 << 20), ("warm", 7 << 20)])
def test_non_leaker_heap_rose(run, group, low):
    top = max(run.pss[group], default=0)
    assert top >= low / 1048576.0, "%s: heap rose to %.1f MiB (at least %.1f)" % (
        group, top, low / 1048576.0)


def test_sawtooth_raw_growth_seen(run):
    top = max((abs(v) for v in run.saw_growth), default=0)
    info("saw growth heap up to %.0f B/s, leak_rate 0" % top)
    assert top > 100000, "saw: a raw growth was seen (%.0f B/s)" % top


# ------------------------------------------------------------ the alarm log

def alarm_log(run):
    if not run.alarm_log.strip() and MAJOR >= 2:
        # 2.10.4 in a test directory answers 200 with an empty body (db =
        # ram or dbengine alike); the alarms read every second above are
        # the check there. 1.37.1 (CI) always answers the log.
        pytest.skip("/api/v1/alarm_log is empty on Netdata %d.x" % MAJOR)
    # the leak alarms only: warm's smaps_group_processes may rightly warn
    # before its process starts
    return {(e["chart"], e["name"]) for e in json.loads(run.alarm_log)
            if e["status"] in ("WARNING", "CRITICAL") and "_leak" in e["name"]}


@pytest.mark.parametrize("group", NON_LEAKERS)
def test_alarm_log_no_leak_alarm(run, group):
    bad = [x for x in alarm_log(run) if x[0].startswith("smaps.%s_" % group)]
    assert not bad, "alarm_log: no leak alarm raised for %s: %r" % (group, bad)


def test_alarm_log_records_heap_leak(run):
    raised = alarm_log(run)
    assert ("smaps.heap_leak_rate", "smaps_group_leak_heap") in raised, \
        "alarm_log records the heap leak: %r" % sorted(raised)


def test_error_log_clean(run):
    bad, started = run.log_problems
    assert not bad and started, "error.log: plugin started, no errors: %r" % bad[:3]
