"""cdharness.py - what test_collectd.py needs around a real collectd:
results, the contract's identifier rule, the children it starts (recorded
for run.sh's trap), collectd instances in temp dirs read back by csv,
unixsock and collectdctl, and independent readings of /proc/PID/smaps."""
import grp
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

COLLECTD = "/usr/sbin/collectd"
COLLECTDCTL = shutil.which("collectdctl") or "/usr/bin/collectdctl"
STOCK = "/usr/lib/collectd"
TYPESDB = "/usr/share/collectd/types.db"
HOST = "smapwatch-test"
CATS = "heap stack anon shmem binary libs files kernel total".split()
FIELDS = "rss pss uss private_dirty swap size".split()
ALLOWED = re.compile(r"[A-Za-z0-9_.+:@=,-]+\Z")
ALLOWED_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    "0123456789_.+:@=,-")

# ---------------------------------------------------------------- results


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.lock = threading.Lock()

    def check(self, name, cond, detail=""):
        with self.lock:
            if cond:
                self.passed += 1
                print("ok   - %s%s" % (name, " (%s)" % detail if detail else ""))
            else:
                self.failed += 1
                print("FAIL - %s%s" % (name, ": %s" % detail if detail else ""))
            sys.stdout.flush()
        return cond

    def skip(self, name, why):
        with self.lock:
            print("SKIP - %s: %s" % (name, why))
            sys.stdout.flush()

    def info(self, msg):
        with self.lock:
            print("     # %s" % msg)
            sys.stdout.flush()


R = Results()

# ---------------------------------------------------------------- naming


def fnv1a32(raw):
    h = 0x811C9DC5
    for b in raw:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return "%08x" % h


def expected_ids(raw, maxlen=63):
    """The identifier the contract gives a raw name (bytes), as a one-item
    list: the name itself when it is clean and at most maxlen characters;
    otherwise sanitized, cut to maxlen - 9 and given "_" + FNV-1a 32, so
    it is at most maxlen (63 for a group: libcollectdclient's limit; 43
    for a library or region name, room for named_..._private_dirty)."""
    s = "".join(chr(b) if chr(b) in ALLOWED_CHARS else "_" for b in raw)
    if s.encode() == raw and 0 < len(s) <= maxlen:
        return [s]
    return [s[:maxlen - 9] + "_" + fnv1a32(raw)]


def cq(s):
    """A collectd config string (raw newlines are fine inside quotes)."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

# ---------------------------------------------------------------- processes


class Procs:
    """Every child this driver starts: recorded in $TMP/pids for run.sh's
    trap, killed by kill_all() in the finally of main()."""

    def __init__(self, tmp):
        self.pidfile = os.path.join(tmp, "pids")
        self.children = []
        self.lock = threading.Lock()

    def spawn(self, argv, **kw):
        kw.setdefault("stdin", subprocess.DEVNULL)
        p = subprocess.Popen(argv, start_new_session=True, **kw)
        with self.lock:
            self.children.append(p)
            with open(self.pidfile, "a") as f:
                f.write("%d %s\n" % (p.pid, start_time(p.pid)))
        return p

    def kill_all(self):
        for p in self.children:
            stop_proc(p, 3)


def start_time(pid):
    """Field 22 of /proc/PID/stat: with the pid, names one process."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        return "?"


def stop_proc(p, grace):
    if p.poll() is None:
        try:
            p.send_signal(signal.SIGTERM)
        except ProcessLookupError:
            pass
    try:
        p.wait(grace)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def read_ready(p, what, timeout=5):
    """Reads the "ready PID" line of a workload."""
    r, _, _ = select.select([p.stdout], [], [], timeout)
    line = p.stdout.readline().decode(errors="replace") if r else ""
    m = re.match(r"ready (\d+)", line)
    if not m:
        raise RuntimeError("%s: no ready line (got %r)" % (what, line))
    return int(m.group(1))


class Workload:
    def __init__(self, procs, argv, what):
        self.what = what
        self.p = procs.spawn(argv, stdout=subprocess.PIPE)
        self.pid = read_ready(self.p, what)
        self.started = time.time()
        self.exited = None
        # Reaped at once, as a real parent would: no zombie lingers.
        threading.Thread(target=self._reap, daemon=True).start()

    def _reap(self):
        self.p.wait()
        self.exited = time.time()

    def comm(self):
        with open("/proc/%d/comm" % self.pid, "rb") as f:
            return f.read()[:-1]

# ---------------------------------------------------------------- collectd


