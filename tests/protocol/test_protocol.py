#!/usr/bin/env python3
"""test_protocol.py PLUGIN WORKLOADS_DIR - smaps.plugin alone, against processes with
hostile names, every output line checked against the plugins.d grammar
(pluginsd.py), and the function called through stdin exactly as Netdata
1.37.1 writes it: FUNCTION TRANSACTION TIMEOUT "smaps PARAMS"."""

import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from tally import Tally  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pluginsd  # noqa: E402

PLUGIN = sys.argv[1] if len(sys.argv) > 1 else "build/smaps.plugin"
WORKLOADS = sys.argv[2] if len(sys.argv) > 2 else "build/workloads"
HEAP = os.path.join(WORKLOADS, "grow_heap")
RATE_KIB = 256
# A run time unique to this test run, so the group's command-line pattern
# matches our workloads and no one else's.
SECONDS = "60.%07d" % os.getpid()   # they live a minute: longer than the tests on them

# Names a process may give itself (PR_SET_NAME, at most 15 bytes).
HOSTILE = [b"sp ace\"q'x", b"pipe|=SET x", b"nl\nBEGIN x", b"bad\xff\xfe\xc3(",
           b"\\u0022;`$"]
# A group name nobody should write, but the config is read as given.
GROUP_HOSTILE = b"we\"ird|grp;x=y\xff"

# The leak-signal charts: context suffix -> (units, divisor, dimensions).
CATS = ["heap", "stack", "anon", "shmem", "binary", "libs", "files", "kernel"]
COUNTERS = ["threads", "fds", "sockets"]
SIGNAL_DIMS = {
    "leak_rate": ("B/s", 1, CATS + ["total"]),
    "growth": ("B/s", 1, CATS + ["total"]),
    "steadiness": ("percentage", 1000, CATS + ["total"] + COUNTERS),
    "counter_leak_rate": ("items/s", 1000, COUNTERS),
    "counter_growth": ("items/s", 1000, COUNTERS),
    "memory_per_socket": ("bytes", 1, ["per_socket"]),
    "request_path_leak": ("B/s", 1, ["leak"]),
    "anon_regions": ("mappings", 1, ["heap", "anon"]),
    "reserved": ("MiB", 1048576, ["heap", "anon"]),
    "largest_member_vmas": ("mappings", 1, ["largest"]),
    "private_dirty_ratio": ("percentage", 1000, CATS + ["total"]),
    "swap_ratio": ("percentage", 1000, CATS + ["total"]),
    "duplicate_libs": ("loads", 1, ["duplicates"]),
}
SIGNALS = tuple(SIGNAL_DIMS)

T = Tally(verbose=False)
ok = T.ok


def start_workloads(procs):
    pids = []
    for name in HOSTILE:
        p = subprocess.Popen([HEAP, "--comm", name, "--rate", str(RATE_KIB),
                              "--seconds", SECONDS], stdout=subprocess.PIPE)
        procs.append(p)
        pids.append(int(p.stdout.readline().split()[1]))
    return pids


def write_conf(path, pid):
    pidfile = os.path.join(os.path.dirname(path), "one.pid")
    open(pidfile, "w").write("%d\n" % pid)
    with open(path, "wb") as f:
        f.write(b"bypidfile: pidfile:" + pidfile.encode() + b"\n"
                b"byunit: unit:no-such-unit.service\n" + b"# hostile names: matched through the command line\n"
                b"hostile: '*--seconds " + SECONDS.encode() + b"*'\n" + GROUP_HOSTILE + b": pipe|*\n"
                b"absent: no-such-process-here\n"
                b"this line has no colon\n")


def read_for(proc, seconds, sends=()):
    """Read stdout for `seconds`, writing each (at, line) of sends."""
    out, t0, sends = b"", time.monotonic(), list(sends)
    arrivals = []
    while time.monotonic() - t0 < seconds:
        while sends and time.monotonic() - t0 >= sends[0][0]:
            proc.stdin.write(sends.pop(0)[1])
            proc.stdin.flush()
        r, _, _ = select.select([proc.stdout], [], [], 0.05)
        if r:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            out += chunk
            arrivals.append((time.time(), chunk))
    return out, arrivals


def sanitized(raw):
    keep = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
               b"0123456789 ()+-./:@_")
    return bytes(c if c in keep else ord("_") for c in raw)


def check_charts(c, pids):
    ok(not c.problems, "grammar: " + "; ".join(c.problems[:5]))
    groups = {ch["labels"].get("group") for ch in c.charts.values()}
    ok(sanitized(GROUP_HOSTILE) in groups,
       "hostile group label sanitized: %r" % groups)
    ok(b"hostile" in groups and b"absent" in groups, "every group charted")
    procs = c.charts.get("smaps.hostile_processes", {}).get("values", [])
    ok(procs and procs[-1].get("processes") == len(pids),
       "hostile group counts %d processes: %r" % (len(pids), procs[-1:]))
    heap = [v["heap"] for v in c.charts["smaps.hostile_private_dirty"]["values"]]
    grew = (heap[-1] - heap[0]) / 1024 / len(pids) / (len(heap) - 1)
    print("info: hostile group's heap Private_Dirty grows %.0f KiB/s per "
          "process (workload rate %d)" % (grew, RATE_KIB))
    ok(0.7 * RATE_KIB <= grew <= 1.3 * RATE_KIB,
       "heap grows %.0f KiB/s per process (rate %d)" % (grew, RATE_KIB))
    dts = c.charts["smaps.hostile_rss"].get("dt", [])
    ok(dts and all(900000 <= d <= 1100000 for d in dts[1:]),
       "BEGIN microseconds about 1 s: %r" % dts)
    contexts = {ch["words"][6].decode() for ch in c.charts.values()}
    want = {"smaps." + s for s in ("rss", "pss", "uss", "private_dirty", "swap",
            "size", "vmas", "processes", "threads", "fds", "sockets",
            "libs_rss", "named_rss") + SIGNALS}
    ok(want <= contexts, "contexts: missing %r" % (want - contexts))
    ok(len(c.functions) == 1 and c.functions[0][2] == b"smaps",
       "FUNCTION GLOBAL smaps registered")


def results(c):
    return {w[1].decode(): (int(w[2]), w[3].decode(), b"\n".join(lines))
            for w, lines in c.results}


def check_table(res, pids):
    status, ctype, body = res.get("tx-group", (0, "", b""))
    ok(status == 200 and ctype == "application/json", "group table status")
    try:
        t = json.loads(body)
    except ValueError as e:
        return ok(False, "group table is JSON: %s" % e)
    cols = list(t.get("columns", {}))
    ok(cols[:3] == ["Id", "Pid", "Process"] and "Rss" in cols
       and "VmFlags" in cols and "Category" in cols, "columns %r" % cols)
    ok(all(len(r) == len(cols) for r in t["data"]), "every row has every column")
    print("info: group table: %d rows, %d columns, %d bytes"
          % (len(t["data"]), len(cols), len(body)))
    names = {r[2].encode("latin-1") for r in t["data"]}
    ok(names == set(HOSTILE), "process names survive, escaped: %r" % names)
    ok({r[1] for r in t["data"]} == set(pids), "rows of every member")
    heaps = [r for r in t["data"] if r[7] == "heap"]
    ok(len(heaps) == len(pids) and all(r[12] >= RATE_KIB for r in heaps),
       "one [heap] row per process, Private_Dirty >= %d KiB" % RATE_KIB)
    ids = [r[0] for r in t["data"]]
    ok(len(ids) == len(set(ids)), "unique keys unique")


