"""shapes.py - the leak shapes of issue 12, shared by test_shapes_collectd.py
and test_shapes_netdata.py: what each group runs, what it must show at
every reading, the services (PostgreSQL 15, Redis 7) and the swap file the
tests make. A test module's fixture turns its daemon's
output into readings, {group: {signal: [(t, value)]}} with t in seconds
since the plugin's first reading, and alarms, [(t, group, name, status)],
in a judges.Record; its tests (shapes_tests.py) call judges.py's check_*
on it.

Signals (the drivers map them to their hosts' names): leak_rate.CAT,
growth.CAT (CAT: a category or total), memory_per_socket,
request_path_leak, rss.CAT, swap.CAT, in bytes or bytes per second.

Everything started here runs in the caller's temp dir (unix sockets only,
names unique to the run) and is stopped by stop_all(), also on failure."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from pgwait import pg_wait_ready  # noqa: E402
from figures import info  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
PGBIN = os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")
REDIS = os.environ.get("REDIS_SERVER", "/usr/bin/redis-server")

# The growth window (s): 40, so that each of the floor fit's buckets
# (10 of 4 s; 16 of 2.5 s in i12a's first version) holds several readings
# of a 2 s sawtooth, one of them near its low point. Measured at 20 s with
# 16 buckets (1.25 s, often one reading): the 160 KiB/s leak under the
# sawtooth and Python's read 0 throughout.
WINDOW = int(os.environ.get("SHAPES_WINDOW", 40))
WARM_UP = 5          # a member younger than this is warming up (s)
JUDGE_FROM = WINDOW + 8   # leak rates judged from here on (s): a full window
RUN = JUDGE_FROM + int(os.environ.get("SHAPES_JUDGED", 47))  # s of readings
WARN = 1 * 1048576 / 3600    # the shipped alarms' rates (B/s)
CRIT = 10 * 1048576 / 3600
# A pure sawtooth's floor slope: within a tenth of its 16 MiB swing per
# window (measured at a 40 s window: up to 18 kB/s of 42)
SAW_NOISE = 0.1 * 16 * 1048576 / WINDOW
CATS = ["heap", "stack", "anon", "shmem", "binary", "libs", "files", "kernel"]
TAG = "%04d" % (os.getpid() % 10000)
KIB = 1024
MIB = 1048576


def comm(group):
    return ("s%s%s" % (group[:10], TAG))[:15]


# group -> what it runs and what it must show. cmd: workload and its
# arguments (--comm and --seconds are added); leak: (category, B/s,
# tolerance) of a leak, flagged at every reading from JUDGE_FROM; quiet: a
# non-leak, every leak rate 0 at every reading and no alarm, ever; flat:
# {category: bound (B/s)} its growth (floor slope) stays within at every
# reading from JUDGE_FROM;
# swing: (category, bytes) the process's Rss must have moved, read by the
# test 5 times a second (the shape is real); holds: (category, bytes) the
# group's memory in the category must have reached.
# Leaks are whole pages a tick in anon (multiples of 40 KiB/s). Under the
# sawtooth the rate is read off the floor's minima, 1 s readings of a
# swing 5 times the window's leak: 25% (measured 158-190 kB/s in collectd,
# 163 kB/s +-0.3% in Netdata, for 164 kB/s).
SHAPES = {
    # 1. a leak under a sawtooth (16 MiB swing every 2 s over a floor rising
    #    160 KiB/s: 3.1 MiB a window, the swing 5 times that); a pure one
    "sawleak": dict(cmd=["sawleak", "--rate", "160", "--swing", "16384",
                         "--period", "2"],
                    leak=("anon", 160 * KIB, 0.25), swing=("anon", 12 * MIB)),
    "saw": dict(cmd=["sawleak", "--rate", "0", "--swing", "16384",
                     "--period", "2"],
                quiet=True, flat={"anon": SAW_NOISE, "total": SAW_NOISE},
                swing=("anon", 12 * MIB)),
    # 2. a leaking master forking a child a second that lives 3 s (each
    #    child +-0.5 s, at random: workers ending in step with the reads
    #    are docs/leaks.md's limit); a pool whose workers grow 4 MiB in
    #    their first second, replaced continually
    "master": dict(cmd=["forking", "--rate", "256", "--fork-every", "1",
                        "--child-life", "3"],
                   leak=("heap", 256 * KIB, 0.15)),
    "pool": dict(cmd=["forking", "--rate", "0", "--fork-every", "1",
                      "--child-life", "3", "--warm", "4096"],
                 quiet=True, holds=("heap", 8 * MIB)),
    # 3. a leak in memory shared by fork (children forked every 2 s live
    #    8 s: most of the leak is mapped by 4 processes); 32 MiB of shared
    #    anonymous memory mapped by 6 processes, 5 of which exit one by one
    "forkshare": dict(cmd=["forking", "--rate", "320", "--anon", "1",
                           "--fork-every", "2", "--child-life", "8"],
                      leak=("anon", 320 * KIB, 0.15)),
    "sharedexit": dict(cmd=["sharedexit", "--mib", "32", "--members", "5",
                            "--first-exit", "30", "--exit-every", "8"],
                       quiet=True, flat={"shmem": WARN, "total": CRIT}),
    # 4. a leak being swapped out: 320 KiB/s leaked, 640 KiB/s paged out
    "pageout": dict(cmd=["pageout", "--rate", "320", "--resident", "32",
                         "--out", "640"],
                    leak=("anon", 320 * KIB, 0.15), swap=True),
    # 5. memory growing with sockets (256 KiB per new socket, one a
    #    second), and growing with sockets flat (256 KiB/s, 4 sockets)
    "perconn": dict(cmd=["sockets", "--conn-every", "1", "--per-conn", "256",
                         "--rate", "0", "--sockets", "2"],
                    leak=("heap", 256 * KIB, 0.15), per_socket=256 * KIB),
    "reqpath": dict(cmd=["sockets", "--conn-every", "0", "--rate", "256",
                         "--sockets", "4"],
                    leak=("heap", 256 * KIB, 0.15), request_path=256 * KIB),
    # 6. real programs: Python's gc sawtooth (24 MiB built over 1 s, freed,
    #    1 s idle) with and without a rising floor (300 KiB/s), PostgreSQL
    #    under pgbench -C, Redis with a key space growing. (Built over the
    #    whole round instead, its floor is seen as rarely as sawleak's and
    #    the interpreter's jitter made leak_rate flicker to 0 at 6 of 47
    #    readings of one Netdata run of three.)
    "pysaw": dict(cmd=["pysaw.py", "--rate", "0", "--swing", "24576",
                       "--period", "2", "--rise", "1"],
                  quiet=True, swing=("anon", 16 * MIB)),
    "pyleak": dict(cmd=["pysaw.py", "--rate", "300", "--swing", "24576",
                        "--period", "2", "--rise", "1"],
                   leak=("anon", 300 * KIB, 0.15), swing=("anon", 16 * MIB)),
    # PostgreSQL's shmem: no growth beyond 64 KiB/s (2.5 MiB a window, a
    # tenth of its ~25 MiB; measured up to 14.5 kB/s either way, as its own
    # Pss_Shmem summed by the test wanders -8..+10 kB/s with the transient
    # backends). USS's error was 85 MB when 4 backends exited.
    "postgres": dict(service="postgres", quiet=True, flat={"shmem": 64 * KIB}),
    "redis": dict(service="redis", leak=("anon", None, 0.15), zero=["heap"]),
}
LEAKERS = [g for g, s in SHAPES.items() if "leak" in s]
QUIET = [g for g, s in SHAPES.items() if s.get("quiet")]


# ------------------------------------------------------------ processes


class Procs:
    """What the test started, each in its own session, stopped in reverse."""

    def __init__(self):
        self.procs = []

    def start(self, cmd, **kw):
        p = subprocess.Popen(cmd, start_new_session=True, **kw)
        self.procs.append(p)
        return p

    def stop_all(self):
        for p in reversed(self.procs):
            stop(p)
        self.procs = []


def stop(p, sig=signal.SIGTERM, timeout=10):
    if p.poll() is None:
        p.send_signal(sig)
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(p.pid, signal.SIGKILL)   # what is left of its session
    except (ProcessLookupError, PermissionError):
        pass
    p.wait()


def workload_cmd(wl_dir, group):
    exe, *args = SHAPES[group]["cmd"]
    path = os.path.join(wl_dir, exe)
    if exe.endswith(".py"):
        path = os.path.join(ROOT, "tests", "workloads", exe)
        return [sys.executable, path] + args + ["--seconds", str(RUN + 60),
                                               "--comm", comm(group)]
    return [path] + args + ["--seconds", str(RUN + 60), "--comm", comm(group)]


def start_workloads(procs, wl_dir, groups):
    """Starts each group's workload; {group: pid}."""
    pids = {}
    for g in groups:
        p = procs.start(workload_cmd(wl_dir, g), stdout=subprocess.PIPE)
        line = p.stdout.readline().split()
        assert line[:1] == [b"ready"], "%s: workload started: %r" % (g, line)
        pids[g] = p.pid
    return pids


