#!/usr/bin/env python3
"""hostcost.py PLUGIN [APPS_PLUGIN] - the cost of collection on a host
with 2,000 more processes (issue 18's benchmark), in one run: the CPU time
smaps.plugin spends over SECONDS at 1 s updates with no process in a group
and with all 2,000 in one, beside Netdata's own apps.plugin (netdata-core)
on the same host, and the ratios: CPU per watched process, smaps.plugin
against apps.plugin per process it looks at. The default tiering
(--full-interval 60): smaps once, status every second.

Each plugin runs alone, one after the other, and its CPU is its own and
its children's rusage (wait4). About a minute (3 x 15 s, and the spawning)."""

import os
import signal
import subprocess
import sys
import tempfile
import time

PLUGIN = sys.argv[1] if len(sys.argv) > 1 else "build/smaps.plugin"
APPS = sys.argv[2] if len(sys.argv) > 2 else \
    "/usr/lib/netdata/plugins.d/apps.plugin"
N = int(os.environ.get("HOSTCOST_PROCESSES", "2000"))
SECONDS = float(os.environ.get("HOSTCOST_SECONDS", "15"))
MARK = "%d.%d" % (600 + N, os.getpid())    # sleep's argument, ours alone


def host_processes():
    return sum(d.isdigit() for d in os.listdir("/proc"))


def run(argv, env=None):
    """CPU seconds (user + system) argv spends over SECONDS, its stdout
    read and thrown away as Netdata would read it."""
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, env=env)
    end = time.monotonic() + SECONDS
    os.set_blocking(p.stdout.fileno(), False)
    while time.monotonic() < end:
        try:
            if os.read(p.stdout.fileno(), 1 << 20) == b"":
                break
        except BlockingIOError:
            time.sleep(0.05)
    os.kill(p.pid, signal.SIGTERM)
    _, _, ru = os.wait4(p.pid, 0)
    return ru.ru_utime + ru.ru_stime


def main():
    if not os.access(APPS, os.X_OK):
        print("hostcost: %s missing (Debian package netdata-core)" % APPS)
        return 1
    kids = []
    try:
        for _ in range(N):
            kids.append(subprocess.Popen(["sleep", MARK],
                                         stdin=subprocess.DEVNULL))
        time.sleep(1)
        procs = host_processes()
        with tempfile.TemporaryDirectory() as tmp:
            none = os.path.join(tmp, "none.conf")
            every = os.path.join(tmp, "all.conf")
            open(none, "w").write("none: no-such-process-%d\n" % os.getpid())
            open(every, "w").write("all: *%s*\n" % MARK)
            cpu_none = run([PLUGIN, "1", "--config", none])
            cpu_all = run([PLUGIN, "1", "--config", every])
        env = dict(os.environ, NETDATA_USER_CONFIG_DIR="/nonexistent",
                   NETDATA_STOCK_CONFIG_DIR="/usr/lib/netdata/conf.d")
        cpu_apps = run([APPS, "1"], env=env)
    finally:
        for k in kids:
            k.kill()
        for k in kids:
            k.wait()
    per_smaps = (cpu_all - cpu_none) / N
    per_apps = cpu_apps / procs
    print("hostcost: %d processes on the host (%d ours), %.0f s at 1 s "
          "updates" % (procs, N, SECONDS))
    print("hostcost: smaps.plugin, no member          %6.2f s CPU" % cpu_none)
    print("hostcost: smaps.plugin, %d-member group  %6.2f s CPU" % (N, cpu_all))
    print("hostcost: apps.plugin (every process)      %6.2f s CPU" % cpu_apps)
    print("hostcost: ratio smaps.plugin all / apps.plugin: %.2f"
          % (cpu_all / cpu_apps if cpu_apps else float("inf")))
    print("hostcost: per watched process: smaps.plugin %.0f us/s, "
          "apps.plugin %.0f us/s per process: ratio %.2f (aim <= 1)"
          % (1e6 * per_smaps / SECONDS, 1e6 * per_apps / SECONDS,
             per_smaps / per_apps if per_apps else float("inf")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