def check_others(res, pids):
    status, _, body = res.get("tx-pid", (0, "", b""))
    rows = json.loads(body)["data"] if status == 200 else []
    ok(status == 200 and rows and {r[1] for r in rows} == {pids[0]},
       "pid:N gives that process only")
    ok(res.get("tx-help", (0,))[0] == 200
       and res["tx-help"][1] == "text/plain", "help")
    for tx, code in (("tx-bad", 400), ("tx-nofn", 404), ("tx-other", 404),
                     ("tx-nogroup", 400), ("tx-pid0", 400),
                     ("tx-pidplus", 400)):
        st, _, body = res.get(tx, (0, "", b"{}"))
        ok(st == code and json.loads(body).get("status") == code,
           "%s answers %d (got %d)" % (tx, code, st))


def check_selectors(c):
    last = lambda g: c.charts["smaps.%s_processes" % g]["values"][-1]
    ok(last("bypidfile").get("processes") == 1, "pidfile: selects its pid")
    ok(last("byunit").get("processes") == 0, "unit: of no process is 0")


def check_signal_charts(c):
    """Every group has every signal chart, with Netdata's units and the
    divisor that turns the integers sent into them."""
    for g in ("hostile", "absent"):
        for suffix, (units, div, dims) in SIGNAL_DIMS.items():
            ch = c.charts.get("smaps.%s_%s" % (g, suffix), {})
            w = ch.get("words", [b""] * 13)
            got = [(d, int(x[4]), int(x[5])) for d, x in ch.get("dims", {}).items()]
            ok(w[4].decode() == units and w[6].decode() == "smaps." + suffix
               and got == [(d, 1, div) for d in dims]
               and ch["labels"].get("group") == g.encode(),
               "%s_%s: units %r, dimensions %r" % (g, suffix, w[4], got))
    last = {k: c.charts["smaps.absent_" + k]["values"][-1] for k in
            ("leak_rate", "counter_leak_rate", "growth", "steadiness")}
    ok(set(last["leak_rate"].values()) == {0}
       and set(last["counter_leak_rate"].values()) == {0},
       "a group without processes: leak rates 0 (never a gap): %r"
       % last["leak_rate"])
    ok(set(last["growth"].values()) == {None}
       and set(last["steadiness"].values()) == {None},
       "a group without processes: no fit, gaps: %r" % last["growth"])


def check_growth(c, pids):
    """5 s of a 10 s window: the raw growth shows the heap leak from the
    third point, the leak rate stays 0 (the window is not full)."""
    vals = lambda k: c.charts["smaps.hostile_" + k]["values"]
    g = [v["heap"] for v in vals("growth")]
    want = RATE_KIB * 1024 * len(pids)
    print("info: hostile growth heap %r B/s (workloads %d)" % (g, want))
    ok(g[:2] == [None, None] and g[-1] is not None
       and 0.8 * want <= g[-1] <= 1.2 * want,
       "growth heap: gaps, then about %d B/s: %r" % (want, g))
    st = vals("steadiness")[-1]
    ok(st["heap"] is not None and st["heap"] >= 90000 and st["threads"] == 0,
       "heap steadiness >= 90%%, flat threads 0: %r" % st)
    ok(all(v["heap"] == 0 and v["total"] == 0 for v in vals("leak_rate")),
       "leak rate 0 while the window is not full: %r" % vals("leak_rate")[-1])


def check_alignment(arrivals):
    """Each cycle starts on a whole second of the wall clock (the
    heartbeat), so BEGIN blocks arrive just after it."""
    fr = [t % 1.0 for t, chunk in arrivals if b"BEGIN smaps.hostile_rss " in chunk]
    print("info: cycles arrive %s s after the second" % ["%.3f" % f for f in fr])
    ok(len(fr) >= 3 and all(f < 0.35 for f in fr),
       "cycles aligned to the second: %r" % ["%.3f" % f for f in fr])


def test_running(tmp, pids):
    conf = os.path.join(tmp, "groups.conf")
    write_conf(conf, pids[1])
    env = dict(os.environ, NETDATA_UPDATE_EVERY="1")
    # --warm-up 0: the workloads started a moment ago, and check_growth
    # wants their growth from the first reading, not after a warm-up
    p = subprocess.Popen([PLUGIN, "1", "--all-charts", "--libs", "--named", "--config", conf,
                          "--growth-window", "10", "--steady-percent", "90",
                          "--full-interval", "0", "--warm-up", "0"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env)
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
        c = pluginsd.check(out)
        check_charts(c, pids)
        res = results(c)
        check_table(res, pids)
        check_others(res, pids)
        check_selectors(c)
        check_signal_charts(c)
        check_growth(c, pids)
        check_alignment(arrivals)
        p.stdout.close()      # Netdata went away: EPIPE at the next write
        rc = p.wait(timeout=5)
        err = p.stderr.read().decode("utf-8", "replace")
        ok(rc == 0, "exit 0 when stdout is closed (got %r)" % rc)
        ok("no colon" not in err and ":7: no 'group:'" in err,
           "bad config line logged with file:line")
        ok(all(len(l) < 300 for l in err.splitlines()), "log lines bounded")
        ok("longer than 15360" in err and "not FUNCTION" in err,
           "a too long and an unknown request are logged, the next served")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def as_nobody():
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)


HOSTILE_GROUP = b"hostile: '*--seconds " + SECONDS.encode() + b"*'\n"


class Nobody:
    """A copy of the plugin in a directory nobody may enter, started as
    nobody (needs root)."""

    def __init__(self, prefix):
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        os.chmod(self.tmp, 0o755)
        self.plugin = os.path.join(self.tmp, "smaps.plugin")
        shutil.copy(PLUGIN, self.plugin)
        self.conf = self.put("groups.conf", HOSTILE_GROUP, 0o644)

    def put(self, name, text, mode):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def run(self, args, seconds, probe=None):
        """(exit status, stdout, stderr lines, probe(pid) while running)."""
        p = subprocess.Popen([self.plugin, "1", "--all-charts"] + args, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             preexec_fn=as_nobody)
        seen = None
        try:
            out, _ = read_for(p, seconds)
            if probe and p.poll() is None:
                seen = probe(p.pid)
        finally:
            if p.poll() is None:
                p.kill()
            rc = p.wait()
        err = p.stderr.read().decode("utf-8", "replace").splitlines()
        return rc, out, err, seen

    def close(self):
        shutil.rmtree(self.tmp)


def errors_but(err, expected):
    return [l for l in err if " ERROR " in l and l not in expected]


def test_unprivileged(pids):
    """As nobody, with no capability, on root's processes: each is counted
    unreadable and logged once (over the cycles), with what it needs."""
    if os.geteuid() != 0:
        print("skipped: unprivileged run (needs root to become nobody)")
        return
    nb = Nobody("smaps-nobody-")
    try:
        _, out, err, _ = nb.run(["--config", nb.conf, "--full-interval", "0"],
                                3.5)
        v = pluginsd.check(out).charts.get("smaps.hostile_processes",
                                           {}).get("values", [])
        ok(len(v) >= 2 and all(x == {"processes": len(pids),
                                     "unreadable": len(pids), "failed": 0,
                                     "fds_uncounted": len(pids),
                                     "unreachable": 0}
                                for x in v),
           "as nobody: root's processes counted unreadable: %r" % v)
        denied = [l for l in err if "Permission denied (needs root, or "
                  "CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH" in l]
        fds = [l for l in err if FDS_LINE % (len(pids), len(pids)) in l]
        ok(sorted(int(re.search(r"process (\d+) ", l).group(1))
                  for l in denied) == sorted(pids)
           and len(fds) == 1 and not errors_but(err, denied + fds),
           "as nobody: one line per process, saying what it needs: %r" % err)
    finally:
        nb.close()


FDS_LINE = ("group 'hostile': the open fds of %d of its %d processes cannot "
            "be counted, left out of fds and sockets (needs root, or "
            "CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE")