def rollup(pid):
    """{field: bytes} of a process's smaps_rollup, or None once it is gone."""
    f = {}
    try:
        for line in open("/proc/%d/smaps_rollup" % pid):
            k, _, v = line.partition(":")
            if v.strip().endswith("kB"):
                f[k] = int(v.split()[0]) * 1024
    except OSError:
        return None
    return f


def owned_anon(f):
    """The anonymous memory a process owns: Pss_Anon + SwapPss. Not all of
    Pss: the Pss of its libraries and binary moves whenever a process
    outside the group maps or unmaps them (measured: Redis's Pss stepped
    by 1.2 MiB as other redis-servers came and went, while its anon grew
    smoothly)."""
    return f.get("Pss_Anon", 0) + f.get("SwapPss", 0)


def cmdline_pids(word):
    """The pids whose command line holds word (a service's processes)."""
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if word.encode() in open("/proc/%s/cmdline" % d, "rb").read():
                    out.append(int(d))
            except OSError:
                pass
    return out


class Sampler(threading.Thread):
    """Reads smaps_rollup once a second, independently of the plugins: the
    truth for services whose rates nobody chose. what: {group: (pids
    function, value function of a rollup)}; a group's sample is the sum
    over its processes. Samples are (unix time, bytes)."""

    def __init__(self, what, interval):
        super().__init__(daemon=True)
        self.what, self.interval, self.samples = what, interval, {}
        self.stopping = False

    def run(self):
        while not self.stopping:
            for g, (pids, value) in self.what.items():
                rs = [rollup(p) for p in pids()]
                rs = [r for r in rs if r]
                if rs:
                    self.samples.setdefault(g, []).append(
                        (time.time(), sum(value(r) for r in rs)))
            time.sleep(self.interval)

    def slope(self, group, end, span):
        """Least-squares slope (B/s) of a group's samples in [end - span,
        end] (unix times), or None with fewer than 4."""
        s = [(t, v) for t, v in self.samples.get(group, []) if end - span <= t <= end]
        if len(s) < 4:
            return None
        n, mt = len(s), sum(t for t, _ in s) / len(s)
        mv = sum(v for _, v in s) / n
        den = sum((t - mt) ** 2 for t, _ in s)
        return sum((t - mt) * (v - mv) for t, v in s) / den if den else None

    def stop(self):
        self.stopping = True
        if getattr(self, "fast", None):
            self.fast.stop()

    def moved(self, group):
        """max - min of a group's samples (bytes), or 0."""
        v = [x for _, x in self.samples.get(group, [])]
        return max(v) - min(v) if v else 0


