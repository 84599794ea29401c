#!/usr/bin/env python3
"""test_netdata.py PLUGIN WORKLOADS_DIR - smaps.plugin under a real Netdata
(Debian's netdata 1.37.1): the daemon runs in a temp dir with every other
plugin off, its API on 127.0.0.1, our plugin alone in its plugins
directory, the stock smaps_groups.conf and health.d/smaps.conf in its stock
config, test groups in its user config. The heap and mmap workloads run;
the test asserts through the HTTP API that the charts exist with their
contexts, `group` label and dimensions, that the values track the
workloads, that the function is listed and the alarm templates load (the
leak templates too; the leak signals themselves are tested in
tests/scenarios/netdata_scenarios.py).
Everything it starts is stopped at the end, also on failure."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from tally import Tally
from ndharness import (HERE, PKG, dump_log, get, free_port, log_problems,
                       setup_dirs, start, start_netdata, stop, texts_differ,
                       wait_charts)
import pgcluster
import test_health_keywords
sys.path.insert(0, os.path.join(HERE, "..", "..", "protocol"))
import pluginsd  # noqa: E402

PLUGIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/smaps.plugin")
WORKLOADS = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "build/workloads")
RATE_KIB = 1024
TAG = "%05d" % (os.getpid() % 100000)
HEAP_COMM, MMAP_COMM = "ndh" + TAG, "ndm" + TAG   # unique to this run
CATEGORIES = ["heap", "stack", "anon", "shmem", "binary", "libs", "files",
              "kernel"]
# A group's charts by default (no --all-charts), in their order, and --libs'
CONTEXTS = ["pss", "leak_rate", "counter_leak_rate", "memory_per_socket",
            "request_path_leak", "growth", "steadiness", "processes",
            "threads", "fds", "sockets", "swap", "largest_member_vmas",
            "libs_rss"]
PG_NAME = "ndpg" + TAG             # the PostgreSQL cluster's name
PG_SESSIONS = 4
MIB = 1 << 20

T = Tally(verbose=False)
ok = T.ok


def slope(port, chart, dim, seconds):
    """MiB/s of dim over the last `seconds` stored points."""
    d = get(port, "/api/v1/data?chart=%s&dimensions=%s&after=-%d&format=json"
            "&options=seconds" % (chart, dim, seconds))
    rows = [r for r in d["data"] if r[1] is not None]
    rows.sort()
    if len(rows) < 2:
        return None, rows
    (t0, v0), (t1, v1) = rows[0][:2], rows[-1][:2]
    return (v1 - v0) / (t1 - t0), rows


def check_charts(charts):
    for g in ("heaptest", "mmaptest"):
        for ctx in CONTEXTS:
            c = charts.get("smaps.%s_%s" % (g, ctx), {})
            ok(c.get("context") == "smaps." + ctx and c.get("family") == g,
               "chart smaps.%s_%s context/family: %r %r"
               % (g, ctx, c.get("context"), c.get("family")))
        order = sorted((c["priority"], k[len("smaps.%s_" % g):])
                       for k, c in charts.items() if c.get("family") == g)
        ok([n for _, n in order] == CONTEXTS,
           "%s's section by priority, as stored: %r" % (g, order))
        c = charts.get("smaps.%s_pss" % g, {})
        labels = c.get("chart_labels") or c.get("labels") or {}
        ok(labels.get("group") == g, "label group=%s on %s: %r" % (g, g, labels))
        ok(sorted(c.get("dimensions", {})) == sorted(CATEGORIES),
           "dimensions of smaps.%s_pss: %r" % (g, list(c.get("dimensions", {}))))
        ok(c.get("units") == "MiB" and c.get("chart_type") == "stacked",
           "units and type of smaps.%s_pss" % g)


def check_values(port):
    window = 6
    for chart, grows, flat in (("smaps.heaptest_pss", "heap", "anon"),
                               ("smaps.mmaptest_pss", "anon", "heap")):
        s_grow, rows = slope(port, chart, grows, window)
        s_flat, _ = slope(port, chart, flat, window)
        want = RATE_KIB / 1024.0
        print("info: %s: %s %.3f MiB/s, %s %.3f MiB/s (workload %.2f MiB/s)"
              % (chart, grows, s_grow or 0, flat, s_flat or 0, want))
        ok(s_grow is not None and 0.75 * want <= s_grow <= 1.25 * want,
           "%s %s grows %s MiB/s (want %.2f): %r" % (chart, grows, s_grow,
                                                     want, rows[-3:]))
        ok(s_flat is not None and abs(s_flat) < 0.1 * want,
           "%s %s flat: %s MiB/s" % (chart, flat, s_flat))
    d = get(port, "/api/v1/data?chart=smaps.heaptest_processes&after=-3"
            "&format=json")
    ok(d["data"] and d["data"][0][1] == 1, "one heaptest process: %r"
       % d["data"][:1])


def check_info_and_health(port):
    info = get(port, "/api/v1/info")
    fns = info.get("functions", {})
    ok("smaps" in fns, "function smaps listed in /api/v1/info: %r" % list(fns))
    alarms = get(port, "/api/v1/alarms?all")["alarms"]
    ours = {a["name"] for a in alarms.values() if a["chart"].startswith("smaps.")}
    want = {"smaps_group_swap", "smaps_group_mappings", "smaps_group_processes"}
    want |= {"smaps_group_leak_" + c for c in CATEGORIES + ["total"]}
    want |= {"smaps_group_counter_leak_" + c for c in ("threads", "fds", "sockets")}
    ok(want <= ours, "alarm templates of health.d/smaps.conf apply: %r"
       % sorted(ours))
    key = "smaps.heaptest_processes.smaps_group_processes"
    procs, end = alarms.get(key, {}), time.monotonic() + 20
    while procs.get("status") in ("UNINITIALIZED", "UNDEFINED") \
            and time.monotonic() < end:   # needs 10 s of data, then `every: 10s`
        time.sleep(1)
        procs = get(port, "/api/v1/alarms?all")["alarms"].get(key, {})
    ok(procs.get("status") == "CLEAR" and procs.get("value") == 1,
       "smaps_group_processes on heaptest evaluates to 1, CLEAR: %r %r"
       % (procs.get("status"), procs.get("value")))
    # A leak seen for seconds of a one-hour window is not a leak yet: the
    # window holds one point per 57 s slot, so no fit (the growth charts
    # are gaps) and a leak rate of 0, whose alarm does not fire.
    alarms = get(port, "/api/v1/alarms?all")["alarms"]
    leak = alarms.get("smaps.heaptest_leak_rate.smaps_group_leak_heap", {})
    ok(leak.get("status") in ("UNINITIALIZED", "CLEAR") and not leak.get("value"),
       "heaptest's leak alarm quiet in a 1 h window: %r %r"
       % (leak.get("status"), leak.get("value")))
    rows = lambda chart: get(port, "/api/v1/data?chart=smaps.heaptest_%s"
                             "&dimensions=heap&after=-3&format=json" % chart)["data"]
    g, lr = rows("growth"), rows("leak_rate")
    ok(g and all(r[1] is None for r in g), "no growth fit yet: gaps %r" % g)
    ok(lr and all(r[1] == 0 for r in lr), "leak rate 0 before a fit: %r" % lr)


def proc_sums(name):
    """(Pss, Rss, pids) summed over the processes whose command line holds
    name, read from /proc/PID/smaps_rollup now."""
    pss = rss = 0
    pids = []
    for d in os.listdir("/proc"):
        try:
            if not d.isdigit() or name.encode() not in open(
                    "/proc/%s/cmdline" % d, "rb").read():
                continue
            roll = open("/proc/%s/smaps_rollup" % d).read()
        except OSError:
            continue
        f = dict((m.group(1), int(m.group(2)) << 10) for m in
                 re.finditer(r"^(\w+):\s+(\d+) kB", roll, re.M))
        pss, rss = pss + f.get("Pss", 0), rss + f.get("Rss", 0)
        pids.append(int(d))
    return pss, rss, pids


def check_postgres(port, charts):
    """Item 4 of issue 19 on a real PostgreSQL (128 MB of shared buffers,
    sessions that read the same 84 MB through them): the group's section
    opens on its real memory, Pss by category, whose total is the sum of
    its members' Pss in /proc within 5%; Rss summed over the same
    processes exceeds it by more than the shared buffers (each session's
    backend counts the pages it mapped), which is why the group does not
    open on it."""
    first = min((c["priority"], k) for k, c in charts.items()
                if c.get("family") == "pgtest")
    ok(first[1] == "smaps.pgtest_pss", "pgtest's first chart: %r" % (first,))
    d = get(port, "/api/v1/data?chart=smaps.pgtest_pss&after=-1&points=1"
            "&format=json&options=seconds")
    pss, rss, pids = proc_sums(PG_NAME)
    row = d["data"][0] if d.get("data") else []
    total = sum(v for v in row[1:] if v is not None) * MIB
    print("info: PostgreSQL, %d processes: the chart's Pss total %.1f MiB, "
          "/proc Pss %.1f MiB, /proc Rss summed %.1f MiB"
          % (len(pids), total / MIB, pss / MIB, rss / MIB))
    ok(len(pids) >= PG_SESSIONS + 4 and abs(total - pss) <= 0.05 * pss,
       "pgtest's Pss total %.1f MiB within 5%% of its members' Pss in /proc "
       "(%.1f MiB, %d processes)" % (total / MIB, pss / MIB, len(pids)))
    ok(rss - pss > 128 * MIB,
       "Rss summed (%.1f MiB) exceeds the group's Pss (%.1f MiB) by more than "
       "the 128 MB of shared buffers" % (rss / MIB, pss / MIB))


def plugin_texts(tmp, options=("--libs",)):
    """The texts smaps.plugin sends (CHART and DIMENSION lines) for this
    run's groups, from the plugin run alone for a moment."""
    r = subprocess.run(["timeout", "2.5", PLUGIN, "1"] + list(options) + ["--config",
                        os.path.join(tmp, "etc", "smaps_groups.conf")],
                       stdin=subprocess.PIPE, capture_output=True, timeout=20)
    return pluginsd.check(r.stdout)


