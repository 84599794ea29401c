"""Shared fixtures of the real-Netdata tests (Debian's netdata 1.37.1, or
the 2.x that NETDATA names): `node`, one daemon for test_netdata*.py with
the heap and mmap workloads and a real PostgreSQL in groups; `restarts`,
another for test_netdata_restart.py, whose plugin is killed by signals.
Each daemon runs in a temp dir on 127.0.0.1 on a free port (ndharness.py);
everything a fixture starts is stopped by its finalizer, also when a
test fails or the run is interrupted, and Netdata's log lines about the
plugin are printed when a test failed.

Run: PLUGIN=build/smaps.plugin NETDATA_WL=build/netdata-wl pytest FILES
(make netdata-integration-test)."""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pytest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "protocol"))
# ndharness asks the daemon its version when imported: with no netdata
# here the daemon's fixtures fail with the reason, and
# test_health_keywords.py (next to this file, no daemon) still runs.
try:
    from ndharness import (MAJOR, NETDATA, PKG, free_port, get, log_problems, setup_dirs,  # noqa: E402
                           start, start_netdata, wait_charts)
    from ndfixtures import (PLUGIN, WORKLOADS, Started, failed_since,  # noqa: E402,F401
                            note, note_log, pytest_terminal_summary)
except OSError as e:
    NO_NETDATA = "cannot run %s: %s" % (os.environ.get("NETDATA", "/usr/sbin/netdata"), e)

    def note(msg):
        pass
else:
    NO_NETDATA = None
import pgcluster  # noqa: E402
import pluginsd  # noqa: E402
import test_health_keywords  # noqa: E402

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
START_LINE = "smaps.plugin INFO  : MAIN : smaps.plugin "


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "after_stop: stops the node and reads its log (moved after "
        "the last other test of the node)")


def pytest_collection_modifyitems(items):
    """Tests marked after_stop (the ones that stop netdata and read its
    log) run right after the last other test of the `node` fixture,
    whatever order the files came in (then the restart test's daemon
    does not run beside the first one)."""
    last = [i for i in items if i.get_closest_marker("after_stop")]
    rest = [i for i in items if not i.get_closest_marker("after_stop")]
    at = max((n + 1 for n, i in enumerate(rest)
              if "node" in getattr(i, "fixturenames", ())), default=len(rest))
    items[:] = rest[:at] + last + rest[at:]


class Node:
    """A running Netdata with smaps.plugin, as the tests read it."""

    def __init__(self, tmp, port, started, pg):
        self.tmp, self.port, self.started, self.pg = tmp, port, started, pg
        self.nd = started.items[-1]
        self.charts = {}
        self._stopped = None

    def get(self, path):
        assert self.nd.poll() is None, (
            "netdata (port %d) exited (%r) before this test"
            % (self.port, self.nd.returncode))
        return get(self.port, path)

    def alarms(self):
        return self.get("/api/v1/alarms?all")["alarms"]

    def stop(self):
        """Stops netdata once, then the workloads and PostgreSQL; (its exit
        code, the log's problems, whether the plugin's start line reached
        the log)."""
        if self._stopped is None:
            self.started.stop_all()
            self._stopped = (self.nd.returncode,) + tuple(log_problems(self.tmp))
        return self._stopped


@pytest.fixture(scope="session")
def node(request):
    """Netdata with groups heaptest (grow_heap at 1 MiB/s), mmaptest
    (grow_mmap at 1 MiB/s) and, as root, pgtest (a PostgreSQL cluster
    with 4 sessions that read 84 MB through its shared buffers); its
    charts read 8 s after they all appeared."""
    if NO_NETDATA:
        pytest.fail(NO_NETDATA)
    failed = request.session.testsfailed
    note("%s (v%d)" % (NETDATA, MAJOR))
    tmp = tempfile.mkdtemp(prefix="smaps-netdata-")
    started, up = Started(), False
    try:
        port = free_port()
        pg = None
        if pgcluster.available():
            pg = started.add(pgcluster.Cluster(tmp, PG_NAME))
            why = pg.start() or pg.fill() or pg.open_sessions(PG_SESSIONS)
            if why is not None:
                pytest.fail("PostgreSQL up, filled, %d sessions: %s"
                            % (PG_SESSIONS, why))
        conf = setup_dirs(tmp, port, PLUGIN, "heaptest: %s\nmmaptest: %s\n"
                          % (HEAP_COMM, MMAP_COMM)
                          + ("pgtest: *%s*\n" % PG_NAME if pg else ""))
        for exe, comm in (("grow_heap", HEAP_COMM), ("grow_mmap", MMAP_COMM)):
            p = started.add(start([os.path.join(WORKLOADS, exe), "--comm", comm,
                                   "--rate", str(RATE_KIB), "--seconds", "60"],
                                  stdout=subprocess.PIPE))
            p.stdout.readline()
        started.add(start_netdata(tmp, conf))
        n = Node(tmp, port, started, pg)
        want = ["smaps.heaptest_pss", "smaps.mmaptest_pss"] + (
            ["smaps.pgtest_pss"] if pg else [])
        if not wait_charts(port, want, 30):
            pytest.fail("netdata serves no %r on 127.0.0.1:%d after 30 s"
                        % (want, port))
        time.sleep(8)
        n.charts = n.get("/api/v1/charts")["charts"]
        up = True
        yield n
    finally:
        started.stop_all()
        if not up or failed_since(request, failed):
            note_log(tmp)
        if not os.environ.get("KEEP_TMP"):
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            note("kept " + tmp)