def test_fds_uncounted(pids):
    """As nobody with CAP_SYS_PTRACE only (no CAP_DAC_READ_SEARCH), on
    root's processes: smaps are read, but /proc/PID/fd may not be listed.
    Their fds are counted as not counted, charted as a gap (not a 0), and
    said in one line for the group (issue 18, defect 8)."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        print("skipped: fds uncounted (needs root and setpriv)")
        return
    nb = Nobody("smaps-nofds-")
    try:
        p = subprocess.Popen(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
             "--inh-caps=+sys_ptrace", "--ambient-caps=+sys_ptrace",
             nb.plugin, "1", "--config", nb.conf, "--full-interval", "0"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        try:
            out, _ = read_for(p, 3.5)
        finally:
            p.kill()
            p.wait()
        err = p.stderr.read().decode("utf-8", "replace").splitlines()
        c = pluginsd.check(out)
        n = len(pids)
        v = c.charts.get("smaps.hostile_processes", {}).get("values", [])
        ok(len(v) >= 2 and all(x == {"processes": n, "unreadable": 0,
                                     "failed": 0, "fds_uncounted": n,
                                     "unreachable": 0}
                                for x in v),
           "CAP_SYS_PTRACE only: smaps read, fds of all %d uncounted: %r"
           % (n, v))
        for chart in ("fds", "sockets"):
            g = c.charts.get("smaps.hostile_" + chart, {}).get("values", [])
            ok(len(g) >= 2 and all(x == {chart: None} for x in g),
               "CAP_SYS_PTRACE only: %s charted as a gap, not 0: %r"
               % (chart, g))
        said = [l for l in err if (FDS_LINE % (n, n)) in l]
        ok(len(said) == 1 and not errors_but(err, said),
           "CAP_SYS_PTRACE only: one line for the group: %r" % err)
    finally:
        nb.close()


def run_nofile(conf, nofile, seconds):
    """The plugin under prlimit --nofile=N:N; (stdout, stderr lines)."""
    p = subprocess.Popen(["prlimit", "--nofile=%d:%d" % (nofile, nofile),
                          PLUGIN, "1", "--config", conf,
                          "--full-interval", "0"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        out, _ = read_for(p, seconds)
    finally:
        p.kill()
        p.wait()
    return out, p.stderr.read().decode("utf-8", "replace").splitlines()


def test_unreachable(tmp):
    """Out of fds (issue 18, defect 17): the plugin keeps stdin, stdout,
    stderr and the proc root open, so with RLIMIT_NOFILE at 5 it starts
    and charts, but every member's /proc/PID open fails with EMFILE. The
    members are then neither processes nor failed (a smaps read that
    failed) but unreachable, said with one line each (rate-limited); with
    room for one more fd, none is. Matched by comm (a name unique to the
    run): a command-line match needs an fd of its own."""
    if not shutil.which("prlimit"):
        print("skipped: unreachable (needs prlimit, util-linux)")
        return
    comm = "swnf%d" % (os.getpid() % 10000000)
    n, procs = 3, []
    try:
        for _ in range(n):
            procs.append(subprocess.Popen(
                [HEAP, "--comm", comm, "--rate", "0", "--seconds", "30"],
                stdout=subprocess.PIPE))
            procs[-1].stdout.readline()
        conf = os.path.join(tmp, "nofile.conf")
        open(conf, "w").write("nf: %s\n" % comm)
        out, err = run_nofile(conf, 5, 3.5)
        c = pluginsd.check(out)
        v = c.charts.get("smaps.nf_processes", {}).get("values", [])
        ok(len(v) >= 2 and all(x == {"processes": 0, "unreadable": 0,
                                     "failed": 0, "fds_uncounted": 0,
                                     "unreachable": n} for x in v),
           "nofile 5: all %d members unreachable: %r" % (n, v))
        said = [l for l in err if "Too many open files" in l
                and "group 'nf'" in l]
        ok(len(said) >= n and not c.problems,
           "nofile 5: the EMFILE said per member, grammar kept: %r"
           % err[:8])
        out, err = run_nofile(conf, 6, 2.5)
        v = pluginsd.check(out).charts.get("smaps.nf_processes",
                                           {}).get("values", [])
        ok(len(v) >= 1 and all(x.get("unreachable") == 0
                               and x.get("processes") == n for x in v),
           "nofile 6: none unreachable: %r" % v)
    finally:
        for p in procs:
            p.kill()
            p.wait()

def test_maps_interval(tmp):
    """--maps-interval: the maps probe between full reads, on the run's
    growing workloads (their VmSize moves, so each probe cycle reads their
    maps). At --full-interval 6 the default probes every cycle: 0 must
    turn that off; 1 at the default --full-interval 60 (probe every 10 s)
    must read maps every cycle. Bad values refused with one line."""
    conf = os.path.join(tmp, "maps.conf")
    open(conf, "w").write("hostile: '*--seconds %s*'\n" % SECONDS)
    seen = {}
    for every, full in (("1", "60"), ("0", "6")):
        p = subprocess.Popen([PLUGIN, "1", "--config", conf,
                              "--full-interval", full,
                              "--maps-interval", every],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        try:
            out, _ = read_for(p, 3.5)
        finally:
            p.kill()
            p.wait()
        c = pluginsd.check(out)
        seen[every] = [r.get("maps") for r in
                       c.charts.get("netdata.smaps_reads", {}).get("values", [])]
    n = len(HOSTILE)
    # a cycle where no member's VmSize moved (brk grows in steps) reads
    # none: every probe cycle reads all or none, most read all
    ok(len(seen["1"]) >= 3 and set(seen["1"]) <= {0, n}
       and seen["1"].count(n) >= 2,
       "--maps-interval 1: the %d members' maps read at most cycles: %r"
       % (n, seen["1"]))
    ok(len(seen["0"]) >= 3 and all(m == 0 for m in seen["0"]),
       "--maps-interval 0: maps never read: %r" % seen["0"])
    for bad in (["--maps-interval", "-1"], ["--maps-interval", "1.5"],
                ["--maps-interval", "86401"], ["--maps-interval"]):
        rc, out, err = run_disabled(bad)
        lines = err.strip().splitlines()
        ok(rc == 1 and out == b"" and len(lines) == 1
           and "--maps-interval" in lines[0],
           "%r refused with one line: %d %r" % (bad, rc, err))


def test_hidepid(pids):
    """As nobody on a proc mounted hidepid=1, root's processes are listed
    but closed: counted as hidden, said once, never an error per cycle."""
    if os.geteuid() != 0:
        print("skipped: hidepid=1 run (needs root to mount proc)")
        return
    nb = Nobody("smaps-hidepid-")
    hp = os.path.join(nb.tmp, "proc")
    os.makedirs(hp)
    if subprocess.run(["mount", "-t", "proc", "-o", "hidepid=1", "proc", hp],
                      stderr=subprocess.DEVNULL).returncode:
        print("skipped: hidepid=1 run (cannot mount proc here)")
        nb.close()
        return
    try:
        _, out, err, _ = nb.run(["--config", nb.conf, "--proc-root", hp], 3.5)
        c = pluginsd.check(out)
        hidden = [v.get("hidden") for v in
                  c.charts.get("netdata.smaps_skipped", {}).get("values", [])]
        procs = c.charts.get("smaps.hostile_processes", {}).get("values", [])
        said = [l for l in err if "may not be looked at (hidepid=1?)" in l]
        ok(len(hidden) >= 2 and all(h and h >= len(pids) for h in hidden)
           and procs and all(v["processes"] == 0 for v in procs)
           and len(said) == 1 and not errors_but(err, said),
           "hidepid=1, as nobody: root's processes hidden %r, in no group, "
           "one line: %r" % (hidden, err))
    finally:
        subprocess.run(["umount", hp])
        nb.close()


def ids_and_caps(pid):
    text = open("/proc/%d/status" % pid).read()
    return (re.search(r"^Uid:\s+(.*)$", text, re.M).group(1).split(),
            re.search(r"^CapEff:\s+(\S+)$", text, re.M).group(1))


def test_privileged(pids, how):
    """Given the package's rights (setcap, or setuid root where it cannot),
    started by nobody: root's processes are read (the rights work), it runs
    as nobody with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH only (setuid root
    brought down to that), and a groups file, a pidfile or a proc root that
    nobody could not use is refused (the rights are not lent)."""
    nb = Nobody("smaps-%s-" % how)
    try:
        if os.statvfs(nb.tmp).f_flag & os.ST_NOSUID:
            print("skipped: %s run (%s is mounted nosuid)" % (how, nb.tmp))
            return
        if how == "setcap":
            r = subprocess.run(["setcap", "cap_dac_read_search,cap_sys_ptrace+ep",
                                nb.plugin], capture_output=True)
            if r.returncode:
                print("skipped: setcap run (%r)" % r.stderr)
                return
        else:
            os.chmod(nb.plugin, 0o4755)
        secret_conf = nb.put("secret.conf", HOSTILE_GROUP, 0o600)
        os.makedirs(os.path.join(nb.tmp, "closed"), mode=0o700)
        closed_conf = nb.put("closed/groups.conf", HOSTILE_GROUP, 0o644)
        conf = nb.put("groups.conf", HOSTILE_GROUP +
                      b"pf: pidfile:" + nb.put("root.pid", b"%d\n" % pids[0],
                                               0o600).encode() +
                      b"\npw: pidfile:" + nb.put("world.pid", b"%d\n" % pids[1],
                                                0o644).encode() + b"\n", 0o644)
        for bad in (secret_conf, closed_conf):
            rc, out, err, _ = nb.run(["--config", bad], 2)
            ok(rc == 1 and out == b"DISABLE\n" and any(
                "Permission denied: cannot read the groups file" in l
                for l in err),
               "%s, as nobody: a groups file nobody may not read refused "
               "(%s): %r %r" % (how, os.path.basename(bad), rc, err))
        fake = os.path.join(nb.tmp, "fakeproc")
        os.makedirs(fake)
        rc, out, err, _ = nb.run(["--config", conf, "--proc-root", fake], 2)
        ok(rc == 1 and out == b"DISABLE\n" and any(
            "not the root of a proc file system" in l for l in err),
           "%s: proc root %s (not proc's root) refused: %r %r"
           % (how, fake, rc, err))
        # Opened with nobody's rights: a directory nobody may not enter
        # answers the same whether what is asked for exists or not (the
        # raised rights are no oracle), and so does root's /proc/1/fd.
        os.makedirs(os.path.join(nb.tmp, "closed", "proc"))
        said = []
        for root in (os.path.join(nb.tmp, "closed", "proc"),
                     os.path.join(nb.tmp, "closed", "none"), "/proc/1/fd"):
            rc, out, err, _ = nb.run(["--config", conf, "--proc-root", root], 2)
            said.append([l.split("]")[-1].split(": ", 1)[-1] for l in err
                         if "disabling" in l])
            ok(rc == 1 and out == b"DISABLE\n" and any(
                "Permission denied: the proc root" in l for l in err),
               "%s: proc root %s, closed to nobody, refused as such: %r %r"
               % (how, root, rc, err))
        ok(said[0] == said[1],
           "%s: the same words for what exists and what does not in a "
           "closed directory: %r" % (how, said))
        rc, out, err, _ = nb.run(["--config", conf, "--proc-root",
                                  "/proc/self/.."], 2)
        ok(rc != 1 and b"BEGIN smaps.hostile_rss" in out
           and any("reading /proc every" in l for l in err),
           "%s: /proc/self/.. is proc's root, taken as /proc: %r %r"
           % (how, rc, err[:2]))
        rc, out, err, seen = nb.run(["--config", conf, "--full-interval", "0"],
                                    3.5, ids_and_caps)
        c = pluginsd.check(out)
        last = lambda g: c.charts.get("smaps.%s_processes" % g,
                                      {}).get("values", [{}])[-1]
        ok(seen == (["65534"] * 4, "0000000000080004"),
           "%s: runs as nobody with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH "
           "only: %r" % (how, seen))
        ok(last("hostile") == {"processes": len(pids), "unreadable": 0,
                               "failed": 0, "fds_uncounted": 0,
                               "unreachable": 0}
           and last("pw").get("processes") == 1
           and last("pf").get("processes") == 0,
           "%s, as nobody: root's processes read, the world-readable "
           "pidfile followed, the root-only one not: %r %r %r"
           % (how, last("hostile"), last("pw"), last("pf")))
        lines = [l for l in err if "pidfile not followed" in l]
        ok(len(lines) == 1 and "group 'pf'" in lines[0]
           and "Permission denied" in lines[0]
           and any("rights of uid 65534" in l for l in err),
           "%s: one line for the refused pidfile: %r" % (how, err))
    finally:
        nb.close()


def run_disabled(args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETDATA_")}
    env.update(env_extra or {})
    r = subprocess.run([PLUGIN, "1"] + args, stdin=subprocess.DEVNULL,
                       capture_output=True, env=env, timeout=10)
    return r.returncode, r.stdout, r.stderr.decode("utf-8", "replace")


def test_disable(tmp):
    empty = os.path.join(tmp, "empty.conf")
    open(empty, "w").write("# nothing\n")
    good = os.path.join(tmp, "groups.conf")
    for args, env, why in (
            (["--config", empty], None, "no valid group"),
            (["--config", good, "--proc-root", tmp + "/none"], None,
             "cannot read the proc root"),
            ([], {"NETDATA_USER_CONFIG_DIR": tmp + "/none"}, "smaps_groups.conf"),
            (["--config", good], {"NETDATA_HOST_PREFIX": tmp + "/none"},
             "cannot read the proc root")):
        rc, out, err = run_disabled(args, env)
        ok(rc == 1 and out == b"DISABLE\n" and why in err,
           "DISABLE when %s (rc %d, out %r, err %r)" % (why, rc, out, err))
    rc, out, _ = run_disabled(["--bogus"])
    ok(rc == 1 and out == b"", "unknown option refused")
    for bad in (["--growth-window", "9"], ["--growth-window", "x"],
                ["--steady-percent", "0"], ["--steady-percent", "101"],
                ["--warm-up", "-1"], ["--warm-up", "604801"],
                ["--growth-window"]):
        rc, out, err = run_disabled(bad)
        ok(rc == 1 and out == b"" and bad[0] in err,
           "%r refused: %d %r" % (bad, rc, err))
    rc, out, _ = run_disabled(["--help"])
    ok(rc == 0 and b"--libs" in out and b"--named" in out
       and b"--growth-window" in out and b"--steady-percent" in out
       and b"--warm-up" in out and b"--maps-interval" in out
       # the budget is the reading thread's CPU time, not the wall clock
       and b"costs more CPU time of the\n                    reading thread"
       in out, "--help")
    rc, out, _ = run_disabled(["--version"])
    ok(rc == 0 and out.startswith(b"smaps.plugin "), "--version")


def test_host_prefix(tmp, pids):
    """NETDATA_HOST_PREFIX/proc is the proc root (the host's /proc seen
    from a container); here a link to /proc."""
    os.makedirs(os.path.join(tmp, "host"))
    os.symlink("/proc", os.path.join(tmp, "host", "proc"))
    env = dict(os.environ, NETDATA_HOST_PREFIX=os.path.join(tmp, "host"))
    p = subprocess.Popen([PLUGIN, "1", "--all-charts", "--config", os.path.join(tmp, "groups.conf"),
                          "--full-interval", "0"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env)
    try:
        out, _ = read_for(p, 1.5)
    finally:
        p.kill()
        p.wait()
    err = p.stderr.read().decode("utf-8", "replace")
    c = pluginsd.check(out)
    v = c.charts.get("smaps.hostile_processes", {}).get("values", [{}])
    ok("reading %s/host/proc " % tmp in err and v[-1].get("processes") == len(pids),
       "NETDATA_HOST_PREFIX honoured: %r" % v[-1:])


# A proc tree made here: one process whose library paths and named regions
# carry quotes, spaces, '|', '=' and the kernel's escaped newline (\012),
# so the per-library and per-region charts and the table see them.
FAKE_LIBS = [(b"/usr/lib/libc.so.6", 100), (b"/opt/x y/li'b\"q|=.so.1", 40),
             (b"/opt/nl\\012BEGIN x.so", 8)]
FAKE_NAMED = [(b"[anon:my \"region\"|x]", 24), (b"[anon:plain]", 4)]


def fake_mapping(addr, perms, ino, name, kib, dirty):
    return (b"%012x-%012x %s 00000000 fe:00 %d %s\nSize: %d kB\nRss: %d kB\n"
            b"Private_Clean: %d kB\nPrivate_Dirty: %d kB\nVmFlags: rd mr\n"
            % (addr, addr + kib * 1024, perms, ino, name, kib, kib,
               0 if dirty else kib, kib if dirty else 0))


def make_fake_proc(root):
    d = os.path.join(root, "42")
    os.makedirs(os.path.join(d, "fd"))
    open(os.path.join(d, "stat"), "wb").write(
        b"42 (fa) ke\nx) S 1 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 3 0 777 3592192 599\n")
    open(os.path.join(d, "cmdline"), "wb").write(b"fakeproc-marker\0--x\0")
    os.symlink("/opt/fake/bin/fake", os.path.join(d, "exe"))
    os.symlink("socket:[1234]", os.path.join(d, "fd", "3"))
    os.symlink("/dev/null", os.path.join(d, "fd", "0"))
    smaps, addr = fake_mapping(0x55d0c1000000, b"rw-p", 0, b"[heap]", 800, 1), 0x7f0000000000
    for i, (name, kib) in enumerate(FAKE_LIBS):
        smaps += fake_mapping(addr, b"r-xp", 100 + i, name, kib, 0)
        addr += 0x1000000
    for name, kib in FAKE_NAMED:
        smaps += fake_mapping(addr, b"rw-p", 0, name, kib, 1)
        addr += 0x1000000
    open(os.path.join(d, "smaps"), "wb").write(smaps)
    open(os.path.join(d, "status"), "wb").write(
        b"Name:\tfa) ke\nUid:\t0\t0\t0\t0\nVmRSS:\t     900 kB\n"
        b"RssAnon:\t     850 kB\nRssFile:\t      50 kB\nRssShmem:\t"
        b"       0 kB\nVmSwap:\t      12 kB\n")
    bad = os.path.join(root, "43")       # matched, but its smaps is malformed
    os.makedirs(os.path.join(bad, "fd"))
    open(os.path.join(bad, "stat"), "wb").write(
        b"43 (bad) S 1 43 43 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 778 3592192 599\n")
    open(os.path.join(bad, "cmdline"), "wb").write(b"fakeproc-marker\0")
    open(os.path.join(bad, "smaps"), "wb").write(b"Size: 4 kB\n")


def run_fake(tmp, extra, sends=(), all_charts=True):
    root = os.path.join(tmp, "fakeproc")
    if not os.path.isdir(root):
        make_fake_proc(root)
    conf = os.path.join(tmp, "fake.conf")
    open(conf, "w").write("fake: *fakeproc-marker*\n")
    return run_plugin(["--config", conf, "--proc-root", root]
                      + (["--all-charts"] if all_charts else []) + extra,
                      2.3, sends)


def run_plugin(args, seconds, sends=()):
    """The plugin at update every 1 with args for `seconds`: its output
    checked (pluginsd.check), with its stderr as .stderr."""
    p = subprocess.Popen([PLUGIN, "1"] + args, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, _ = read_for(p, seconds, sends)
    finally:
        p.kill()
        p.wait()
    c = pluginsd.check(out)
    c.stderr = p.stderr.read().decode("utf-8", "replace")
    return c


def test_tiering(tmp):
    """The defaults (--full-interval 60 at update every 1): smaps of the
    fake tree's processes are read on the first cycle only, their status
    every cycle; the plugin's own cost charts say so."""
    c = run_fake(tmp, [])
    ok(not c.problems, "tiering grammar: %r" % c.problems[:3])
    reads = c.charts.get("netdata.smaps_reads", {}).get("values", [])
    ok(len(reads) >= 2 and reads[0]["full"] > 0 and reads[0]["status"] > 0
       and all(r["full"] == 0 and r["status"] == reads[0]["status"]
               for r in reads[1:]),
       "defaults: smaps read on the first cycle only, status every cycle: %r"
       % reads)
    kib = c.charts.get("netdata.smaps_read_bytes", {}).get("values", [])
    ok(kib and kib[0]["smaps"] > 0 and all(k["smaps"] == 0 for k in kib[1:]),
       "smaps bytes only on the full read: %r" % kib)
    c = run_fake(tmp, ["--full-interval", "0"])
    reads = c.charts.get("netdata.smaps_reads", {}).get("values", [])
    ok(len(reads) >= 2 and all(r["full"] == reads[0]["full"] > 0 for r in reads),
       "--full-interval 0: smaps every cycle: %r" % reads)
    for bad in (["--full-interval", "-1"], ["--read-budget-ms", "x"],
                ["--allow-large"]):
        r = subprocess.run([PLUGIN, "1"] + bad, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=10)
        ok(r.returncode == 1 and b"bad or missing value" in r.stderr,
           "refused: %s" % " ".join(bad))


