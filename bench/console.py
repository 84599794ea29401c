#!/usr/bin/env python3
"""console.py - `make bench`'s lines for the console subcommands: the cost
per mapping of writing a snapshot, reading one back and diffing two, at
2,000 and at 20,000 mappings (hand-made trees, tests/fixtures/diff/
trees.py). Linear code costs the same per mapping at both sizes; a
quadratic step would cost ten times more at 20,000.

    python3 bench/console.py build/smapwatch
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "fixtures", "diff"))
import trees  # noqa: E402

RUNS = 7
LIMIT = 2.0   # per-mapping cost at 20,000 over 2,000 (quadratic: ~10x)


def median_ms(argv):
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main():
    sw = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="sw-bench-")
    try:
        root = os.path.join(tmp, "proc")
        sizes = {301: 0, 302: 2000, 303: 20000}
        for pid, n in sizes.items():
            trees.many_maps(root, pid, n)
        files = {}
        for pid in sizes:
            files[pid] = os.path.join(tmp, "%d.json" % pid)
            subprocess.run([sw, "snapshot", "-r", root, "-o", files[pid],
                            str(pid)], check=True)
        cases = [
            ("snapshot write (-r tree)",
             lambda pid: [sw, "snapshot", "-r", root, str(pid)]),
            ("snapshot read back (rewrite)",
             lambda pid: [sw, "snapshot", files[pid]]),
            ("diff of two snapshots (-j -a)",
             lambda pid: [sw, "diff", "-j", "-a", files[pid], files[pid]]),
        ]
        ok = True
        for name, argv in cases:
            base = median_ms(argv(301))   # start-up and the few fixed maps
            per = {}
            for pid in (302, 303):
                per[pid] = (median_ms(argv(pid)) - base) * 1000 / sizes[pid]
            ratio = per[303] / per[302]
            verdict = "PASS" if ratio <= LIMIT else "FAIL"
            ok &= ratio <= LIMIT
            print("%-30s %6.2f us/map at 2,000, %6.2f at 20,000  ratio "
                  "%5.2fx  <= %.1fx  %s" % (name, per[302], per[303], ratio,
                                            LIMIT, verdict))
        return 0 if ok else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
