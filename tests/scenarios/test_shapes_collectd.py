"""The leak shapes of issue 12 (tests/scenarios/shapes.py) under a real
collectd (Debian's 5.12) with the smaps plugin, a 40 s GrowthWindow,
FullInterval 0, Interval 1, Categories "all" and the shipped threshold
alarms (packaging/collectd/smaps-threshold.conf): every group at once in
one collectd start. Every reading of the run is read back from the csv
plugin, the alarms from the threshold plugin's notifications
in the log. Everything runs in a temp dir and on unix sockets and is
stopped at the end, also on failure; the swap file is switched off and
removed. SMAPS_SO and WORKLOADS (env) name the plugin and the workloads'
directory (BUILD's by default); the make rule is `shapes`. The fixture
runs collectd once (~100 s); every test judges what it recorded."""

import glob
import os
import re
import shutil
import subprocess
import time

import pytest

import judges
import shapes
from conftest import BUILD
from cdconf import csv_rows, write_conf
from figures import info
from shapes import CATS, RUN, SHAPES, WARM_UP, WINDOW

# Every collectd value name this test reads, in one place (issue 15
# renames them): signal -> TYPE-INSTANCE of the csv file; CAT is a
# category or total. "alarm.leak_CAT" is the type instance of a threshold
# notification on a leak rate.
NAMES = {
    "leak_rate.CAT": "gauge-CAT_leak_rate",
    "growth.CAT": "gauge-CAT_growth",
    "steady.CAT": "percent-CAT_steady",
    "rss.CAT": "memory-CAT_rss",
    "swap.CAT": "memory-CAT_swap",
    "memory_per_socket": "bytes-total_per_socket",
    "request_path_leak": "gauge-total_request_path_leak",
    "alarm.leak_CAT": "CAT_leak_rate",
    "alarm.counter_leak_X": "X_leak_rate",     # X: threads, fds, sockets
}
COUNTERS = ["threads", "fds", "sockets"]

SO = os.path.abspath(os.environ.get("SMAPS_SO", os.path.join(BUILD, "smaps.so")))
WORKLOADS = os.path.abspath(os.environ.get("WORKLOADS", os.path.join(BUILD, "workloads")))
HOST = "shapes"


def signal_names():
    """{collectd TYPE-INSTANCE: signal} for every signal of NAMES."""
    out = {}
    for sig, name in NAMES.items():
        if sig.startswith("alarm."):
            continue
        if "CAT" in sig:
            for c in CATS + ["total"]:
                out[name.replace("CAT", c)] = sig.replace("CAT", c)
        else:
            out[name] = sig
    return out


def alarm_names():
    """{notification type_instance: neutral alarm name}."""
    out = {}
    for c in CATS + ["total"]:
        out[NAMES["alarm.leak_CAT"].replace("CAT", c)] = "leak_" + c
    for x in COUNTERS:
        out[NAMES["alarm.counter_leak_X"].replace("X", x)] = "counter_leak_" + x
    return out


def config(tmp, groups, pids, notes):
    lines = []
    for g in groups:
        svc = SHAPES[g].get("service")
        if svc == "postgres":
            lines.append('  ProcessMatch "%s" "%s"' % (g, pids[g]))  # cluster name
        elif svc == "redis":
            lines.append('  PidFile "%s" "%s"' % (g, pids[g]))
        else:
            lines.append('  ProcessMatch "%s" "--comm %s"' % (g, shapes.comm(g)))
    if shapes.plugin_has(SO, "WarmUp"):
        lines.append("  WarmUp %d" % WARM_UP)
    else:
        notes.append("this smaps.so has no WarmUp: run without it")
    lines += ["  GrowthWindow %d" % WINDOW,
              "  FullInterval 0",
              "  SteadyPercent 90",
              "  # every category is judged (the default leaves out binary and kernel)",
              '  Categories "all"']
    return write_conf(tmp, HOST, lines)


