#!/usr/bin/python3
"""peers.py - `make bench`, the peers: CPU seconds (user + system, of the
child and what it runs) to read one 20,000-mapping process's smaps, for
smapwatch PID, cat, psutil's memory_maps(), pmap -X and smem, as ratios
to smapwatch, in one run: the tools interleaved, 7 rounds, medians (the
fgets+sscanf baseline is timed on the same text by bench, in MB/s).

usage: peers.py SMAPWATCH MANYMAPS"""
import resource
import shutil
import statistics
import subprocess
import sys

ROUNDS = 7


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(argv):
    before = child_cpu()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    return child_cpu() - before


def smaps_mb(path):
    with open(path, "rb") as f:
        return len(f.read()) / 1e6


def main():
    smapwatch, manymaps = sys.argv[1], sys.argv[2]
    helper = subprocess.Popen([manymaps, "20000"], stdout=subprocess.PIPE,
                              text=True)
    try:
        if not helper.stdout.readline().startswith("ready"):
            sys.exit("peers: helper did not start")
        pid = str(helper.pid)
        smaps = "/proc/%s/smaps" % pid
        tools = [
            ("smapwatch PID", [smapwatch, pid]),
            ("cat /proc/PID/smaps", ["cat", smaps]),
            ("psutil memory_maps(grouped=False)",
             [sys.executable, "-c", "import psutil,sys; "
              "psutil.Process(int(sys.argv[1])).memory_maps(grouped=False)",
              pid]),
            ("pmap -X PID", ["pmap", "-X", pid]),
            # smem reads every process's cmdline, then the smaps of those
            # matching -P: only the helper's (its full path).
            ("smem -P MANYMAPS", ["smem", "-P", "^" + manymaps]),
        ]
        missing = [a[0] for _, a in tools if shutil.which(a[0]) is None]
        if missing:
            sys.exit("peers: not installed: %s (sh .ci/deps)" % " ".join(missing))
        try:
            import psutil  # noqa: F401
        except ImportError:
            sys.exit("peers: python3-psutil not installed (sh .ci/deps)")
        cpu = {name: [] for name, _ in tools}
        for name, argv in tools:  # warm-up: page cache, Python's .pyc
            timed(argv)
        for _ in range(ROUNDS):
            for name, argv in tools:
                cpu[name].append(timed(argv))
        print("\npeers: CPU s (user+system, median of %d, interleaved) to read "
              "one 20000-mapping process (%.1f MB of smaps)"
              % (ROUNDS, smaps_mb(smaps)))
        ours = statistics.median(cpu[tools[0][0]])
        for name, _ in tools:
            m = statistics.median(cpu[name])
            print("  %-36s %7.3f s  %6.2fx" % (name, m, m / ours))
    finally:
        helper.kill()
        helper.wait()


if __name__ == "__main__":
    main()
