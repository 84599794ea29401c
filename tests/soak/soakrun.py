"""soakrun.py - one bounded churn soak of one plugin configuration: starts
the target (the plugin, under valgrind memcheck, ASan+UBSan, massif or
plain, alone or in collectd) beside churn (churn.c), samples its RSS and
fds through the run, stops it and records what the tests judge
(test_soak.py; the judging arithmetic is soakjudge.py).

Configurations (CONFIGS):
  netdata-valgrind   build/smaps.plugin 1 under valgrind memcheck
  netdata-asan       build/asan/smaps.plugin 1 (ASan+UBSan)
  netdata-massif     build/smaps.plugin 1 under valgrind's heap profiler
  collectd-valgrind  /usr/sbin/collectd -f under valgrind, build/smaps.so
  collectd-asan      stock collectd, LD_PRELOAD clang's ASan runtime,
                     build/asan/smaps.so (ASan+UBSan)
  collectd-massif    collectd under valgrind's heap profiler, build/smaps.so:
                     the heap held through our plugin, snapshot by snapshot
  collectd-plain, netdata-plain  the same, unsanitized (a baseline)
Everything started is in a process group of its own and killed (TERM,
then KILL) before run() returns, whatever happens (an exception, the
watchdog's, a signal turned into KeyboardInterrupt by conftest.py)."""

import collections
import os
import re
import select
import shutil
import signal
import subprocess
import threading
import time

CONFIGS = ("netdata-valgrind", "netdata-asan", "netdata-massif",
           "netdata-plain", "collectd-valgrind", "collectd-asan",
           "collectd-massif", "collectd-plain")
BURST, GAP = 10, 0.05            # fd listings per sample (see sample())
COLLECTD = "/usr/sbin/collectd"
TYPESDB = "/usr/share/collectd/types.db"
MASSIF = ["valgrind", "--tool=massif", "--depth=40", "--threshold=0",
          "--detailed-freq=1", "--max-snapshots=100", "--time-unit=ms"]
VALGRIND = ["valgrind", "--leak-check=full", "--error-exitcode=99",
            "--show-leak-kinds=definite,indirect",
            "--errors-for-leak-kinds=definite,indirect",
            "--num-callers=40", "--keep-debuginfo=yes", "--track-fds=no",
            # Full source paths in the stacks: soakjudge.OURS knows our
            # static functions (smaps_read, make_ids...) by their files.
            "--fullpath-after="]

# One sample of the target: RSS KiB, the fds held (open in every listing
# of a burst) and their count, the most open in one listing, the targets
# of the others (transient), and the kept /proc/PID fds of exited members.
Sample = collections.namedtuple(
    "Sample", "t rss n_held n_open transient held dead")


class Record:
    """What one configuration's run left for the tests to judge."""

    def __init__(self, config, seconds, tmp):
        self.config, self.seconds, self.tmp = config, seconds, tmp
        self.netdata = config.startswith("netdata")
        self.tool = config.split("-", 1)[1]     # valgrind asan massif plain
        self.samples = []
        self.maps = ""                 # the target's /proc/PID/maps at start
        self.alive_rc = None           # poll() at the end of the sampling
        self.churn = {}                # churn's stats line, key=value
        self.rc = None                 # the target's exit status, or "timeout"
        self.stdout_bytes = self.cycles = None
        self.csv_dirs = []
        self.stderr = self.log = ""    # the target's stderr, collectd's log
        self.vglog = os.path.join(tmp, "valgrind.log")
        self.massif_out = os.path.join(tmp, "massif.out")
        self.sandir = os.path.join(tmp, "san")


def quarantine_mb(config):
    """ASan's quarantine of freed blocks: 4 MB for the Netdata plugin; none
    in collectd, where with any quarantine ASan's allocator RSS creeps for
    minutes (+1.5 MB per third of 150 s with 1 MB, +2 MB with 4 MB) by
    recycling the freed blocks of collectd's own traffic (the csv writer's
    fopen buffers, most of it), while the heap in use stays flat (see the
    collectd-massif configuration). Use after free in collectd is left to
    memcheck (collectd-valgrind)."""
    return os.environ.get("SOAK_QUARANTINE_MB",
                          "0" if config.startswith("collectd") else "4")