class Collectd:
    def __init__(self, t, name, body, host=HOST, user=None, sock=True):
        self.t = t
        self.name = name
        self.host = host
        self.dir = os.path.join(t.tmp, name)
        self.csv = os.path.join(self.dir, "csv")
        self.log = os.path.join(self.dir, "log")
        self.sock = os.path.join(self.dir, "sock") if sock else None
        os.makedirs(self.csv)
        conf = ['Hostname %s' % cq(host), 'FQDNLookup false',
                'BaseDir %s' % cq(self.dir),
                'PIDFile %s' % cq(os.path.join(self.dir, "collectd.pid")),
                'PluginDir %s' % cq(t.plugdir), 'TypesDB %s' % cq(TYPESDB),
                'Interval 1', 'AutoLoadPlugin false',
                'LoadPlugin logfile', '<Plugin logfile>', '  LogLevel info',
                '  File %s' % cq(self.log), '  Timestamp true',
                '  PrintSeverity true', '</Plugin>',
                'LoadPlugin csv', '<Plugin csv>',
                '  DataDir %s' % cq(self.csv), '  StoreRates false',
                '</Plugin>']
        if sock:
            conf += ['LoadPlugin unixsock', '<Plugin unixsock>',
                     '  SocketFile %s' % cq(self.sock),
                     '  SocketGroup %s' % cq(grp.getgrgid(
                         os.getegid()).gr_name), '</Plugin>']
        self.conf = os.path.join(self.dir, "collectd.conf")
        with open(self.conf, "w") as f:
            f.write("\n".join(conf) + "\n" + body + "\n")
        argv = [COLLECTD, "-f", "-C", self.conf]
        if user:
            shutil.chown(self.dir, user)
            for sub, _, files in os.walk(self.dir):
                shutil.chown(sub, user)
                for fn in files:
                    shutil.chown(os.path.join(sub, fn), user)
            argv = ["setpriv", "--reuid=" + user, "--regid=nogroup",
                    "--clear-groups"] + argv
        self.out = open(os.path.join(self.dir, "stdout"), "wb")
        self.p = t.procs.spawn(argv, stdout=self.out, stderr=subprocess.STDOUT)
        self.started = time.time()

    def wait_ready(self, timeout=10):
        end = time.time() + timeout
        while time.time() < end:
            if "Initialization complete" in self.log_text():
                return True
            if self.p.poll() is not None:
                break
            time.sleep(0.05)
        R.check("%s: collectd starts" % self.name, False,
                "exit %s; stdout: %s; log: %s" % (
                    self.p.poll(), self.stdout_text()[-500:],
                    self.log_text()[-1000:]))
        return False

    def stop(self):
        stop_proc(self.p, 5)
        self.out.close()
        return self.p.returncode

    def log_text(self):
        try:
            with open(self.log, "rb") as f:
                return f.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def stdout_text(self):
        with open(os.path.join(self.dir, "stdout"), "rb") as f:
            return f.read().decode(errors="replace")

    def log_lines(self, severity=None):
        """[(severity, message)] of the log; a line that does not start
        with "[date] [sev] " continues the previous message (a raw newline
        logged by a plugin), kept as its own entry with severity None."""
        out = []
        for line in self.log_text().split("\n"):
            m = re.match(r"\[[^\]]*\] \[(\w+)\] (.*)\Z", line)
            if m:
                out.append((m.group(1), m.group(2)))
            elif line:
                out.append((None, line))
        return [x for x in out if severity is None or x[0] == severity]

    # -- reading values back

    def csv_series(self, plugin, typ, host=None):
        """[(epoch, [values])] of one csv value, over all its date files."""
        d = os.path.join(self.csv, host or self.host, plugin)
        rows = []
        try:
            names = sorted(os.listdir(d))
        except FileNotFoundError:
            return rows
        for fn in names:
            if re.fullmatch(re.escape(typ) + r"-\d{4}-\d\d-\d\d", fn):
                with open(os.path.join(d, fn)) as f:
                    for line in f:
                        if line[:1].isdigit():
                            parts = line.strip().split(",")
                            rows.append((float(parts[0]),
                                         [float(x) for x in parts[1:]]))
        rows.sort()
        return rows

    def csv_last(self, plugin, typ, host=None):
        rows = self.csv_series(plugin, typ, host)
        return rows[-1][1] if rows else None

    def csv_files(self, host=None):
        """{plugin dir: set(type names without the date)}"""
        out = {}
        base = os.path.join(self.csv, host or self.host)
        for pd in sorted(os.listdir(base)) if os.path.isdir(base) else []:
            out[pd] = {re.sub(r"-\d{4}-\d\d-\d\d\Z", "", fn)
                       for fn in os.listdir(os.path.join(base, pd))}
        return out

    def ctl(self, *args):
        r = subprocess.run([COLLECTDCTL, "-s", self.sock] + list(args),
                           capture_output=True, timeout=5)
        return r.returncode, r.stdout.decode(errors="replace"), \
            r.stderr.decode(errors="replace")

    def raw_listval(self):
        """LISTVAL straight on the socket: the daemon's whole identifiers
        (collectdctl, through libcollectdclient, cuts every part to 63
        characters, LCC_NAME_LEN 64)."""
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(5)
        s.connect(self.sock)
        s.sendall(b"LISTVAL\n")
        f = s.makefile("rb")
        head = f.readline().decode()
        n = int(head.split()[0])
        out = [f.readline().decode().rstrip("\n").split(" ", 1)[1]
               for _ in range(max(n, 0))]
        s.close()
        return out

    def getval(self, ident):
        rc, out, err = self.ctl("getval", ident)
        if rc:
            return None
        vals = {}
        for line in out.splitlines():
            k, _, v = line.partition("=")
            vals[k] = float(v)
        return vals

