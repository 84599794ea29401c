#!/usr/bin/env python3
"""Checks the collectd scenario run: csv values and threshold notifications."""
import glob
import os
import sys

CSV, LOG, SUFFIX = sys.argv[1], sys.argv[2], sys.argv[3]
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {name} {detail}")


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
    lr = last(group, f"gauge-leak_rate_{cat}")
    print(f"{group}: leak_rate_{cat} {lr:.0f} B/s (true {rate}), "
          f"steady {last(group, f'percent-steady_{cat}'):.1f}%" if lr is not None else
          f"{group}: no leak_rate_{cat}")
    check(f"{group}: leak_rate_{cat} ~ {rate} B/s", near(lr, rate, 0.15), f"got {lr}")
    st = last(group, f"percent-steady_{cat}")
    check(f"{group}: steady_{cat} >= 90", st is not None and st >= 90, f"got {st}")
    check(f"{group}: shipped alarm on leak_rate_{cat}",
          len(alarmed(group, f"leak_rate_{cat}")) > 0)
    for other in ["heap", "anon", "shmem"]:
        if other != cat:
            g = last(group, f"gauge-growth_{other}")
            check(f"{group}: {other} does not grow", g is not None and abs(g) < 0.05 * rate,
                  f"got {g}")

check("sc_threads: leak_rate_threads ~ 1/s", near(last("sc_threads", "gauge-leak_rate_threads"), 1, 0.15),
      f"got {last('sc_threads', 'gauge-leak_rate_threads')}")
ga = last("sc_threads", "gauge-growth_anon")
check("sc_threads: anon grows with the thread stacks (>= 64 KiB/s)", ga is not None and ga >= 65536,
      f"got {ga}")
for v, want in [("fds", 2), ("sockets", 2)]:
    got = last("sc_fds", f"gauge-leak_rate_{v}")
    check(f"sc_fds: leak_rate_{v} ~ {want}/s", near(got, want, 0.15), f"got {got}")
tot = last("sc_fds", "gauge-leak_rate_total")
check("sc_fds: fds leak without memory leak", tot == 0, f"got {tot}")

for group, v in [("sc_threads", "threads"), ("sc_fds", "fds"), ("sc_fds", "sockets")]:
    print(f"{group}: leak_rate_{v} {last(group, f'gauge-leak_rate_{v}')} /s")
for group in ["sc_stable", "sc_saw", "sc_warm"]:
    st = [v for _, v in series(group, "percent-steady_heap")]
    print(f"{group}: steady_heap max {max(st) if st else None:.1f}%" if st else f"{group}: -")

# Non-leakers: never a non-zero leak_rate, never an alarm.
for group in ["sc_stable", "sc_saw", "sc_warm"]:
    files = glob.glob(os.path.join(CSV, f"smaps-{group}{SUFFIX}", "gauge-leak_rate_*"))
    # 8 categories, total, threads, fds, sockets
    check(f"{group}: leak_rate values exist", len(files) == 12, f"{len(files)} files")
    worst = max((v for f in files for _, v in series(group, os.path.basename(f).rsplit("-", 3)[0])),
                default=None)
    check(f"{group}: every leak_rate stayed 0", worst == 0, f"max {worst}")
    check(f"{group}: no shipped alarm", not alarmed(group), "".join(alarmed(group))[:300])
# ...though they did move: the sawtooth and warm-up really grew.
g = series("sc_saw", "memory-heap_private_dirty")
# (fell: some reading below the one before it; the last one may be a peak)
check("sc_saw: heap rose and fell", g and max(v for _, v in g) > 4 * MIB and
      any(b[1] < a[1] for a, b in zip(g, g[1:])), f"{g[-3:] if g else g}")
g = series("sc_warm", "memory-heap_private_dirty")
check("sc_warm: heap grew 8 MiB then stayed", g and g[-1][1] > 7 * MIB and abs(g[-1][1] - g[-5][1]) < 65536,
      f"{g[-5:] if g else g}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