def health_infos():
    """{alarm name: its info text} of the shipped health.d/smaps.conf."""
    text = open(os.path.join(PKG, "health.d", "smaps.conf")).read()
    out, name = {}, None
    for _, key, value in test_health_keywords.entries(text):
        if key in ("alarm", "template"):
            name = value
        elif key == "info" and name:
            out[name] = value
    return out


def check_texts(tmp, port, charts):
    """Item 6 of issue 19: every text sent is stored as sent. Chart titles,
    units, families, contexts and dimension names as the plugin writes them
    against /api/v1/charts, and each alarm's info as health.d/smaps.conf
    says it against /api/v1/alarms (1.37 and 2.x drop a quote from a
    config value: "the group's" became "the group s")."""
    n, differ = texts_differ(plugin_texts(tmp).charts, charts)
    ok(n > 100 and not differ, "%d chart texts stored as sent: %r" % (n, differ[:4]))
    infos = health_infos()
    alarms = get(port, "/api/v1/alarms?all")["alarms"].values()
    bad = [(a["name"], infos.get(a["name"]), a.get("info")) for a in alarms
           if a["chart"].startswith("smaps.") and a.get("info") != infos.get(a["name"])]
    ok(len(infos) == 15 and not bad,
       "every alarm's info stored as health.d says it: %r" % bad[:3])