@pytest.fixture(scope="session")
def pg_node(node):
    """The node, for the PostgreSQL group's tests (skipped as the script
    skipped them: not root, or no PostgreSQL 15)."""
    if not node.pg:
        pytest.skip("the PostgreSQL group (needs root and %s)" % pgcluster.PGBIN)
    return node


def slope(node, chart, dim, seconds):
    """(MiB/s of dim over the last `seconds` stored points, the rows)."""
    d = node.get("/api/v1/data?chart=%s&dimensions=%s&after=-%d&format=json"
                 "&options=seconds" % (chart, dim, seconds))
    rows = sorted(r for r in d["data"] if r[1] is not None)
    if len(rows) < 2:
        return None, rows
    (t0, v0), (t1, v1) = rows[0][:2], rows[-1][:2]
    return (v1 - v0) / (t1 - t0), rows


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


def plugin_texts(tmp, options=("--libs",)):
    """The texts smaps.plugin sends (CHART and DIMENSION lines) for this
    run's groups, from the plugin run alone for a moment."""
    r = subprocess.run(["timeout", "2.5", PLUGIN, "1"] + list(options) + [
        "--config", os.path.join(tmp, "etc", "smaps_groups.conf")],
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


def plugin_pids(tmp):
    """The plugin processes Netdata started. A task whose parent is itself
    the plugin is left out: under ASan, LeakSanitizer's tracer at exit is
    such a task (clone() without CLONE_THREAD, so it has its own /proc
    entry and the same exe), and taking it for Netdata's restart made the
    test see two plugins (CI, 2026-12-01)."""
    exe, found = os.path.join(tmp, "plugins", "smaps.plugin"), {}
    for d in os.listdir("/proc"):
        try:
            if d.isdigit() and os.readlink("/proc/%s/exe" % d) == exe:
                with open("/proc/%s/status" % d) as f:
                    ppid = re.search(r"^PPid:\s*(\d+)", f.read(), re.M)
                found[int(d)] = int(ppid.group(1))
        except (OSError, AttributeError):
            pass
    return sorted(p for p, ppid in found.items() if ppid not in found)


def starts(tmp):
    """How many times the plugin has logged its start line."""
    try:
        with open(os.path.join(tmp, "log", "error.log"), errors="replace") as f:
            return f.read().count(START_LINE)
    except OSError:
        return 0


def wait_for(cond, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.2)
    return None


SIGNALS = (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT)


class Restarts:
    """What happened to the plugin under each signal, in turn."""

    def __init__(self):
        self.served = None
        self.turns = {}      # signal name -> dict of what was seen
        self.log = ""


@pytest.fixture(scope="module")
def restarts(request):
    """A Netdata whose plugin (group self: the plugin itself) gets SIGHUP,
    SIGINT, SIGQUIT in turn, each once the plugin running logged its start,
    and each time Netdata starts it again; the log as it was while the
    last one ran (Netdata's own stop kills the plugin). A turn that finds
    no single plugin running ends the sequence, as the script did."""
    if NO_NETDATA:
        pytest.fail(NO_NETDATA)
    failed = request.session.testsfailed
    tmp = tempfile.mkdtemp(prefix="smaps-netdata-restart-")
    started = Started()
    r, up = Restarts(), False
    try:
        port = free_port()
        conf = setup_dirs(tmp, port, PLUGIN, "self: smaps.plugin\n",
                          options="--full-interval 60")
        started.add(start_netdata(tmp, conf))
        r.served = bool(wait_charts(port, ["smaps.self_processes"], 30))
        for i, sig in enumerate(SIGNALS):
            turn = r.turns[sig.name] = {}
            turn["pids"] = pids = wait_for(lambda: plugin_pids(tmp), 20) or []
            if len(pids) != 1:
                break
            # Its start line is logged after its handlers are set: a
            # signal before that kills it (under ASan on a loaded machine
            # the restarted plugin took that long, and SIGQUIT killed it).
            turn["logged"] = bool(wait_for(lambda: starts(tmp) > i, 20))
            turn["starts"] = starts(tmp)
            os.kill(pids[0], sig)
            turn["again"] = wait_for(lambda: [p for p in plugin_pids(tmp)
                                              if p != pids[0]], 15)
        time.sleep(1)
        r.log = open(os.path.join(tmp, "log", "error.log"),
                     errors="replace").read()
        started.stop_all()
        up = True
        yield r
    finally:
        started.stop_all()
        if not up or failed_since(request, failed):
            note_log(tmp, "the restart test's netdata")
        shutil.rmtree(tmp, ignore_errors=True)