def test_function_cap(tmp, pids):
    """The drill-down table keeps to the Rss cap: with a cap of 1 MiB the
    workloads (several MiB each) are capped, the table asked for has no row
    of theirs and each is logged once; with --allow-large it has them."""
    conf = os.path.join(tmp, "cap.conf")
    open(conf, "wb").write(b"hostile: '*--seconds " + SECONDS.encode() + b"*'\n")
    call = [(2.2, b'FUNCTION tx-cap 10 "smaps group:hostile"\n'),
            (2.4, b'FUNCTION tx-cap2 10 "smaps group:hostile"\n')]
    for extra, capped in (([], True), (["--allow-large", "hostile"], False)):
        p = subprocess.Popen([PLUGIN, "1", "--all-charts", "--config", conf, "--rss-cap-mib",
                              "1", "--full-interval", "0"] + extra,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        try:
            out, _ = read_for(p, 3.0, call)
        finally:
            p.kill()
            p.wait()
        err = p.stderr.read().decode("utf-8", "replace")
        c = pluginsd.check(out)
        res = results(c)
        ok(all(res.get(tx, (0,))[0] == 200 for tx in ("tx-cap", "tx-cap2")),
           "function: both calls answered 200: %r"
           % {k: v[0] for k, v in res.items()})
        rows = [{r[1] for r in json.loads(res.get(tx, (0, "", b"{}"))[2])
                 .get("data", [])} for tx in ("tx-cap", "tx-cap2")]
        said = [l for l in err.splitlines()
                if "not in the table: Rss over the cap" in l]
        v = c.charts.get("smaps.hostile_processes", {}).get("values", [{}])
        tier = c.charts.get("smaps.hostile_tier", {}).get("values", [{}])[-1]
        status = c.charts.get("smaps.hostile_status", {}).get("values", [{}])[-1]
        ok(tier == {"measured": 0 if capped else len(pids),
                    "capped": len(pids) if capped else 0, "backed_off": 0}
           and (status.get("rss") or 0) > len(pids) << 20,
           "tier chart %r; the status chart still counts the capped: %r"
           % (tier, status))
        if capped:
            ok(rows == [set(), set()] and len(said) == len(pids)
               and c.charts.get("netdata.smaps_skipped", {}).get(
                   "values", [{}])[-1].get("capped") == len(pids),
               "function: capped processes not read for the table, each "
               "logged once over two calls: rows %r, %r" % (rows, said))
        else:
            ok(rows == [set(pids), set(pids)] and not said,
               "function: --allow-large: the table has them: %r" % rows)


def test_function_netdata2(tmp, pids):
    """Netdata 2.x's side of the function protocol: the registration asks
    for a signed-in user allowed to see sensitive data (access 0x13, what
    2.x's own `processes` function asks); a call carrying a caller's access
    without those bits is refused with 403, one with them answered; a
    FUNCTION_PAYLOAD call is answered at FUNCTION_PAYLOAD_END and its
    payload, even a line that looks like a call, is never taken for one;
    FUNCTION_CANCEL and FUNCTION_PROGRESS are not logged as errors; QUIT
    ends the plugin at once with status 0."""
    conf = os.path.join(tmp, "nd2.conf")
    open(conf, "wb").write(b"hostile: '*--seconds " + SECONDS.encode() + b"*'\n")
    src = b'"method=api,role=any,permissions=0x13,ip=127.0.0.1"'
    calls = [(1.2, b'FUNCTION tx-anon 10 "smaps group:hostile" "0x8" ' + src + b"\n"),
             (1.3, b'FUNCTION tx-user 10 "smaps group:hostile" "0x13" ' + src + b"\n"),
             (1.4, b'FUNCTION_PAYLOAD tx-pay 10 "smaps group:hostile" "0x13" '
                   + src + b' "application/json"\n'
                   b'{"selections": {}}\n'
                   b'FUNCTION tx-inside 10 "smaps group:hostile"\n'
                   b"FUNCTION_PAYLOAD_END\n"),
             (1.5, b"FUNCTION_PROGRESS tx-pay\n"),
             (1.6, b"FUNCTION_CANCEL tx-pay\n"),
             (2.0, b"QUIT\n")]
    p = subprocess.Popen([PLUGIN, "1", "--all-charts", "--config", conf, "--full-interval", "0"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        out, _ = read_for(p, 3.5, calls)
        try:
            rc = p.wait(timeout=3)
        except subprocess.TimeoutExpired:
            rc = None     # QUIT not obeyed
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    err = p.stderr.read().decode("utf-8", "replace")
    c = pluginsd.check(out)
    ok(not c.problems, "2.x calls: grammar: " + "; ".join(c.problems[:5]))
    f = c.functions[0] if c.functions else []
    ok(len(f) == 9 and f[2] == b"smaps" and f[5] == b"top" and f[6] == b"0x13",
       "registered with tags top and access 0x13: %r" % (f,))
    res = results(c)
    ok(res.get("tx-anon", (0,))[0] == 403 and b"signed-in" in res["tx-anon"][2],
       "a caller without sensitive-data access gets 403: %r"
       % (res.get("tx-anon", (0, "", b""))[:2],))
    rows = {tx: len(json.loads(res[tx][2]).get("data", []))
            for tx in ("tx-user", "tx-pay") if res.get(tx, (0,))[0] == 200}
    ok(rows.get("tx-user", 0) > 0 and rows.get("tx-pay", 0) > 0,
       "a signed-in call and a payload call answered with rows: %r" % rows)
    ok("tx-inside" not in res, "a payload line is not a call: %r" % sorted(res))
    ok(rc == 0 and "asked the plugin to quit" in err,
       "QUIT: exit %r, said so" % rc)
    ok("not FUNCTION" not in err and "malformed" not in err,
       "no error logged for 2.x's keywords: %r" % err[-300:])


def test_netdata2_as_written(tmp):
    """Every line 2.x writes to a plugin's stdin, byte for byte as v2.10.4's
    src/plugins.d/pluginsd_functions.c and pluginsd_parser.c write them:
    transactions are compact UUIDs; FUNCTION with the access as 0x%x and
    the source user_auth_to_source_buffer() makes; FUNCTION_PAYLOAD with a
    content type, the payload, then "\\nFUNCTION_PAYLOAD_END\\n";
    FUNCTION_PROGRESS and FUNCTION_CANCEL of a transaction; and QUIT with
    no newline (PLUGINSD_CALL_QUIT is "QUIT"), then the pipe closed: the
    plugin must still quit at once, with status 0."""
    conf = os.path.join(tmp, "nd2w.conf")
    open(conf, "wb").write(b"hostile: '*--seconds " + SECONDS.encode() + b"*'\n")
    tx = [b"%032x" % (0x5eed << 64 | k) for k in range(3)]
    src = (b'"method=NC,role=admin,permissions=0x1f,user=Jane Doe,'
           b'account=0123456789abcdef0123456789abcdef,ip=10.1.2.3,'
           b'forwarded_for=192.0.2.7"')
    calls = [(1.2, b"FUNCTION " + tx[0] + b' 10 "smaps group:hostile" "0x13" '
              + src + b"\n"),
             (1.3, b"FUNCTION_PAYLOAD " + tx[1] + b' 10 "smaps group:hostile"'
              b' "0x13" ' + src + b' "application/json"\n'
              b'{"query":"x"}\nFUNCTION_PAYLOAD_END\n'),
             (1.4, b"FUNCTION_PROGRESS " + tx[1] + b"\n"),
             (1.5, b"FUNCTION_CANCEL " + tx[2] + b"\n"),
             (1.8, b"QUIT")]
    p = subprocess.Popen([PLUGIN, "1", "--all-charts", "--config", conf, "--full-interval", "0"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        out, _ = read_for(p, 2.0, calls)
        p.stdin.close()          # what spawn_popen_kill() does next
        t0 = time.monotonic()
        try:
            rc = p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            rc = None
        took = time.monotonic() - t0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    out += p.stdout.read()
    err = p.stderr.read().decode("utf-8", "replace")
    c = pluginsd.check(out)
    res = results(c)
    got = {t.decode(): res.get(t.decode(), (0,))[0] for t in tx}
    ok(got == {tx[0].decode(): 200, tx[1].decode(): 200, tx[2].decode(): 0},
       "2.x's calls as written: answered by transaction: %r" % got)
    ok(rc == 0 and took < 1.0 and "asked the plugin to quit" in err,
       "a bare QUIT, then the pipe closed: exit %r after %.2f s, said so"
       % (rc, took))
    ok("not FUNCTION" not in err and "malformed" not in err,
       "no error logged for 2.x's lines: %r" % err[-300:])


# The charts a group gets by default, in the order of their priorities
# (what a person reads first first), and what --all-charts adds.
DEFAULT_CHARTS = ["pss", "leak_rate", "counter_leak_rate", "memory_per_socket",
                  "request_path_leak", "growth", "steadiness", "processes",
                  "threads", "fds", "sockets", "swap", "largest_member_vmas"]
DETAIL_CHARTS = ["rss", "uss", "private_dirty", "size", "vmas", "status", "tier",
                 "counter_growth", "anon_regions", "reserved",
                 "private_dirty_ratio", "swap_ratio", "duplicate_libs"]


def group_charts(c, group):
    """The group's charts' suffixes, by priority, and their priorities."""
    mine = [(int(ch["words"][8]), name[len("smaps." + group) + 1:])
            for name, ch in c.charts.items()
            if name.startswith("smaps.%s_" % group)]
    mine.sort()
    return [n for _, n in mine], [p for p, _ in mine]


def test_default_charts(tmp):
    """By default a group gets 13 charts, opening on its real memory (Pss
    by category, priority 36000, the group's first), then its leak rates,
    its counters; Rss, USS and the other detail come with --all-charts,
    after them, with the same ids; --libs and --named still add theirs."""
    c = run_fake(tmp, [], all_charts=False)
    names, prios = group_charts(c, "fake")
    ok(names == DEFAULT_CHARTS and prios[0] == 36000
       and len(set(prios)) == len(prios),
       "default charts, by priority: %r %r" % (names, prios))
    ok(c.charts["smaps.fake_pss"]["words"][3].startswith(b"Real memory")
       and set(c.charts["smaps.fake_pss"]["dims"]) == set(CATS),
       "the first chart is the group's real memory: %r"
       % c.charts["smaps.fake_pss"]["words"][3])
    c = run_fake(tmp, ["--libs"])
    names, prios = group_charts(c, "fake")
    ok(names == DEFAULT_CHARTS + DETAIL_CHARTS + ["libs_rss"]
       and max(prios) < 36000 + 100,
       "--all-charts --libs: the detail after the defaults: %r %r"
       % (names, prios))
    r = subprocess.run([PLUGIN, "--help"], capture_output=True, timeout=10)
    ok(b"--all-charts" in r.stdout, "--all-charts in --help")


def test_top_bound(tmp):
    """--top 1: one library becomes a dimension, the rest is 'other'."""
    c = run_fake(tmp, ["--libs", "--top", "1"])
    ch = c.charts.get("smaps.fake_libs_rss", {})
    dims = sorted(w[2] for d, w in ch.get("dims", {}).items() if d != "other")
    v = ch.get("values", [{}])[-1]
    ok(dims == [b"/usr/lib/libc.so.6"] and v.get("other") == 48 << 10,
       "--top 1 bounds the dimensions: %r, other %r" % (dims, v.get("other")))


def test_fake_tree(tmp):
    c = run_fake(tmp, ["--libs", "--named"],
                 [(0.3, b'FUNCTION tx-fake 10 "smaps pid:42"\n')])
    ok(not c.problems, "fake tree grammar: %r" % c.problems[:3])
    last = lambda ch: c.charts[ch]["values"][-1]
    ok(last("smaps.fake_rss") == {"heap": 800 << 10, "stack": 0, "anon": 28 << 10,
       "shmem": 0, "binary": 0, "libs": 148 << 10, "files": 0, "kernel": 0},
       "fake rss per category: %r" % last("smaps.fake_rss"))
    # processes: live members (the malformed one too); failed: not read
    ok(last("smaps.fake_processes") == {"processes": 2, "unreadable": 0,
                                         "failed": 1, "fds_uncounted": 0,
                                         "unreachable": 0},
       "a malformed process is a member, counted as failed: %r"
       % last("smaps.fake_processes"))
    ok(last("smaps.fake_status") == {"rss": 900 << 10, "anon": 850 << 10,
                                     "file": 50 << 10, "shmem": 0,
                                     "swap": 12 << 10}
       and last("smaps.fake_tier") == {"measured": 1, "capped": 0,
                                       "backed_off": 0},
       "status chart from the status files, tier chart: %r %r"
       % (last("smaps.fake_status"), last("smaps.fake_tier")))
    ok(c.stderr.count("process 43 (bad)") == 1 and "line 1" in c.stderr,
       "and logged once, with its pid and the line: %r" % c.stderr[-300:])
    ok((last("smaps.fake_fds"), last("smaps.fake_sockets")) ==
       ({"fds": 2}, {"sockets": 1}), "fake fds and sockets")
    for chart, want in (("smaps.fake_libs_rss", FAKE_LIBS),
                        ("smaps.fake_named_rss", FAKE_NAMED)):
        dims = c.charts[chart]["dims"]
        legend = {w[2]: last(chart)[d] for d, w in dims.items() if d != "other"}
        expect = {sanitized(n)[:200]: k << 10 for n, k in want}
        if chart.endswith("named_rss"):   # the region's name, inside [anon:]
            expect = {sanitized(n[6:-1]): k << 10 for n, k in want}
        ok(legend == expect and last(chart)["other"] == 0,
           "%s: %r, want %r" % (chart, legend, expect))
    res = results(c).get("tx-fake", (0, "", b"{}"))
    rows = json.loads(res[2]).get("data", []) if res[0] == 200 else []
    names = {r[8].encode("latin-1") for r in rows}
    ok(names == {b"[heap]"} | {n for n, _ in FAKE_LIBS + FAKE_NAMED},
       "table names as the kernel wrote them: %r" % names)
    ok(rows and rows[0][2].encode("latin-1") == b"fa) ke\nx",
       "table process name with ')' and newline: %r" % (rows[:1],))


def signal_mapping(addr, perms, offset, ino, name, kib, rss, dirty, swap):
    return (b"%012x-%012x %s %08x fe:00 %d %s\nSize: %d kB\nRss: %d kB\n"
            b"Private_Clean: %d kB\nPrivate_Dirty: %d kB\nSwap: %d kB\n"
            b"VmFlags: rd mr\n" % (addr, addr + kib * 1024, perms, offset, ino,
                                   name, kib, rss, rss - dirty, dirty, swap))


def test_fake_signals(tmp):
    """Fragmentation, ratios and duplicate loads, exactly: a heap with
    half its memory swapped and 256 KiB reserved, three anon regions (one
    with 1 MiB reserved), one library loaded twice."""
    root = os.path.join(tmp, "sigproc")
    d = os.path.join(root, "50")
    os.makedirs(os.path.join(d, "fd"))
    open(os.path.join(d, "stat"), "wb").write(
        b"50 (sig) S 1 50 50 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 779 3592192 599\n")
    open(os.path.join(d, "cmdline"), "wb").write(b"sigproc-marker\0")
    os.symlink("/opt/fake/bin/sig", os.path.join(d, "exe"))
    m = [(b"rw-p", 0, 0, b"[heap]", 768, 256, 256, 256),
         (b"rw-p", 0, 0, b"", 1088, 64, 64, 0),
         (b"rw-p", 0, 0, b"", 64, 64, 0, 0),
         (b"rw-p", 0, 0, b"", 2048, 2048, 2048, 0),
         (b"r-xp", 0, 7, b"/usr/lib/libdup.so.1", 100, 100, 0, 0),
         (b"r-xp", 0, 7, b"/usr/lib/libdup.so.1", 100, 100, 0, 0)]
    smaps = b"".join(signal_mapping(0x7f0000000000 + i * 0x1000000, *x)
                     for i, x in enumerate(m))
    open(os.path.join(d, "smaps"), "wb").write(smaps)
    conf = os.path.join(tmp, "sig.conf")
    open(conf, "w").write("sig: *sigproc-marker*\n")
    p = subprocess.Popen([PLUGIN, "1", "--all-charts", "--config", conf, "--proc-root", root,
                          "--growth-window", "10", "--full-interval", "0"],
                         stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, _ = read_for(p, 3.3)
    finally:
        p.kill()
        p.wait()
    c = pluginsd.check(out)
    ok(not c.problems, "fake signals grammar: %r" % c.problems[:3])
    last = lambda k: c.charts["smaps.sig_" + k]["values"][-1]
    zero = dict.fromkeys(CATS, 0)
    ok(last("anon_regions") == {"heap": 1, "anon": 3},
       "anon_regions: %r" % last("anon_regions"))
    # Size - Rss - Swap, in bytes (divisor 1048576: MiB)
    ok(last("reserved") == {"heap": 256 << 10, "anon": 1 << 20},
       "reserved: %r" % last("reserved"))
    ok(last("largest_member_vmas") == {"largest": 6},
       "largest_member_vmas: %r" % last("largest_member_vmas"))
    # anon: 2112 of 2176 KiB dirty; total: 2368 of 2632; heap 256 of 256
    ok(last("private_dirty_ratio") == dict(zero, heap=100000, anon=97059,
                                           total=89970),
       "private_dirty_ratio (milli-%%): %r" % last("private_dirty_ratio"))
    # heap: 256 / (256 + 256); total: 256 / (2632 + 256)
    ok(last("swap_ratio") == dict(zero, heap=50000, total=8864),
       "swap_ratio (milli-%%): %r" % last("swap_ratio"))
    ok(last("duplicate_libs") == {"duplicates": 1},
       "duplicate_libs: %r" % last("duplicate_libs"))
    # flat: once fitted, growth 0 and r2 0, so no leak
    g, st = last("growth"), last("steadiness")
    ok(g == dict(zero, total=0) and st == dict(zero, total=0, threads=0,
                                              fds=0, sockets=0),
       "a flat process: growth 0, steadiness 0: %r %r" % (g, st))
    # the fake tree has no Swap lines: its swap ratio is unknown, a gap
    f = run_fake(tmp, [])
    sw = f.charts["smaps.fake_swap_ratio"]["values"][-1]
    ok(set(sw.values()) == {None}, "no Swap field: swap_ratio gaps: %r" % sw)


def test_match_unreadable(tmp):
    """A process whose command line cannot be read to match it (here a
    saved tree's cmdline that is a directory: EISDIR; live, out of fds) is
    not taken as "in no group" in silence (issue 18, defect 17): it is
    counted in netdata.smaps_skipped's failed at every update, said once
    while it lasts, and the group's two members (42, and 43 whose smaps
    is malformed) are there as before."""
    root = os.path.join(tmp, "unmatchable")
    make_fake_proc(root)
    d = os.path.join(root, "46")
    os.makedirs(os.path.join(d, "cmdline"))
    open(os.path.join(d, "stat"), "wb").write(
        b"46 (um) S 1 46 46 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 780 "
        b"3592192 599\n")
    conf = os.path.join(tmp, "unmatchable.conf")
    open(conf, "w").write("fake: *fakeproc-marker*\n")
    c = run_plugin(["--config", conf, "--proc-root", root], 2.3)
    err = c.stderr
    skipped = c.charts.get("netdata.smaps_skipped", {}).get("values", [])
    procs = c.charts.get("smaps.fake_processes", {}).get("values", [])
    said = [l for l in err.splitlines()
            if "1 processes could not be looked at" in l]
    ok(len(skipped) >= 2 and all(x.get("failed") == 1 for x in skipped)
       and procs and all(x.get("processes") == 2 for x in procs)
       and len(said) == 1 and not c.problems,
       "an unreadable command line: failed 1 at every update, said once, "
       "the members there: %r %r %r" % (skipped, procs, said))


def cpu_ticks(pid):
    st = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return int(st[11]) + int(st[12])      # utime + stime


def test_full_stdout(tmp):
    """A Netdata that stops reading: stdout is a 4 KiB pipe nobody reads
    for 4.5 s. The plugin must not spin or block: it skips updates (one
    ERROR line), still reads a function call from stdin, and once read
    again sends whole lines only, the answer, and a BEGIN whose
    microseconds cover the gap (one INFO line with the count)."""
    root = os.path.join(tmp, "fakeproc")
    if not os.path.isdir(root):
        make_fake_proc(root)
    conf = os.path.join(tmp, "fake.conf")
    open(conf, "w").write("fake: *fakeproc-marker*\n")
    r, w = os.pipe()
    fcntl.fcntl(w, fcntl.F_SETPIPE_SZ, 4096)
    p = subprocess.Popen([PLUGIN, "1", "--all-charts", "--config", conf, "--proc-root", root,
                          "--libs", "--named", "--full-interval", "0"],
                         stdin=subprocess.PIPE, stdout=w,
                         stderr=subprocess.PIPE)
    os.close(w)
    try:
        time.sleep(1.0)
        t0 = cpu_ticks(p.pid)
        time.sleep(2.0)
        p.stdin.write(b'FUNCTION tx-full 10 "smaps pid:42"\n')
        p.stdin.flush()
        time.sleep(1.5)
        spent = cpu_ticks(p.pid) - t0
        ok(p.poll() is None and spent <= 10,
           "full stdout: alive, no spinning (%d ticks in 3.5 s)" % spent)
        out, t_end = b"", time.monotonic() + 3.0
        while time.monotonic() < t_end:
            rr, _, _ = select.select([r], [], [], 0.05)
            if rr:
                out += os.read(r, 65536)
        os.close(r)                       # Netdata went away
        rc = p.wait(timeout=5)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    err = p.stderr.read().decode("utf-8", "replace")
    c = pluginsd.check(out)
    ok(not c.problems and out.endswith(b"\n"),
       "full stdout: whole lines only: %r" % c.problems[:3])
    res = results(c).get("tx-full", (0, "", b"{}"))
    rows = json.loads(res[2]).get("data", []) if res[0] == 200 else []
    ok(any(r[8] == "[heap]" for r in rows),
       "full stdout: the function call made meanwhile is answered: %r"
       % (res[:2],))
    dts = c.charts.get("smaps.fake_rss", {}).get("dt", [])
    ok(len(dts) >= 2 and dts[0] >= 3500000 and dts[-1] < 1500000,
       "full stdout: one BEGIN covers the gap, then every second: %r" % dts)
    full = [l for l in err.splitlines() if "Netdata has not read" in l]
    again = re.findall(r"reads again after [0-9.]+ s: (\d+) updates skipped",
                       err)
    ok(len(full) == 1 and " ERROR " in full[0] and len(again) == 1
       and int(again[0]) >= 3,
       "full stdout: one line when it fills, one when read again: %r %r"
       % (full, again))
    ok(rc == 0, "exit 0 when stdout is closed after a full pipe (%r)" % rc)


def test_id_collisions(tmp):
    """Group names whose chart ids would meet through the signal charts'
    suffixes: "a" + "_largest_member_vmas" is "a_largest_member" + "_vmas"."""
    conf = os.path.join(tmp, "coll.conf")
    open(conf, "w").write("a: nosuch-a\na_largest_member: nosuch-b\n"
                          "a_counter: nosuch-c\n")
    p = subprocess.Popen([PLUGIN, "1", "--all-charts", "--config", conf], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, _ = read_for(p, 1.2)
    finally:
        p.kill()
        p.wait()
    ids = [l.split()[1] for l in out.split(b"\n") if l.startswith(b"CHART ")
           and not l.startswith(b"CHART netdata.")]   # the plugin's cost
    ok(len(ids) == len(set(ids)) and len(ids) == 3 * (13 + len(SIGNALS)),
       "%d chart ids, all unique" % len(ids))
    ok(b"smaps.a_largest_member_2_vmas" in ids and b"smaps.a_counter_2_leak_rate" in ids,
       "colliding groups renamed _2: %r" % [i for i in ids if b"_2_" in i][:2])


# Two halves of about 40 s each (PROTOCOL_PART=1 or 2; both if unset),
# which make runs side by side: every test waits on the plugin's readings,
# not on the CPU. Each half starts its own workloads; the tests on them come
# first in each (the workloads live a minute).
PARTS = {
    "1": lambda tmp, pids: [
        lambda: test_running(tmp, pids),
        lambda: test_function_cap(tmp, pids),
        lambda: test_function_netdata2(tmp, pids),
        lambda: test_netdata2_as_written(tmp),
        lambda: test_disable(tmp),
        lambda: test_host_prefix(tmp, pids),
        lambda: test_unprivileged(pids),
        lambda: test_fds_uncounted(pids),
        lambda: test_hidepid(pids),
        lambda: test_maps_interval(tmp),
        lambda: test_unreachable(tmp)],
    "2": lambda tmp, pids: (
        [lambda: test_privileged(pids, "setcap"),
         lambda: test_privileged(pids, "setuid")]
        if os.geteuid() == 0 else []) + [
        lambda: test_fake_tree(tmp),
        lambda: test_top_bound(tmp),
        lambda: test_default_charts(tmp),
        lambda: test_tiering(tmp),
        lambda: test_fake_signals(tmp),
        lambda: test_id_collisions(tmp),
        lambda: test_full_stdout(tmp),
        lambda: test_match_unreadable(tmp)],
}


def main():
    part = os.environ.get("PROTOCOL_PART", "")
    if part and part not in PARTS:
        print("test_protocol.py: PROTOCOL_PART is 1 or 2, not %r" % part)
        return 2
    procs = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            pids = start_workloads(procs)
            time.sleep(0.3)
            for p in [part] if part else sorted(PARTS):
                for test in PARTS[p](tmp, pids):
                    test()
        finally:
            for p in procs:
                p.kill()
                p.wait()
    return T.summary("protocol" + (" part %s" % part if part else ""))


if __name__ == "__main__":
    sys.exit(main())
