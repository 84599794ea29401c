"""Leaking and non-leaking processes under a real collectd (Debian's 5.12)
with the smaps plugin and the shipped threshold alarms
(packaging/collectd/smaps-threshold.conf), a 10 s growth window and
WarmUp 5: each leak must show in the right category at about its rate and
raise the alarm; no non-leaker may cross a shipped threshold, ever. The
fixture runs collectd once for 24 s (csv values, threshold notifications
in its log); the tests read what it wrote. SMAPS_SO and WORKLOADS (env)
name the plugin and the workloads (BUILD's by default); the make rule is
`scenarios` (about 25 s)."""
import glob
import os
import shutil
import subprocess
import time

import pytest

import shapes
from conftest import BUILD
from cdconf import csv_rows, write_conf
from figures import info

SO = os.path.abspath(os.environ.get("SMAPS_SO", os.path.join(BUILD, "smaps.so")))
WORKLOADS = os.path.abspath(os.environ.get("WORKLOADS", os.path.join(BUILD, "workloads")))
SECONDS = 24   # of collectd running

# Every value name this test reads (README "Values"), in one table: the
# collectd type-instance of each, from the subject (a category, total, or a
# counter). The memory signals follow owned memory, one measure
# ("heap_leak_rate"); the figures checked are FIELD's.
FIELD = "uss"
NAMES = {
    "leak_rate": "gauge-{}_leak_rate",
    "growth": "gauge-{}_growth",
    "steady": "percent-{}_steady",
    "memory": "memory-{}_" + FIELD,
}
MEM = "{}"                          # the subject of a category's signal
# leak_rate values per group at the defaults: 7 categories (total
# included), 3 counters.
LEAK_RATES = 7 + 3
MIB = 1048576

# group -> workload and arguments; --comm GROUP_TAG --seconds 60 are added.
# Names unique to this run (comm: 15 bytes at most), so two runs on one
# machine never count each other's processes.
WORKLOAD = {
    "sc_heap": ["grow_heap", "--rate", "1024"],
    "sc_anon": ["grow_mmap", "--rate", "1024"],
    "sc_memfd": ["scenario", "memfd", "--rate", "1280"],
    "sc_threads": ["scenario", "threads"],
    "sc_fds": ["scenario", "fds"],
    "sc_stable": ["scenario", "stable"],
    "sc_saw": ["scenario", "sawtooth", "--rate", "2048"],
    "sc_warm": ["scenario", "warmup", "--rate", "2048"],
}
# leakers: group, category, true rate (B/s)
LEAKERS = [("sc_heap", "heap", MIB),
           ("sc_anon", "anon", 1064960),   # grow_mmap maps whole pages: 26 a tick
           ("sc_memfd", "shmem", 1310720)]
NON_LEAKERS = ["sc_stable", "sc_saw", "sc_warm"]

# The <Plugin smaps> block (cdconf.py writes the rest).
SMAPS = ["  GrowthWindow 10",
         "  FullInterval 0",
         "  SteadyPercent 90",
         "  # the workloads' start-up (the sawtooth's block table fills for 5 s)",
         "  # is more than the default sixth of this 10 s window",
         "  WarmUp 5"]


class Run:
    """What collectd wrote: csv series and the log's notifications."""

    def __init__(self, csv, log, suffix):
        self.csv, self.suffix = csv, suffix
        self.notes = [l for l in open(log, errors="replace") if "Notification:" in l]

    def series(self, group, value):
        """[(time, value)] of smaps-GROUP/VALUE, or []."""
        return csv_rows(os.path.join(self.csv, "smaps-%s%s" % (group, self.suffix),
                                     value))

    def last(self, group, value):
        s = self.series(group, value)
        return s[-1][1] if s else None

    def files(self, group, pattern):
        return glob.glob(os.path.join(self.csv, "smaps-%s%s" % (group, self.suffix),
                                      pattern + "-*"))

    def alarmed(self, group, instance=None):
        return [l for l in self.notes if "plugin_instance = %s%s," % (group, self.suffix) in l
                and ("severity = WARNING" in l or "severity = FAILURE" in l)
                and (instance is None or "type_instance = %s," % instance in l)]


@pytest.fixture(scope="module")
def run(work):
    tmp, procs = work
    assert os.access(SO, os.R_OK), "%s: no plugin (make scenarios builds it)" % SO
    os.makedirs(os.path.join(tmp, "plugins"))
    for p in ("csv", "logfile", "threshold"):
        shutil.copy("/usr/lib/collectd/%s.so" % p, os.path.join(tmp, "plugins"))
    shutil.copy(SO, os.path.join(tmp, "plugins"))
    suffix = "_%d" % (os.getpid() % 10000)
    for g, (exe, *args) in WORKLOAD.items():
        procs.start([os.path.join(WORKLOADS, exe)] + args +
                    ["--comm", g + suffix, "--seconds", "60"], stdout=subprocess.DEVNULL)
    conf = write_conf(tmp, "scen", ['  Process "%s%s"' % (g, suffix)
                                     for g in WORKLOAD] + SMAPS)
    cd = procs.start(["collectd", "-f", "-C", conf], stdout=subprocess.DEVNULL,
                     stderr=open(os.path.join(tmp, "collectd.err"), "w"))
    time.sleep(SECONDS)
    shapes.stop(cd)
    log = os.path.join(tmp, "log")
    assert os.path.exists(log), "collectd wrote no log: %s" % open(
        os.path.join(tmp, "collectd.err")).read()[-500:]
    return Run(os.path.join(tmp, "csv", "scen"), log, suffix)


def name(kind, subject):
    return NAMES[kind].format(subject)


def ti(kind, subject):
    """The type instance alone (what notifications say)."""
    return name(kind, subject).split("-", 1)[1]


