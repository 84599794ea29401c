"""The `stream` fixture of test_streaming.py (issue 19, item 7): two real
Netdata daemons (Debian's 1.37.1, or the 2.x NETDATA names) on 127.0.0.1,
each on a free port and in its own temp tree (ndharness.py); the child
runs smaps.plugin on a heap leak (1 MiB/s) and a stable process and
streams to the parent with an API key made for the run; the parent runs
no collector and evaluates the child's charts with its own health engine
(the shipped health.d/smaps.conf, only the evaluation durations
shortened, as in tests/scenarios). The fixture records what the parent
shows through its API only (/host/CHILD/api/v1/...), the alarms watched
each second from the child's start; the tests judge the record.
Everything it starts is stopped by its finalizer, also on failure.

Run: PLUGIN=build/smaps.plugin NETDATA_WL=build/netdata-wl pytest
tests/streaming (make netdata-streaming-test)."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

import pytest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration", "netdata"))
sys.path.insert(0, os.path.join(HERE, "..", "protocol"))
from ndharness import (MAJOR, NETDATA, free_port, get, log_problems,  # noqa: E402
                       setup_dirs, short_health, start, start_netdata)
from ndfixtures import (PLUGIN, WORKLOADS, Started, failed_since,  # noqa: E402,F401
                        note, note_log, pytest_terminal_summary)
import pluginsd  # noqa: E402

TAG = "%05d" % (os.getpid() % 100000)
CHILD = "smaps-child-" + TAG
LEAK_COMM, STABLE_COMM = "stl" + TAG, "sts" + TAG
RATE_KIB = 1024
WINDOW, WARM_UP = 10, 5
SYSTEM_INFO = "/usr/lib/netdata/plugins.d/system-info.sh"
CHART_OPTIONS = "--all-charts --libs"   # every chart crosses, every text checked
DEADLINE = 40          # seconds for the parent's alarm after the child starts
LEAK_ALARM = "smaps.leak_leak_rate.smaps_group_leak_heap"
STABLE_ALARM = "smaps.stable_leak_rate.smaps_group_leak_heap"

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


class Stream:
    """What the parent showed of the child (set by the fixture)."""
    health_changed = None   # (shipped, test) lines short_health() changed
    charts_at = None        # seconds from the child's start to its charts
    sent = stored = local = None    # the plugin's charts, the parent's
    crit_at = None          # seconds to the leak alarm's CRITICAL
    leak = None             # that alarm, 4 s after it went CRITICAL
    leak_last = {}          # that alarm as last read, whatever its status
    stable_seen = ()        # the stable group's alarm statuses seen
    heap_rows = None        # the child's heap on the parent, at the end
    child_conf = ""         # the child's netdata.conf, its text
    child_log = ((), False)     # log_problems() of the child

    def child_get(self, path):
        return get(self.pport, "/host/%s%s" % (CHILD, path))


def watch_alarms(s, t0):
    """The parent's alarms each second up to DEADLINE after the child
    started, until 4 s after the leak alarm went CRITICAL."""
    seen = set()
    while time.monotonic() < t0 + DEADLINE:
        try:
            alarms = s.child_get("/api/v1/alarms?all")["alarms"]
        except (OSError, ValueError, KeyError):
            alarms = {}
        seen.add(alarms.get(STABLE_ALARM, {}).get("status"))
        if LEAK_ALARM in alarms:
            s.leak_last = alarms[LEAK_ALARM]
        if alarms.get(LEAK_ALARM, {}).get("status") == "CRITICAL":
            if s.crit_at is None:
                s.crit_at = time.monotonic() - t0
            s.leak = alarms[LEAK_ALARM]     # the last reading: the fit has settled
        if s.crit_at is not None and time.monotonic() - t0 > s.crit_at + 4:
            break
        time.sleep(1)
    seen.discard(None)
    s.stable_seen = seen


@pytest.fixture(scope="module")
def stream(request):
    failed = request.session.testsfailed
    note("%s (v%d)" % (NETDATA, MAJOR))
    top = tempfile.mkdtemp(prefix="smaps-stream-")
    started, up, s = Started(), False, Stream()
    try:
        key = str(uuid.uuid4())
        health, s.health_changed = short_health()
        s.pport, cport = free_port(), free_port()
        groups = "leak: %s\nstable: %s\n" % (LEAK_COMM, STABLE_COMM)
        pconf = setup(os.path.join(top, "parent"), "smaps-parent-" + TAG,
                      s.pport, "# none\n", health, key=key)
        cconf = setup(os.path.join(top, "child"), CHILD, cport, groups,
                      health, child_of=s.pport, key=key)
        s.child_conf = open(cconf).read()
        started.add(start_netdata(os.path.join(top, "parent"), pconf))
        for comm, rate in ((LEAK_COMM, RATE_KIB), (STABLE_COMM, 0)):
            p = started.add(start([os.path.join(WORKLOADS, "grow_heap"), "--comm",
                                   comm, "--rate", str(rate), "--seconds", "90"],
                                  stdout=subprocess.PIPE))
            p.stdout.readline()
        if not wait(lambda: get(s.pport, "/api/v1/info"), 20):
            pytest.fail("the parent (127.0.0.1:%d) is not up after 20 s" % s.pport)
        t0 = time.monotonic()
        started.add(start_netdata(os.path.join(top, "child"), cconf))

        want = ["smaps.%s_%s" % (g, c) for g in ("leak", "stable")
                for c in ("pss", "leak_rate", "rss", "duplicate_libs", "libs_rss")]
        s.stored = wait(lambda: (lambda ch: ch if all(w in ch for w in want) else None)(
            s.child_get("/api/v1/charts")["charts"]), 30)
        if not s.stored:
            pytest.fail("the parent shows none or not all of the child's smaps "
                        "charts %r within 30 s of the child's start" % want)
        s.charts_at = time.monotonic() - t0
        note("the child's charts on the parent %.1f s after the child started"
             % s.charts_at)
        # every text of every chart (the detail ones too) as the plugin
        # sends it, against what the parent stores
        r = subprocess.run(["timeout", "2.5", PLUGIN, "1"] + CHART_OPTIONS.split()
                           + ["--config", os.path.join(top, "child", "etc",
                                                       "smaps_groups.conf")],
                           stdin=subprocess.PIPE, capture_output=True, timeout=20)
        s.sent = pluginsd.check(r.stdout).charts
        s.stored = s.child_get("/api/v1/charts")["charts"]
        s.local = get(s.pport, "/api/v1/charts")["charts"]
        # the parent's health engine on the child's charts
        watch_alarms(s, t0)
        if s.crit_at is not None:
            note("the leak alarm CRITICAL on the parent %.1f s after the child "
                 "started, at %r B/s" % (s.crit_at, s.leak.get("value")))
        s.heap_rows = s.child_get("/api/v1/data?chart=smaps.leak_pss&dimensions=heap"
                                  "&after=-3&format=json")["data"]
        s.child_log = log_problems(os.path.join(top, "child"))
        up = True
        yield s
    finally:
        started.stop_all()
        if not up or failed_since(request, failed):
            for side in ("parent", "child"):
                if os.path.isdir(os.path.join(top, side, "log")):
                    note_log(os.path.join(top, side), side)
        if not os.environ.get("KEEP_TMP"):
            shutil.rmtree(top, ignore_errors=True)
        else:
            note("kept " + top)