def readings(tmp, groups):
    """({group: {signal: [(t, value)]}}, t0): every csv row, t since the
    first reading of any group."""
    names = signal_names()
    raw = {}
    for g in groups:
        for f in glob.glob(os.path.join(tmp, "csv", HOST, "smaps-" + g, "*")):
            name = re.sub(r"-\d{4}-\d\d-\d\d$", "", os.path.basename(f))
            if name in names:
                raw.setdefault(g, {})[names[name]] = csv_rows(
                    os.path.join(os.path.dirname(f), name))
    t0 = min((rows[0][0] for sig in raw.values() for rows in sig.values() if rows),
             default=0)
    return {g: {s: [(t - t0, v) for t, v in rows] for s, rows in sig.items()}
            for g, sig in raw.items()}, t0


def alarms(tmp, t0):
    """([(t, group, name, status)], late) of the threshold plugin's WARNING
    and FAILURE notifications on leak rates (FAILURE as CRITICAL); late:
    (group, value) of its missing-value notices."""
    names, out, late = alarm_names(), [], []
    for line in open(os.path.join(tmp, "log"), errors="replace"):
        m = re.match(r"\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\] Notification: "
                     r"severity = (WARNING|FAILURE), .*plugin = smaps, "
                     r"plugin_instance = ([^,]*), .*type_instance = ([^,]*),", line)
        # collectd's "has not been updated for N seconds" (a value late by
        # two intervals) is about freshness, not a leak: counted apart
        if m and m.group(4) in names and "has not been updated" in line:
            late.append((m.group(3), m.group(4)))
        elif m and m.group(4) in names:
            t = time.mktime(time.strptime(m.group(1), "%Y-%m-%d %H:%M:%S"))
            out.append((t - t0, m.group(3), names[m.group(4)],
                        "CRITICAL" if m.group(2) == "FAILURE" else "WARNING"))
    return out, late


@pytest.fixture(scope="module")
def rec(work, swap):
    """collectd and every shape's workload started once, 95 s of readings
    recorded: a judges.Record (notes: the collectd log)."""
    tmp, procs = work
    assert os.access(SO, os.R_OK), "%s: no plugin (make shapes builds it)" % SO
    groups, pids, sampler = shapes.start_all(procs, tmp, WORKLOADS, swap)
    os.makedirs(os.path.join(tmp, "plugins"))
    for p in ("csv", "logfile", "threshold"):
        shutil.copy("/usr/lib/collectd/%s.so" % p, os.path.join(tmp, "plugins"))
    shutil.copy(SO, os.path.join(tmp, "plugins"))
    notes = []
    conf = config(tmp, groups, pids, notes)
    cd = procs.start(["collectd", "-f", "-C", conf], stdout=subprocess.DEVNULL,
                     stderr=open(os.path.join(tmp, "collectd.err"), "w"))
    first = os.path.join(tmp, "csv", HOST)
    assert shapes.wait_for(first, 20), "collectd writes csv in %s" % first
    print("collectd up; %d groups; reading %d s" % (len(groups), RUN))
    time.sleep(RUN + 2)
    shapes.stop(cd)
    sampler.stop()
    data, t0 = readings(tmp, groups)
    raised, late = alarms(tmp, t0)
    notes.append("missing-value notices (a read late by 2 s, the host's load): %d, %r"
                 % (len(late), sorted(set(g for g, _ in late))))
    for n in notes:
        info(n)
    r = judges.Record(data, raised, shapes.Truth(sampler, t0), groups, notes)
    r.log = open(os.path.join(tmp, "log"), errors="replace").read()
    return r


def test_collectd_log_has_no_plugin_error(rec):
    assert "smaps plugin" not in rec.log or \
        not re.search(r"smaps plugin: .*(error|refus)", rec.log, re.I), \
        "collectd log: no smaps plugin error: %r" % re.findall(r".*smaps plugin: .*", rec.log)[:3]


from shapes_tests import *  # noqa: E402,F401,F403  the judges' tests, shared
