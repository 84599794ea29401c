#!/usr/bin/env python3
"""Checks the collectd scenario run: csv values and threshold notifications."""
import glob
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from tally import Tally

# Every value name this check reads (README "Values"), in one table: the
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

CSV, LOG, SUFFIX = sys.argv[1], sys.argv[2], sys.argv[3]
T = Tally(verbose=False)


def name(kind, subject):
    return NAMES[kind].format(subject)


def ti(kind, subject):
    """The type instance alone (what notifications say)."""
    return name(kind, subject).split("-", 1)[1]


def check(name, ok, detail=""):
    return T.check(name, ok, detail)


def series(group, value):
    """[(time, value)] of smaps-GROUP/VALUE, or []."""
    files = glob.glob(os.path.join(CSV, f"smaps-{group}{SUFFIX}", f"{value}-*"))
    rows = []
    for f in files:
        with open(f) as fh:
            for line in fh:
                if line[0].isdigit():
                    t, v = line.strip().split(",")[:2]
                    rows.append((float(t), float(v)))
    return sorted(rows)


def last(group, value):
    s = series(group, value)
    return s[-1][1] if s else None


def near(x, want, tol):
    return x is not None and abs(x - want) <= tol * want


notes = [l for l in open(LOG) if "Notification:" in l]


def alarmed(group, instance=None):
    return [l for l in notes if f"plugin_instance = {group}{SUFFIX}," in l and
            ("severity = WARNING" in l or "severity = FAILURE" in l) and
            (instance is None or f"type_instance = {instance}," in l)]


MIB = 1048576
# Leaks: the right category, about the right rate, the alarm raised.
for group, cat, rate in [("sc_heap", "heap", MIB),
                         # grow_mmap maps whole pages: 26 a tick
                         ("sc_anon", "anon", 1064960),
                         ("sc_memfd", "shmem", 1310720)]:
    subj = MEM.format(cat)
    lr = last(group, name("leak_rate", subj))
    st = last(group, name("steady", subj))
    print(f"{group}: {ti('leak_rate', subj)} {lr:.0f} B/s (true {rate}), "
          f"steady {st:.1f}%" if lr is not None and st is not None else
          f"{group}: no {ti('leak_rate', subj)}")
    check(f"{group}: {ti('leak_rate', subj)} ~ {rate} B/s", near(lr, rate, 0.15), f"got {lr}")
    check(f"{group}: {ti('steady', subj)} >= 90", st is not None and st >= 90, f"got {st}")
    check(f"{group}: shipped alarm on {ti('leak_rate', subj)}",
          len(alarmed(group, ti("leak_rate", subj))) > 0)
    for other in ["heap", "anon", "shmem"]:
        if other != cat:
            g = last(group, name("growth", MEM.format(other)))
            check(f"{group}: {other} does not grow", g is not None and abs(g) < 0.05 * rate,
                  f"got {g}")

lt = last("sc_threads", name("leak_rate", "threads"))
check("sc_threads: threads leak_rate ~ 1/s", near(lt, 1, 0.15), f"got {lt}")
ga = last("sc_threads", name("growth", MEM.format("anon")))
check("sc_threads: anon grows with the thread stacks (>= 64 KiB/s)", ga is not None and ga >= 65536,
      f"got {ga}")
for v, want in [("fds", 2), ("sockets", 2)]:
    got = last("sc_fds", name("leak_rate", v))
    check(f"sc_fds: {v} leak_rate ~ {want}/s", near(got, want, 0.15), f"got {got}")
tot = last("sc_fds", name("leak_rate", MEM.format("total")))
check("sc_fds: fds leak without memory leak", tot == 0, f"got {tot}")

for group, v in [("sc_threads", "threads"), ("sc_fds", "fds"), ("sc_fds", "sockets")]:
    print(f"{group}: {ti('leak_rate', v)} {last(group, name('leak_rate', v))} /s")
for group in ["sc_stable", "sc_saw", "sc_warm"]:
    st = [v for _, v in series(group, name("steady", MEM.format("heap")))]
    print(f"{group}: {ti('steady', MEM.format('heap'))} max {max(st):.1f}%" if st else f"{group}: -")

# Non-leakers: never a non-zero leak_rate, never an alarm.
pattern = NAMES["leak_rate"].format("*")
for group in ["sc_stable", "sc_saw", "sc_warm"]:
    files = glob.glob(os.path.join(CSV, f"smaps-{group}{SUFFIX}", pattern + "-*"))
    kinds = {os.path.basename(f).rsplit("-", 3)[0] for f in files}
    check(f"{group}: the {LEAK_RATES} leak_rate values exist", len(kinds) == LEAK_RATES,
          f"{len(kinds)}: {sorted(kinds)}")
    worst = max((v for k in kinds for _, v in series(group, k)), default=None)
    check(f"{group}: every leak_rate stayed 0", worst == 0, f"max {worst}")
    check(f"{group}: no shipped alarm", not alarmed(group), "".join(alarmed(group))[:300])
# ...though they did move: the sawtooth and warm-up really grew.
g = series("sc_saw", name("memory", "heap"))
# (fell: some reading below the one before it; the last one may be a peak)
check("sc_saw: heap rose and fell", g and max(v for _, v in g) > 4 * MIB and
      any(b[1] < a[1] for a, b in zip(g, g[1:])), f"{g[-3:] if g else g}")
g = series("sc_warm", name("memory", "heap"))
check("sc_warm: heap grew 8 MiB then stayed", g and g[-1][1] > 7 * MIB and abs(g[-1][1] - g[-5][1]) < 65536,
      f"{g[-5:] if g else g}")

sys.exit(T.summary())