class Truth:
    """What the test measured itself, in the readings' time (t since t0)."""

    def __init__(self, sampler, t0):
        self.sampler, self.t0 = sampler, t0

    def rate(self, group):
        """The slope over the judged part of the run."""
        return self.sampler.slope(group, self.t0 + RUN, RUN - JUDGE_FROM)

    def slope_at(self, group, t):
        """The slope over the growth window ending at reading t."""
        return self.sampler.slope(group, self.t0 + t, WINDOW)


def start_all(procs, tmp, wl_dir, swap):
    """Every shape's workload and service, then the truth sampler:
    (groups, {group: pid, cluster name or pidfile}, sampler). pageout only
    with swap on (swap: swap_on's answer)."""
    groups = [g for g in SHAPES if g != "pageout" or swap]
    pids = start_workloads(procs, wl_dir, [g for g in groups if "service" not in SHAPES[g]])
    pids["postgres"] = pg_start(procs, tmp)
    pids["redis"], pids["redis_pid"] = redis_start(procs, tmp)
    return [g for g in groups if pids.get(g)], pids, truth_sampler(pids)


def truth_sampler(pids):
    """The Sampler of this suite, once a second: Redis's anonymous memory,
    the PostgreSQL cluster's shared memory (Pss_Shmem summed over its
    processes, for the record); and 5 times a second the Rss of the
    sawtooth workloads (readings once a second catch a varying part of a
    2 s swing: the shape is checked on these)."""
    what, fast = {}, {}
    if pids.get("redis_pid"):
        pid = pids["redis_pid"]
        what["redis"] = (lambda: [pid], owned_anon)
    if pids.get("postgres"):
        name = pids["postgres"]
        what["postgres"] = (lambda: cmdline_pids(name),
                            lambda f: f.get("Pss_Shmem", 0))
    for g in SHAPES:
        if "swing" in SHAPES[g] and pids.get(g):
            fast[g] = ((lambda p: lambda: [p])(pids[g]), lambda f: f.get("Rss", 0))
    sampler = Sampler(what, 1)
    sampler.fast = Sampler(fast, 0.2)
    sampler.start()
    sampler.fast.start()
    return sampler


# ------------------------------------------------------------ swap