def check_stdout_mode(tmp):
    """Under the real daemon the plugin's stdout is a pipe, and the plugin
    made it non-blocking (a Netdata that stops reading costs skipped
    updates, not a stuck plugin)."""
    exe, pids = os.path.join(tmp, "plugins", "smaps.plugin"), []
    for d in os.listdir("/proc"):
        try:
            if d.isdigit() and os.readlink("/proc/%s/exe" % d) == exe:
                pids.append(d)
        except OSError:
            pass
    if not ok(len(pids) == 1, "one smaps.plugin running: %r" % pids):
        return
    link = os.readlink("/proc/%s/fd/1" % pids[0])
    flags = re.search(r"^flags:\s+([0-7]+)", open("/proc/%s/fdinfo/1" % pids[0])
                      .read(), re.M)
    ok(link.startswith("pipe:") and flags and int(flags.group(1), 8) & os.O_NONBLOCK,
       "stdout a pipe, made non-blocking: %s flags %s"
       % (link, flags.group(1) if flags else None))


def run(tmp, procs):
    port = free_port()
    pg = None
    if pgcluster.available():
        pg = pgcluster.Cluster(tmp, PG_NAME)
        procs.append(pg)
        why = pg.start() or pg.fill() or pg.open_sessions(PG_SESSIONS)
        if not ok(why is None, "PostgreSQL up, filled, %d sessions: %s"
                  % (PG_SESSIONS, why)):
            return
    else:
        print("skipped: the PostgreSQL group (needs root and %s)" % pgcluster.PGBIN)
    conf = setup_dirs(tmp, port, PLUGIN, "heaptest: %s\nmmaptest: %s\n"
                      % (HEAP_COMM, MMAP_COMM)
                      + ("pgtest: *%s*\n" % PG_NAME if pg else ""))
    for exe, comm in (("grow_heap", HEAP_COMM), ("grow_mmap", MMAP_COMM)):
        procs.append(start([os.path.join(WORKLOADS, exe), "--comm", comm,
                            "--rate", str(RATE_KIB), "--seconds", "60"],
                           stdout=subprocess.PIPE))
        procs[-1].stdout.readline()
    nd = start_netdata(tmp, conf)
    procs.insert(0, nd)
    charts = wait_charts(port, ["smaps.heaptest_pss", "smaps.mmaptest_pss"]
                         + (["smaps.pgtest_pss"] if pg else []), 30)
    if not ok(charts, "netdata serves our charts on 127.0.0.1:%d" % port):
        return
    time.sleep(8)
    charts = get(port, "/api/v1/charts")["charts"]
    ours = [k for k in charts if k.startswith("smaps.")]
    print("info: %d smaps charts of %d on the node" % (len(ours), len(charts)))
    ok(len(ours) == (3 if pg else 2) * len(CONTEXTS), "%d charts: %d per group"
       % (len(ours), len(CONTEXTS)))
    check_charts(charts)
    check_values(port)
    if pg:
        check_postgres(port, charts)
    check_info_and_health(port)
    check_texts(tmp, port, charts)
    check_stdout_mode(tmp)
    stop(nd)
    ok(nd.returncode is not None, "netdata stopped")
    bad, started = log_problems(tmp)
    ok(not bad, "no errors about the plugin in error.log: %r" % bad[:3])
    ok(started, "the plugin's start line reaches error.log in Netdata's format")


def main():
    t0 = time.monotonic()
    procs = []
    tmp = tempfile.mkdtemp(prefix="smaps-netdata-")
    try:
        run(tmp, procs)
    finally:
        for p in procs:
            p.stop() if isinstance(p, pgcluster.Cluster) else stop(p)
        if T.failed:
            dump_log(tmp)
        if not os.environ.get("KEEP_TMP"):
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("kept", tmp)
    return T.summary("netdata integration", time.monotonic() - t0)


if __name__ == "__main__":
    sys.exit(main())
