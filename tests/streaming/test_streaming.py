#!/usr/bin/env python3
"""test_streaming.py PLUGIN WORKLOADS_DIR - smaps.plugin on a child Netdata
that streams to a parent (issue 19, item 7): two real daemons (Debian's
1.37.1, or the 2.x NETDATA names) on 127.0.0.1, each on a free port and in
its own temp tree; the child runs smaps.plugin on a heap leak (1 MiB/s) and
a stable process, and streams to the parent with an API key made for the
run; the parent runs no collector and evaluates the child's charts with
its own health engine (the shipped health.d/smaps.conf, only the
evaluation durations shortened, as in tests/scenarios). The test asserts,
through the parent's API only (/host/CHILD/api/v1/...): the child is
there, its smaps charts are, with their `group` label and dimensions, and
their values are the child's; the parent raises smaps_group_leak_heap on
the leaking group (CRITICAL), not on the stable one. About 30 s.
Everything it starts is stopped at the end, also on failure."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration", "netdata"))
from ndharness import (MAJOR, dump_log, free_port, get, log_problems,  # noqa: E402
                       setup_dirs, short_health, start, start_netdata, stop,
                       texts_differ)
sys.path.insert(0, os.path.join(HERE, "..", "protocol"))
import pluginsd  # noqa: E402

PLUGIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/smaps.plugin")
WORKLOADS = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "build/netdata-wl")
TAG = "%05d" % (os.getpid() % 100000)
CHILD = "smaps-child-" + TAG
LEAK_COMM, STABLE_COMM = "stl" + TAG, "sts" + TAG
RATE_KIB = 1024
WINDOW, WARM_UP = 10, 5
SYSTEM_INFO = "/usr/lib/netdata/plugins.d/system-info.sh"
CHART_OPTIONS = "--all-charts --libs"   # every chart crosses, every text checked
DEADLINE = 40          # seconds for the parent's alarm after the child starts

passed = failed = 0


def ok(cond, what):
    global passed, failed
    if cond:
        passed += 1
        print("ok  ", what)
    else:
        failed += 1
        print("FAIL:", what)
    return cond


# stream.conf of each side: the child sends to the parent with the key;
# the parent accepts that key, keeps the child's metrics in RAM and runs
# health on them. 1.37's keys, and 2.x's where they differ (db, health).
CHILD_STREAM = """[stream]
	enabled = yes
	destination = 127.0.0.1:{port}
	api key = {key}
	timeout seconds = 60
	reconnect delay seconds = 1
	enable compression = no
"""
PARENT_STREAM = """[{key}]
	enabled = yes
	allow from = *
	default history = 600
	default memory mode = ram
	health enabled by default = yes
	default postpone alarms on connect seconds = 0
