"""plugrun.py - smaps.plugin run alone, as Netdata runs it, for the protocol
tests: the run's hostile workloads and their marker, the plugin started on
pipes and read for a while (calls written to its stdin at set times), its
output checked by pluginsd.py, and the plugin copied where nobody may run
it. Shared by the test_*.py files of this directory (conftest.py gives the
fixtures)."""

import os
import select
import shutil
import subprocess
import tempfile
import time

import pluginsd

PLUGIN = os.path.abspath(os.environ.get("PLUGIN", "build/smaps.plugin"))
WORKLOADS = os.environ.get("WORKLOADS", "build/netdata-wl")
HEAP = os.path.join(WORKLOADS, "grow_heap")
RATE_KIB = 256
# A run time unique to this test run, so the group's command-line pattern
# matches our workloads and no one else's. They live two minutes, longer
# than the tests on them (a make target's half takes about 40 s); the
# fixture kills them at the end.
SECONDS = "120.%07d" % os.getpid()

# Names a process may give itself (PR_SET_NAME, at most 15 bytes).
HOSTILE = [b"sp ace\"q'x", b"pipe|=SET x", b"nl\nBEGIN x", b"bad\xff\xfe\xc3(",
           b"\\u0022;`$"]
# A group name nobody should write, but the config is read as given.
GROUP_HOSTILE = b"we\"ird|grp;x=y\xff"
# The group of the run's workloads, by their command line.
HOSTILE_GROUP = b"hostile: '*--seconds " + SECONDS.encode() + b"*'\n"

# The leak-signal charts: context suffix -> (units, divisor, dimensions).
CATS = ["heap", "stack", "anon", "shmem", "binary", "libs", "files", "kernel"]
COUNTERS = ["threads", "fds", "sockets"]
SIGNAL_DIMS = {
    "leak_rate": ("B/s", 1, CATS + ["total"]),
    "growth": ("B/s", 1, CATS + ["total"]),
    "steadiness": ("percentage", 1000, CATS + ["total"] + COUNTERS),
    "counter_leak_rate": ("items/s", 1000, COUNTERS),
    "counter_growth": ("items/s", 1000, COUNTERS),
    "memory_per_socket": ("bytes", 1, ["per_socket"]),
    "request_path_leak": ("B/s", 1, ["leak"]),
    "anon_regions": ("mappings", 1, ["heap", "anon"]),
    "reserved": ("MiB", 1048576, ["heap", "anon"]),
    "largest_member_vmas": ("mappings", 1, ["largest"]),
    "private_dirty_ratio": ("percentage", 1000, CATS + ["total"]),
    "swap_ratio": ("percentage", 1000, CATS + ["total"]),
    "duplicate_libs": ("loads", 1, ["duplicates"]),
}
SIGNALS = tuple(SIGNAL_DIMS)


def start_workloads(procs):
    """One grow_heap per hostile name (appended to procs); their pids."""
    pids = []
    for name in HOSTILE:
        p = subprocess.Popen([HEAP, "--comm", name, "--rate", str(RATE_KIB),
                              "--seconds", SECONDS], stdout=subprocess.PIPE)
        procs.append(p)
        pids.append(int(p.stdout.readline().split()[1]))
    return pids


def read_for(proc, seconds, sends=()):
    """Read stdout for `seconds`, writing each (at, line) of sends; the
    bytes and the (wall time, chunk) of each read."""
    out, t0, sends = b"", time.monotonic(), list(sends)
    arrivals = []
    while time.monotonic() - t0 < seconds:
        while sends and time.monotonic() - t0 >= sends[0][0]:
            proc.stdin.write(sends.pop(0)[1])
            proc.stdin.flush()
        r, _, _ = select.select([proc.stdout], [], [], 0.05)
        if r:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            out += chunk
            arrivals.append((time.time(), chunk))
    return out, arrivals


def popen(args, **kw):
    """The plugin at update every 1 on pipes."""
    return subprocess.Popen([PLUGIN, "1"] + args, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            **kw)


def stop(p):
    if p.poll() is None:
        p.kill()
    p.wait()


def run_plugin(args, seconds, sends=(), env=None):
    """The plugin at update every 1 with args for `seconds`: its output
    checked (pluginsd.check), with its stderr as .stderr."""
    p = popen(args, env=env)
    try:
        out, _ = read_for(p, seconds, sends)
    finally:
        stop(p)
    c = pluginsd.check(out)
    c.stderr = p.stderr.read().decode("utf-8", "replace")
    return c


def run_disabled(args, env_extra=None):
    """A run that must end at once: (exit status, stdout, stderr)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETDATA_")}
    env.update(env_extra or {})
    r = subprocess.run([PLUGIN, "1"] + args, stdin=subprocess.DEVNULL,
                       capture_output=True, env=env, timeout=10)
    return r.returncode, r.stdout, r.stderr.decode("utf-8", "replace")


def sanitized(raw):
    """A name as the plugin writes it in a label or a dimension name."""
    keep = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
               b"0123456789 ()+-./:@_")
    return bytes(c if c in keep else ord("_") for c in raw)


def results(c):
    """Function answers by transaction: (status, content type, body)."""
    return {w[1].decode(): (int(w[2]), w[3].decode(), b"\n".join(lines))
            for w, lines in c.results}


def values(c, chart):
    """Every update's values of a chart ([] if it never came)."""
    return c.charts.get(chart, {}).get("values", [])


def errors_but(err, expected):
    return [l for l in err if " ERROR " in l and l not in expected]


def as_nobody():
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)


class Nobody:
    """A copy of the plugin in a directory nobody may enter, started as
    nobody (needs root). The directory is made by mkdtemp in the system's
    temp dir: pytest's own is root's only (0700)."""

    def __init__(self, prefix):
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        os.chmod(self.tmp, 0o755)
        self.plugin = os.path.join(self.tmp, "smaps.plugin")
        shutil.copy(PLUGIN, self.plugin)
        self.conf = self.put("groups.conf", HOSTILE_GROUP, 0o644)

    def put(self, name, text, mode):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def run(self, args, seconds, probe=None):
        """(exit status, stdout, stderr lines, probe(pid) while running)."""
        p = subprocess.Popen([self.plugin, "1", "--all-charts"] + args,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, preexec_fn=as_nobody)
        seen = None
        try:
            out, _ = read_for(p, seconds)
            if probe and p.poll() is None:
                seen = probe(p.pid)
        finally:
            stop(p)
        err = p.stderr.read().decode("utf-8", "replace").splitlines()
        return p.returncode, out, err, seen

    def close(self):
        shutil.rmtree(self.tmp)