class Children:
    """Processes started, each leading a process group of its own."""

    def __init__(self):
        self.procs = []

    def spawn(self, argv, **kw):
        kw.setdefault("stdin", subprocess.DEVNULL)
        p = subprocess.Popen(argv, start_new_session=True, **kw)
        self.procs.append(p)
        return p

    def kill_all(self):
        """Each one's whole process group, TERM then KILL."""
        for p in self.procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.time() + 5
        for p in self.procs:
            try:
                p.wait(max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                pass
        for p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            if p.poll() is None:
                p.wait()


# ------------------------------------------------------------- sampling

KEPT = re.compile(r"/proc/\d+(?:/stat|/status)?( \(deleted\))?$")


def open_fds(pid, dead):
    """{(fd, what it points at)} of pid, but for the /proc/PID directories
    and their stat and status files, which the core keeps open for each
    member across cycles (proccache.h): those come and go with the
    members, and one of a process that exited is closed at the next
    cycle. Those of exited ones are added to dead, judged apart."""
    fds = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue            # closed between the listing and readlink
        m = KEPT.match(target)
        if m:
            if m.group(1):
                dead.add((fd, target))
            continue
        fds.add((fd, target))
    return fds


def sample(pid, t):
    """A Sample, or None if the target is gone. The fds are listed BURST
    times GAP s apart: those open in every listing are "held" (a leaked
    fd is); the others are transient: a read of ours in progress,
    collectd's csv or log writer between open and close. (A single
    listing was not enough: docs/contributing.md, "Soak".)"""
    try:
        with open("/proc/%d/status" % pid) as f:
            rss = int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
        dead = set()
        first = open_fds(pid, dead)
        held = set(first)
        for _ in range(BURST - 1):
            time.sleep(GAP)
            held &= open_fds(pid, dead)
        return Sample(t, rss, len(held), len(first),
                      sorted(x for _, x in first - held), held,
                      frozenset(dead))
    except (OSError, AttributeError):
        return None


class Drain(threading.Thread):
    """Reads the Netdata plugin's stdout to the end so it never blocks;
    counts the bytes and the update cycles (BEGIN lines of the alpha
    group's pss chart, a default one)."""

    def __init__(self, f):
        super().__init__(daemon=True)
        self.f, self.bytes, self.stop = f, 0, False
        self.cycles, self.tail = 0, b""

    def run(self):
        fd = self.f.fileno()
        while not self.stop:
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    b = os.read(fd, 65536)
                except OSError:
                    break
                if not b:
                    break
                self.bytes += len(b)
                buf = self.tail + b
                self.cycles += buf.count(b"\nBEGIN smaps.alpha_pss ")
                self.tail = buf[-64:]


# ------------------------------------------------------------- configs

GROUPS_CONF = (b"# the churn's groups (tests/soak/churn.c)\n"
               b"alpha: sw-alpha\n"
               b"beta: sw-beta*\n"
               b"gamma: *swgamma-cmd*\n"
               b"hostile: swh*\n"
               b"rare: sw-rare\n"
               b"we\"ird grp|x\xff: sw-beta-2\n"
               b"absent: no-such-process-here\n")


def cq(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def collectd_conf(tmp, plugdir):
    csv = os.path.join(tmp, "csv")
    os.makedirs(csv, exist_ok=True)
    conf = ['Hostname "soak"', 'FQDNLookup false', 'BaseDir %s' % cq(tmp),
            'PIDFile %s' % cq(os.path.join(tmp, "collectd.pid")),
            'PluginDir %s' % cq(plugdir), 'TypesDB %s' % cq(TYPESDB),
            'Interval 1', 'AutoLoadPlugin false',
            'LoadPlugin logfile', '<Plugin logfile>', '  LogLevel info',
            '  File %s' % cq(os.path.join(tmp, "collectd.log")),
            '  Timestamp true', '</Plugin>',
            'LoadPlugin csv', '<Plugin csv>', '  DataDir %s' % cq(csv),
            '  StoreRates false', '</Plugin>',
            'LoadPlugin smaps', '<Plugin smaps>', '  FullInterval 0',
            '  Process "sw-alpha"',
            '  ProcessMatch "beta" "^sw-beta-"',
            '  ProcessMatch "gamma" "swgamma-cmd"',
            '  ProcessMatch "hostile" "^swh"',
            '  Process "sw-rare"',
            '  ProcessMatch "we\\"ird grp|x" "^sw-beta-two"',
            '  Process "no-such-process-here"',
            '  CollectLibraries true', '  CollectNamedRegions true',
            '  CountSockets true',
            '</Plugin>']
    path = os.path.join(tmp, "collectd.conf")
    with open(path, "w") as f:
        f.write("\n".join(conf) + "\n")
    return path


def target_argv(rec, build, asan_build, env):
    """The target's command line; sets env's sanitizer options."""
    tmp, config = rec.tmp, rec.config
    build = asan_build if rec.tool == "asan" else build
    if rec.tool == "asan":
        # A small quarantine (see quarantine_mb): ASan keeps freed blocks
        # (256 MB by default) and the RSS would climb until it is full.
        q = quarantine_mb(config)
        env["ASAN_OPTIONS"] = ("detect_leaks=1:log_path=%s/asan:exitcode=98:"
                               "quarantine_size_mb=%s:thread_local_quarantine_size_kb=%d"
                               % (rec.sandir, q, 0 if q == "0" else 1024))
        env["UBSAN_OPTIONS"] = ("print_stacktrace=1:halt_on_error=1:log_path=%s/asan"
                                % rec.sandir)
    if rec.netdata:
        with open(os.path.join(tmp, "smaps_groups.conf"), "wb") as f:
            f.write(GROUPS_CONF)
        env["NETDATA_USER_CONFIG_DIR"] = tmp
        env["NETDATA_UPDATE_EVERY"] = "1"
        argv = [os.path.join(build, "smaps.plugin"), "1"]
    else:
        plugdir = os.path.join(tmp, "plugins")
        os.makedirs(plugdir, exist_ok=True)
        # Copied, not linked: collectd refuses a symlinked plugin.
        shutil.copyfile(os.path.join(build, "smaps.so"),
                        os.path.join(plugdir, "smaps.so"))
        for stock in ("logfile.so", "csv.so"):
            shutil.copyfile(os.path.join("/usr/lib/collectd", stock),
                            os.path.join(plugdir, stock))
        argv = [COLLECTD, "-f", "-C", collectd_conf(tmp, plugdir)]
        if rec.tool == "asan":
            # collectd's own allocations, made before and outside our
            # plugin, are judged only when their stack goes through it.
            env["LD_PRELOAD"] = subprocess.run(
                ["clang", "-print-file-name=libclang_rt.asan-x86_64.so"],
                capture_output=True, text=True).stdout.strip()
    if rec.tool == "valgrind":
        argv = VALGRIND + ["--log-file=" + rec.vglog] + argv
    if rec.tool == "massif":
        argv = MASSIF + ["--massif-out-file=" + rec.massif_out,
                         "--log-file=" + rec.vglog] + argv
    return argv


# ------------------------------------------------------------- the run


def run(config, seconds, tmp, build, asan_build, churn_bin):
    """Runs the configuration for seconds; returns its Record. Raises
    RuntimeError if the target is not running 2 s after its start."""
    rec = Record(config, seconds, tmp)
    os.makedirs(rec.sandir, exist_ok=True)
    env = dict(os.environ)
    argv = target_argv(rec, build, asan_build, env)
    stats = os.path.join(tmp, "churn.stats")
    # Enough instant-exit forks that the pid counter wraps once in the
    # run's first half, at most 1500/s.
    with open("/proc/sys/kernel/pid_max") as f:
        pid_max = int(f.read())
    burn = min(1500, pid_max / (0.5 * seconds))
    kids = Children()
    try:
        with open(os.path.join(tmp, "stderr"), "wb") as err:
            target = kids.spawn(argv, env=env, stderr=err,
                                stdout=subprocess.PIPE if rec.netdata
                                else subprocess.DEVNULL)
        drain = None
        if rec.netdata:
            drain = Drain(target.stdout)
            drain.start()
        time.sleep(2)
        if target.poll() is not None:
            raise RuntimeError("target exited %s within 2 s of its start; "
                               "stderr: %s" % (target.poll(), tail(tmp, "stderr")))
        churn = kids.spawn([churn_bin, "--seconds", str(seconds), "--burn",
                            "%.0f" % burn, "--stats", stats],
                           stderr=subprocess.DEVNULL)
        watch(rec, target, 2.0 if seconds < 120 else 3.0)
        churn.wait(30)
        with open(stats) as f:
            rec.churn = dict(kv.split("=") for kv in f.read().split())
        stop(rec, target, drain)
    finally:
        kids.kill_all()
    rec.stderr = tail(tmp, "stderr", None)
    if not rec.netdata:
        rec.log = tail(tmp, "collectd.log", None)
    return rec


def watch(rec, target, every):
    """Samples the target every so many seconds through the run."""
    t0 = time.time()
    with open("/proc/%d/maps" % target.pid) as f:
        rec.maps = f.read()
    while time.time() - t0 < rec.seconds and target.poll() is None:
        # valgrind runs the program in its own process (same pid); the
        # LD_PRELOAD run is collectd itself.
        s = sample(target.pid, time.time() - t0)
        if s:
            rec.samples.append(s)
        time.sleep(every)
    rec.alive_rc = target.poll()


def stop(rec, target, drain):
    """The Netdata plugin's stdout closed (EPIPE at its next write: it
    must exit 0), collectd SIGTERM; then what it wrote is counted."""
    slow = rec.tool in ("valgrind", "massif")   # shutdown and leak check
    if rec.netdata:
        drain.stop = True
        drain.join(2)
        target.stdout.close()
    else:
        target.send_signal(signal.SIGTERM)
    try:
        rec.rc = target.wait(120 if slow else 30)
    except subprocess.TimeoutExpired:
        rec.rc = "timeout"
    if rec.netdata:
        rec.stdout_bytes, rec.cycles = drain.bytes, drain.cycles
        return
    csvd = os.path.join(rec.tmp, "csv", "soak")
    rec.csv_dirs = sorted(os.listdir(csvd)) if os.path.isdir(csvd) else []
    n = 0
    if "smaps-sw-alpha" in rec.csv_dirs:
        d = os.path.join(csvd, "smaps-sw-alpha")
        for fn in os.listdir(d):
            if fn.startswith("ps_count"):
                with open(os.path.join(d, fn)) as f:
                    n += sum(1 for _ in f) - 1      # less the header
    rec.cycles = n


def tail(tmp, name, n=3000):
    """The file's text (its last n characters), "" if absent."""
    try:
        with open(os.path.join(tmp, name), errors="replace") as f:
            text = f.read()
    except FileNotFoundError:
        return ""
    return text if n is None else text[-n:]