"""


def setup(tmp, name, port, groups, health, child_of=None, key=None):
    os.makedirs(tmp)
    conf = setup_dirs(tmp, port, PLUGIN, groups, health=health,
                      options="%s --growth-window %d --warm-up %d --full-interval 0"
                      % (CHART_OPTIONS, WINDOW, WARM_UP))
    text = open(conf).read().replace("hostname = smapwatch-test",
                                     "hostname = " + name)
    if child_of is None:            # the parent: no collector at all
        text = text.replace("smaps = yes", "smaps = no")
    else:                           # the child: no health, so any alarm is the parent's
        text = re.sub(r"(\[health\]\n\s*enabled = )yes", r"\g<1>no", text)
    open(conf, "w").write(text)
    # 1.37.1's sender frees the host's system info it url-encodes, or ""
    # when there is none (streaming/sender.c, rrdpush_clean_encoded()):
    # without system-info.sh (Debian's netdata-plugins-bash) in the
    # plugins directory it aborts at its first connection
    # ("munmap_chunk(): invalid pointer").
    if os.path.exists(SYSTEM_INFO):
        shutil.copy(SYSTEM_INFO, os.path.join(tmp, "plugins"))
    stream = (CHILD_STREAM.format(port=child_of, key=key) if child_of
              else PARENT_STREAM.format(key=key))
    open(os.path.join(tmp, "etc", "stream.conf"), "w").write(stream)
    return conf


def child_get(port, path):
    return get(port, "/host/%s%s" % (CHILD, path))


def wait(fn, seconds):
    end = time.monotonic() + seconds
    while True:
        try:
            v = fn()
            if v:
                return v
        except (OSError, ValueError, KeyError):
            pass
        if time.monotonic() > end:
            return None
        time.sleep(0.5)


def run(top, procs):
    key = str(uuid.uuid4())
    health, changed = short_health()
    ok(changed and all("every" in a or "lookup" in a for a, _ in changed),
       "only every/lookup lines of the shipped health file shortened")
    pport, cport = free_port(), free_port()
    groups = "leak: %s\nstable: %s\n" % (LEAK_COMM, STABLE_COMM)
    pconf = setup(os.path.join(top, "parent"), "smaps-parent-" + TAG, pport,
                  "# none\n", health, key=key)
    cconf = setup(os.path.join(top, "child"), CHILD, cport, groups, health,
                  child_of=pport, key=key)
    procs.append(start_netdata(os.path.join(top, "parent"), pconf))
    for exe, comm, rate in (("grow_heap", LEAK_COMM, RATE_KIB),
                            ("grow_heap", STABLE_COMM, 0)):
        procs.append(start([os.path.join(WORKLOADS, exe), "--comm", comm,
                            "--rate", str(rate), "--seconds", "90"],
                           stdout=subprocess.PIPE))
        procs[-1].stdout.readline()
    if not ok(wait(lambda: get(pport, "/api/v1/info"), 20), "the parent is up"):
        return
    t0 = time.monotonic()
    procs.append(start_netdata(os.path.join(top, "child"), cconf))

    want = ["smaps.%s_%s" % (g, c) for g in ("leak", "stable")
            for c in ("pss", "leak_rate", "rss", "duplicate_libs", "libs_rss")]
    charts = wait(lambda: (lambda ch: ch if all(w in ch for w in want) else None)(
        child_get(pport, "/api/v1/charts")["charts"]), 30)
    if not ok(charts, "the parent shows the child's smaps charts (%.1f s)"
              % (time.monotonic() - t0)):
        return
    for g in ("leak", "stable"):
        c = charts["smaps.%s_pss" % g]
        labels = c.get("chart_labels") or c.get("labels") or {}
        ok(labels.get("group") == g and c.get("family") == g
           and sorted(c.get("dimensions", {})) == sorted(
               ["heap", "stack", "anon", "shmem", "binary", "libs", "files",
                "kernel"]),
           "on the parent, smaps.%s_pss has label group=%s, its family and "
           "dimensions: %r %r" % (g, g, labels, sorted(c.get("dimensions", {}))))
    # every text of every chart (the detail ones too) as the plugin sends
    # it, against what the parent stores
    r = subprocess.run(["timeout", "2.5", PLUGIN, "1"] + CHART_OPTIONS.split()
                       + ["--config", os.path.join(top, "child", "etc",
                                                   "smaps_groups.conf")],
                       stdin=subprocess.PIPE, capture_output=True, timeout=20)
    sent = pluginsd.check(r.stdout).charts
    n, differ = texts_differ(sent, child_get(pport, "/api/v1/charts")["charts"])
    ok(len([c for c in sent if c.startswith("smaps.")]) == 2 * 27
       and not differ, "on the parent, %d texts of the child's %d charts as "
       "sent: %r" % (n, len(sent), differ[:3]))
    local = get(pport, "/api/v1/charts")["charts"]
    ok(not any(k.startswith("smaps.") for k in local),
       "the parent itself collects no smaps chart (they are the child's)")

    # the parent's health engine on the child's charts
    name = "smaps.leak_leak_rate.smaps_group_leak_heap"
    stable = "smaps.stable_leak_rate.smaps_group_leak_heap"
    seen, crit_at = set(), None
    end = t0 + DEADLINE
    while time.monotonic() < end:
        try:
            alarms = child_get(pport, "/api/v1/alarms?all")["alarms"]
        except (OSError, ValueError, KeyError):
            alarms = {}
        seen.add(alarms.get(stable, {}).get("status"))
        if alarms.get(name, {}).get("status") == "CRITICAL":
            if crit_at is None:
                crit_at = time.monotonic() - t0
            leak = alarms[name]     # the last reading: the fit has settled
        if crit_at is not None and time.monotonic() - t0 > crit_at + 4:
            break
        time.sleep(1)
    ok(crit_at is not None,
       "the parent raises the child's smaps_group_leak_heap to CRITICAL "
       "(%s s after the child started; value %r B/s, leak %d B/s)"
       % ("%.1f" % crit_at if crit_at else "never",
          leak.get("value") if crit_at else None, RATE_KIB << 10))
    if crit_at is not None:
        ok(abs(leak["value"] - (RATE_KIB << 10)) < 0.15 * (RATE_KIB << 10),
           "its value is the child's leak rate: %r" % leak["value"])
    seen.discard(None)
    ok(seen and seen <= {"CLEAR", "UNINITIALIZED", "UNDEFINED"},
       "the stable group's leak alarm on the parent never raised: %r" % seen)
    d = child_get(pport, "/api/v1/data?chart=smaps.leak_pss&dimensions=heap"
                  "&after=-3&format=json")
    ok(d["data"] and all(r[1] and r[1] > 4 for r in d["data"]),
       "the child's heap figures on the parent (MiB): %r" % d["data"])
    ok("enabled = no" in open(cconf).read().split("[health]")[1][:40],
       "the child runs no health engine: the alarms are the parent's")
    bad, started = log_problems(os.path.join(top, "child"))
    # the sender's own line while it connects, not about the plugin
    bad = [l for l in bad if "not ready - collected metrics are not sent" not in l]
    ok(started and not bad, "the child ran the plugin without errors: %r" % bad[:3])


def main():
    t0 = time.monotonic()
    procs = []
    top = tempfile.mkdtemp(prefix="smaps-stream-")
    try:
        run(top, procs)
    finally:
        for p in reversed(procs):
            stop(p)
        if failed:
            for side in ("parent", "child"):
                if os.path.isdir(os.path.join(top, side, "log")):
                    print("--- %s" % side)
                    dump_log(os.path.join(top, side))
        if not os.environ.get("KEEP_TMP"):
            shutil.rmtree(top, ignore_errors=True)
        else:
            print("kept", top)
    print("netdata streaming (v%d): %d passed, %d failed (%.0f s)"
          % (MAJOR, passed, failed, time.monotonic() - t0))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