def near(x, want, tol):
    return x is not None and abs(x - want) <= tol * want


# ------------------------------------------------------------ leaks: the
# right category, about the right rate, the alarm raised

@pytest.mark.parametrize("group,cat,rate", LEAKERS, ids=[g for g, _, _ in LEAKERS])
def test_leak_rate(run, group, cat, rate):
    subj = MEM.format(cat)
    lr = run.last(group, name("leak_rate", subj))
    st = run.last(group, name("steady", subj))
    info("%s: %s %.0f B/s (true %d), steady %.1f%%" % (group, ti("leak_rate", subj), lr, rate, st)
         if lr is not None and st is not None else
         "%s: no %s" % (group, ti("leak_rate", subj)))
    assert near(lr, rate, 0.15), "%s: %s ~ %d B/s: got %s" % (
        group, ti("leak_rate", subj), rate, lr)


@pytest.mark.parametrize("group,cat,rate", LEAKERS, ids=[g for g, _, _ in LEAKERS])
def test_leak_steady(run, group, cat, rate):
    st = run.last(group, name("steady", MEM.format(cat)))
    assert st is not None and st >= 90, "%s: %s >= 90: got %s" % (
        group, ti("steady", MEM.format(cat)), st)


@pytest.mark.parametrize("group,cat,rate", LEAKERS, ids=[g for g, _, _ in LEAKERS])
def test_leak_alarm(run, group, cat, rate):
    instance = ti("leak_rate", MEM.format(cat))
    assert run.alarmed(group, instance), "%s: shipped alarm on %s: none in %d notifications" % (
        group, instance, len(run.notes))


OTHERS = [(g, c, r, o) for g, c, r in LEAKERS for o in ("heap", "anon", "shmem") if o != c]


@pytest.mark.parametrize("group,cat,rate,other", OTHERS,
                         ids=["%s-%s" % (g, o) for g, _, _, o in OTHERS])
def test_leak_other_category_flat(run, group, cat, rate, other):
    g = run.last(group, name("growth", MEM.format(other)))
    assert g is not None and abs(g) < 0.05 * rate, "%s: %s does not grow: got %s" % (
        group, other, g)


# ------------------------------------------------------------ counters

def test_threads_leak_rate(run):
    lt = run.last("sc_threads", name("leak_rate", "threads"))
    info("sc_threads: %s %s /s" % (ti("leak_rate", "threads"), lt))
    assert near(lt, 1, 0.15), "sc_threads: threads leak_rate ~ 1/s: got %s" % lt


def test_threads_anon_grows_with_stacks(run):
    ga = run.last("sc_threads", name("growth", MEM.format("anon")))
    assert ga is not None and ga >= 65536, \
        "sc_threads: anon grows with the thread stacks (>= 64 KiB/s): got %s" % ga


@pytest.mark.parametrize("value,want", [("fds", 2), ("sockets", 2)])
def test_fds_leak_rate(run, value, want):
    got = run.last("sc_fds", name("leak_rate", value))
    info("sc_fds: %s %s /s" % (ti("leak_rate", value), got))
    assert near(got, want, 0.15), "sc_fds: %s leak_rate ~ %d/s: got %s" % (value, want, got)


def test_fds_leak_without_memory_leak(run):
    tot = run.last("sc_fds", name("leak_rate", MEM.format("total")))
    assert tot == 0, "sc_fds: fds leak without memory leak: got %s" % tot


# ------------------------------------------------------------ non-leakers:
# never a non-zero leak_rate, never an alarm

@pytest.mark.parametrize("group", NON_LEAKERS)
def test_non_leaker_leak_rates_exist(run, group):
    kinds = {os.path.basename(f).rsplit("-", 3)[0]
             for f in run.files(group, NAMES["leak_rate"].format("*"))}
    st = [v for _, v in run.series(group, name("steady", MEM.format("heap")))]
    info("%s: %s max %.1f%%" % (group, ti("steady", MEM.format("heap")), max(st))
         if st else "%s: -" % group)
    assert len(kinds) == LEAK_RATES, "%s: the %d leak_rate values exist: %d: %s" % (
        group, LEAK_RATES, len(kinds), sorted(kinds))


@pytest.mark.parametrize("group", NON_LEAKERS)
def test_non_leaker_leak_rates_zero(run, group):
    kinds = {os.path.basename(f).rsplit("-", 3)[0]
             for f in run.files(group, NAMES["leak_rate"].format("*"))}
    bad = [(k, t, v) for k in sorted(kinds) for t, v in run.series(group, k) if v != 0]
    worst = max((v for k in kinds for _, v in run.series(group, k)), default=None)
    assert worst == 0, "%s: every leak_rate stayed 0: max %s, (value, t, got) %r" % (
        group, worst, bad[:5])


@pytest.mark.parametrize("group", NON_LEAKERS)
def test_non_leaker_no_alarm(run, group):
    assert not run.alarmed(group), "%s: no shipped alarm: %s" % (
        group, "".join(run.alarmed(group))[:300])


# ...though they did move: the sawtooth and warm-up really grew.

def test_sawtooth_heap_rose_and_fell(run):
    g = run.series("sc_saw", name("memory", "heap"))
    # (fell: some reading below the one before it; the last one may be a peak)
    assert g and max(v for _, v in g) > 4 * MIB and \
        any(b[1] < a[1] for a, b in zip(g, g[1:])), "sc_saw: heap rose and fell: %s" % (
            g[-3:] if g else g)


def test_warmup_heap_grew_then_stayed(run):
    g = run.series("sc_warm", name("memory", "heap"))
    assert g and g[-1][1] > 7 * MIB and abs(g[-1][1] - g[-5][1]) < 65536, \
        "sc_warm: heap grew 8 MiB then stayed: %s" % (g[-5:] if g else g)