# ---------------------------------------------------------------- /proc


def read_smaps(pid):
    """[(path, {field: kB})] straight from the kernel."""
    maps = []
    with open("/proc/%d/smaps" % pid, "rb") as f:
        for raw in f.read().decode(errors="replace").split("\n"):
            if re.match(r"[0-9a-f]+-[0-9a-f]+ ", raw):
                parts = raw.split(None, 5)
                maps.append((parts[5] if len(parts) > 5 else "", {}))
            else:
                m = re.match(r"(\w+):\s+(\d+) kB", raw)
                if m and maps:
                    maps[-1][1][m.group(1)] = int(m.group(2))
    return maps


def classify(path, exe):
    if path == "[heap]":
        return "heap"
    if path.startswith("[stack"):
        return "stack"
    if path in ("[vdso]", "[vvar]", "[vvar_vclock]", "[vsyscall]",
                "[vectors]", "[uprobes]"):
        return "kernel"
    if path == "" or path.startswith("[anon:"):
        return "anon"
    if (path.startswith(("/dev/zero", "/SYSV", "/memfd:", "/dev/shm/",
                         "[anon_shmem:"))):
        return "shmem"
    p = path[:-len(" (deleted)")] if path.endswith(" (deleted)") else path
    if p == exe:
        return "binary"
    if re.search(r"\.so(\.|\Z)", os.path.basename(p)):
        return "libs"
    return "files"


def independent(pid):
    """Per category and total: rss uss private_dirty swap size (bytes),
    the mapping count and the address space reserved but neither resident
    nor swapped (Size - Rss - Swap), from /proc/PID/smaps read here; and
    Rss per library file name."""
    exe = os.readlink("/proc/%d/exe" % pid)
    sums = {c: dict.fromkeys(["rss", "uss", "private_dirty", "swap", "size",
                              "vmas", "reserved"], 0) for c in CATS}
    libs = {}
    for path, f in read_smaps(pid):
        c = classify(path, exe)
        vals = {"rss": f.get("Rss", 0) * 1024,
                "uss": (f.get("Private_Clean", 0) +
                        f.get("Private_Dirty", 0)) * 1024,
                "private_dirty": f.get("Private_Dirty", 0) * 1024,
                "swap": f.get("Swap", 0) * 1024,
                "size": f.get("Size", 0) * 1024, "vmas": 1,
                "reserved": max(0, f.get("Size", 0) - f.get("Rss", 0) -
                                f.get("Swap", 0)) * 1024}
        for k, v in vals.items():
            sums[c][k] += v
            sums["total"][k] += v
        if c == "libs":
            b = os.path.basename(path)
            libs[b] = libs.get(b, 0) + vals["rss"]
    return sums, libs


def dup_loads(pid):
    """Extra loads of libraries: each offset-0 mapping of a library path
    is one load, so a path with N of them was loaded N - 1 extra times."""
    loads = {}
    with open("/proc/%d/maps" % pid) as f:
        for line in f:
            p = line.rstrip("\n").split(None, 5)
            if len(p) == 6 and int(p[2], 16) == 0 and \
               re.search(r"\.so(\.|\Z)", os.path.basename(p[5])):
                loads[p[5]] = loads.get(p[5], 0) + 1
    return sum(n - 1 for n in loads.values())


def fd_counts(pid):
    d = "/proc/%d/fd" % pid
    names = os.listdir(d)
    socks = 0
    for n in names:
        try:
            socks += os.readlink(os.path.join(d, n)).startswith("socket:")
        except OSError:
            pass
    return len(names), socks


def slope(points):
    n = len(points)
    if n < 3:
        return float("nan")
    mx = sum(p[0] for p in points) / n
    my = sum(p[1] for p in points) / n
    sxx = sum((p[0] - mx) ** 2 for p in points)
    sxy = sum((p[0] - mx) * (p[1] - my) for p in points)
    return sxy / sxx if sxx else float("nan")
