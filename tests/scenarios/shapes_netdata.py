#!/usr/bin/env python3
"""shapes_netdata.py PLUGIN WORKLOADS_DIR - the leak shapes of issue 12
(tests/scenarios/shapes.py) through a real Netdata (Debian's 1.37.1) and
its health engine with the shipped alarm templates: every group at once
in one daemon start, smaps.plugin with a 20 s growth window and the
full read every second. The leak rates, floor slopes, Rss, swap and the
per-socket charts are read back from /api/v1/data at the end (every
reading of the run), the alarms from /api/v1/alarms once a second and
from /api/v1/alarm_log. The health file is the shipped one with only
`every:` (1s) and the lookups' durations (-2s) shortened; the test checks
that no other line differs. Everything runs in a temp dir on 127.0.0.1
and unix sockets and is stopped at the end, also on failure; the swap
file is switched off and removed."""

import os
import re
import sys
import threading
import time

sys.dont_write_bytecode = True   # no __pycache__ in the tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration", "netdata"))
import shapes  # noqa: E402
from shapes import MIB, R, RUN, SHAPES, WARM_UP, WINDOW  # noqa: E402
from ndharness import (dump_log, free_port, get, log_problems,  # noqa: E402
                       setup_dirs, short_health, start_netdata, wait_charts)

PLUGIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/smaps.plugin")
WORKLOADS = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "build/netdata-wl")

# signal -> (chart suffix, dimension, factor to bytes); CAT is a category
# or total. The contract of issue 12 (i12a's charts).
CAT_SIGNALS = {"leak_rate": ("leak_rate", 1), "growth": ("growth", 1),
               "steady": ("steadiness", 1),
               "rss": ("rss", MIB), "swap": ("swap", MIB)}
PLAIN_SIGNALS = {"memory_per_socket": ("memory_per_socket", "per_socket", 1),
                 "request_path_leak": ("request_path_leak", "leak", 1)}


def group_patterns(tmp, groups, pids):
    lines = []
    for g in groups:
        svc = SHAPES[g].get("service")
        if svc == "postgres":
            lines.append("%s: '*%s*'" % (g, pids[g]))      # the cluster name
        elif svc == "redis":
            lines.append("%s: pidfile:%s" % (g, pids[g]))
        else:
            lines.append("%s: %s" % (g, shapes.comm(g)))
    return "".join(l + "\n" for l in lines)


def series(port, group, chart, seconds):
    """{dimension: [(unix time, value)]} of smaps.GROUP_CHART, or {}."""
    try:
        d = get(port, "/api/v1/data?chart=smaps.%s_%s&after=-%d&format=json"
                "&options=seconds" % (group, chart, seconds))
    except OSError:
        return {}
    labels = d["labels"][1:]
    out = {}
    for row in sorted(d["data"]):
        for name, v in zip(labels, row[1:]):
            if v is not None:
                out.setdefault(name, []).append((row[0], v))
    return out


def readings(port, groups, t0):
    """{group: {signal: [(t since t0, bytes)]}} of the whole run."""
    span = int(time.time() - t0) + 5
    out = {}
    for g in groups:
        sig = out.setdefault(g, {})
        for name, (chart, factor) in CAT_SIGNALS.items():
            for dim, rows in series(port, g, chart, span).items():
                sig["%s.%s" % (name, dim)] = [(t - t0, v * factor) for t, v in rows if t >= t0]
        for name, (chart, dim, factor) in PLAIN_SIGNALS.items():
            rows = series(port, g, chart, span).get(dim, [])
            sig[name] = [(t - t0, v * factor) for t, v in rows if t >= t0]
    return out


class AlarmWatch(threading.Thread):
    """The leak alarms' states once a second: [(t, group, name, status)]
    of those WARNING or CRITICAL; name as leak_CAT or counter_leak_X."""

    def __init__(self, port, groups, t0):
        super().__init__(daemon=True)
        self.port, self.groups, self.t0 = port, set(groups), t0
        self.raised, self.stopping, self.polls = [], False, 0

    def run(self):
        while not self.stopping:
            try:
                alarms = get(self.port, "/api/v1/alarms?all")["alarms"].values()
                self.polls += 1
            except (OSError, ValueError):
                alarms = []
            for a in alarms:
                m = re.match(r"smaps\.(\w+?)_(counter_)?leak_rate$", a["chart"])
                n = re.match(r"smaps_group_(\w*leak\w*)$", a["name"])
                if m and n and m.group(1) in self.groups and \
                        a["status"] in ("WARNING", "CRITICAL"):
                    self.raised.append((time.time() - self.t0, m.group(1),
                                        n.group(1), a["status"]))
            time.sleep(1)


def check_alarm_log(port, groups):
    log = get(port, "/api/v1/alarm_log?after=0")
    raised = {(e["chart"], e["name"]) for e in log
              if e["status"] in ("WARNING", "CRITICAL") and "leak" in e["name"]}
    for g in groups:
        bad = [x for x in raised if x[0].startswith("smaps.%s_" % g)]
        if SHAPES[g].get("quiet"):
            R.ok(not bad, "alarm_log: no leak alarm for %s: %r" % (g, bad))


def run(tmp, procs, swap):
    groups, pids, sampler = shapes.start_all(procs, tmp, WORKLOADS, swap)
    health, changed = short_health()
    R.ok(changed and all(re.match(r"\s*(every|lookup):", a) for a, _ in changed),
         "only every/lookup lines of the shipped health file shortened: %r" % changed[:3])
    options = "--growth-window %d --full-interval 0" % WINDOW
    if shapes.plugin_has(PLUGIN, "--all-charts"):
        options += " --all-charts"      # the rss chart is read too
    if shapes.plugin_has(PLUGIN, "--warm-up"):
        options += " --warm-up %d" % WARM_UP
    else:
        R.info("this smaps.plugin has no --warm-up: run without it")
    port = free_port()
    conf = setup_dirs(tmp, port, PLUGIN, group_patterns(tmp, groups, pids),
                      options=options, health=health)
    procs.procs.insert(0, start_netdata(tmp, conf))
    want = ["smaps.%s_leak_rate" % g for g in groups]
    if not R.ok(wait_charts(port, want, 30),
                "netdata serves the leak_rate charts of %d groups" % len(groups)):
        return
    t0 = time.time()
    R.info("charts up; %d groups; reading %d s" % (len(groups), RUN))
    watch = AlarmWatch(port, groups, t0)
    watch.start()
    time.sleep(RUN)
    watch.stopping = True
    watch.join()
    R.ok(watch.polls >= RUN * 0.8, "alarms read %d times" % watch.polls)
    sampler.stop()
    data = readings(port, groups, t0)
    shapes.judge(data, watch.raised, shapes.Truth(sampler, t0), groups)
    check_alarm_log(port, groups)
    bad, started = log_problems(tmp)
    R.ok(not bad and started, "error.log: plugin started, no errors: %r" % bad[:3])


if __name__ == "__main__":
    sys.exit(shapes.main("netdata shapes", run, dump_log))