SWAP = {}   # "path": the swap file this run switched on
NO_SWAP = ("pageout: no swap file could be enabled (swapon needs root and a "
           "disk file system): the swapped-out leak is NOT tested")


def swap_on(tmp):
    """Makes and enables a 512 MiB swap file; its path, or None after a
    line saying why (NO_SWAP; the pageout tests skip with it). swap_off() undoes it."""
    for d in (tmp, "/var/tmp"):
        path = os.path.join(d, "smapwatch-swap-%s" % TAG)
        steps = [["fallocate", "-l", "512M", path], ["chmod", "600", path],
                 ["mkswap", path], ["swapon", path]]
        for cmd in steps:
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode:
                print("swap in %s: %s: %s" % (d, " ".join(cmd[:1]),
                                               (r.stderr or r.stdout).strip()))
                break
        else:
            info("swap file %s on" % path)
            SWAP["path"] = path
            return path
        swap_off(path)
    info(NO_SWAP)
    return None


def swap_off(path):
    if path and os.path.exists(path):
        if path in open("/proc/swaps").read():
            subprocess.run(["swapoff", path])
        os.unlink(path)


# ------------------------------------------------------------ services


PG = {}   # "bench": the pgbench -C process


def pg_start(procs, tmp):
    """PostgreSQL 15 as user postgres, on a unix socket only, its cluster
    named so that every process's command line says it; then pgbench -C
    (a new connection, so a new backend, per transaction) for the whole
    run. The group pattern: the cluster name."""
    name = "swpg%s" % TAG
    data, sock = os.path.join(tmp, "pg"), os.path.join(tmp, "pgsock")
    for d in (data, sock):
        os.makedirs(d)
        shutil.chown(d, "postgres", "postgres")
    os.chmod(tmp, 0o755)
    as_pg = dict(user="postgres", group="postgres", extra_groups=[])
    r = subprocess.run([os.path.join(PGBIN, "initdb"), "-D", data, "-A", "trust",
                        "--no-sync", "-U", "postgres"], capture_output=True,
                       text=True, cwd=tmp, **as_pg)
    assert r.returncode == 0, "postgres: initdb: %s" % r.stderr[-300:]
    log = open(os.path.join(tmp, "pg.log"), "w")
    procs.start([os.path.join(PGBIN, "postgres"), "-D", data, "-k", sock,
                 "-c", "listen_addresses=", "-c", "cluster_name=" + name,
                 "-c", "shared_buffers=16MB", "-c", "fsync=off"],
                stdout=log, stderr=log, cwd=tmp, **as_pg)
    assert pg_wait_ready(PGBIN, sock, 20), "postgres: up, accepting connections"
    bench = [os.path.join(PGBIN, "pgbench"), "-h", sock, "-U", "postgres"]
    r = subprocess.run(bench + ["-i", "-q", "-s", "1", "postgres"],
                       capture_output=True, text=True, cwd=tmp, **as_pg)
    assert r.returncode == 0, "postgres: pgbench -i: %s" % r.stderr[-300:]
    PG["bench"] = procs.start(
        bench + ["-C", "-n", "-c", "2", "-R", "10", "-T", str(RUN + 60), "postgres"],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "pgbench.log"), "w"),
        cwd=tmp, **as_pg)
    return name


def redis_start(procs, tmp):
    """Redis 7 on a unix socket, no persistence, and a client that adds a
    6 KiB value every 100 ms (a key space growing ~60 KiB/s). The group:
    a pidfile the test writes. Returns (pidfile, pid)."""
    sock = os.path.join(tmp, "redis.sock")
    p = procs.start([REDIS, "--port", "0", "--unixsocket", sock, "--save", "",
                     "--appendonly", "no", "--dir", tmp],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert wait_for(sock, 10), "redis: socket up"
    pidfile = os.path.join(tmp, "redis.pid")
    open(pidfile, "w").write("%d\n" % p.pid)
    threading.Thread(target=redis_fill, args=(sock,), daemon=True).start()
    return pidfile, p.pid


def redis_fill(sock):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock)
    value = b"v" * 6144
    start, k = time.monotonic(), 0
    try:
        while True:
            key = b"key:%d" % k
            s.sendall(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n"
                      % (len(key), key, len(value), value))
            if s.recv(64)[:3] != b"+OK":
                return
            k += 1
            time.sleep(max(0, start + k / 10 - time.monotonic()))
    except OSError:
        return   # redis stopped


def wait_for(path, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if os.path.exists(path):
            return True
        time.sleep(0.2)
    return False


def plugin_has(path, word):
    """Whether a plugin binary knows an option (its strings hold it)."""
    try:
        return word.encode() in open(path, "rb").read()
    except OSError:
        return False
