"""cdharness.py - what the collectd suite (conftest.py, test_*.py) needs
around a real collectd: the contract's identifier rule and documented
values, the children it starts (recorded for run.sh's trap), collectd
instances in temp dirs read back by csv, unixsock and collectdctl, the
stores (Prometheus, InfluxDB, Graphite listeners), and independent
readings of /proc/PID/smaps. Longer than a test file (about 700 lines):
it is every test file's machinery, each part used by several."""
import grp
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request

COLLECTD = "/usr/sbin/collectd"
COLLECTDCTL = shutil.which("collectdctl") or "/usr/bin/collectdctl"
STOCK = "/usr/lib/collectd"
TYPESDB = "/usr/share/collectd/types.db"
HOST = "smapwatch-test"
CATS = "heap stack anon shmem binary libs files kernel total".split()
FIELDS = "rss pss uss private_dirty swap size".split()
COUNTERS = "threads fds sockets".split()
GROWTH_FIELDS = "uss private_dirty pss".split()
# The options' defaults (README "Values", names.c).
DEFAULT_FIELDS = "rss pss uss swap".split()
DEFAULT_CATS = "heap stack anon shmem libs files total".split()
# Set once the leak signals follow one measure, owned memory: no FIELD in
# their names, and the fragmentation and socket signals dispatched
# (README "Values", the values marked †).
OWNED_SIGNALS = True
OWNED_ONLY = "reserved per_socket request_path_leak largest_member_vmas".split()
SIGNALS = "growth leak_rate steady private_dirty_ratio swap_ratio".split() + (
    OWNED_ONLY if OWNED_SIGNALS else [])
DEFAULT_SIGNALS = "growth leak_rate steady".split() + (
    OWNED_ONLY if OWNED_SIGNALS else [])
ALLOWED = re.compile(r"[A-Za-z0-9_.+:@=,-]+\Z")
ALLOWED_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    "0123456789_.+:@=,-")

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

# ---------------------------------------------------------------- the values


def documented(fields=DEFAULT_FIELDS, cats=DEFAULT_CATS,
               signals=DEFAULT_SIGNALS, with_signals=True, fitted=True):
    """{"type-instance" or "type"} of one group with a live process, as
    README "Values" documents them for a selection (without sub-totals).
    fitted False: before the window holds 3 points, when the leak rates
    are 0 and growth and steady are not sent yet."""
    v = {"memory-%s_%s" % (c, f) for c in cats for f in fields}
    v |= {"count-%s_vmas" % c for c in cats}
    v |= {"ps_count", "ps_rss", "ps_rss-anon", "ps_rss-file", "ps_rss-shmem",
          "swap", "file_handles", "file_handles-sockets",
          "ps_state-measured", "ps_state-backed_off", "ps_state-capped",
          "ps_state-unreadable", "ps_state-unreachable",
          "ps_state-fds_uncounted",
          "duration-figures_age",
          "objects-libs_duplicate_loads"}
    if not with_signals:
        return v
    subjects = (list(cats) if OWNED_SIGNALS else [
        "%s_%s" % (c, f) for c in cats for f in GROWTH_FIELDS
        if f in fields]) + COUNTERS
    for kind, typ in (("growth", "gauge"), ("leak_rate", "gauge"),
                      ("steady", "percent")):
        if kind in signals and (fitted or kind == "leak_rate"):
            v |= {"%s-%s_%s" % (typ, s, kind) for s in subjects}
    for kind in ("private_dirty_ratio", "swap_ratio"):
        if kind in signals:
            v |= {"percent-%s_%s" % (c, kind) for c in cats}
    if "reserved" in signals:
        v |= {"memory-%s_reserved" % c for c in ("heap", "anon") if c in cats}
    for kind, typ in (("per_socket", "bytes"), ("request_path_leak", "gauge"),
                      ("largest_member_vmas", "count")):
        if kind in signals:
            v.add("%s-total_%s" % (typ, kind))
    return v


OWN = {"count-status_reads", "count-full_reads", "bytes-smaps_read",
       "duration-smaps_read", "ps_state-backed_off", "ps_state-capped",
       "ps_state-hidden", "ps_state-failed"}


def typesdb():
    """{type: [data source names]} of the stock types.db."""
    out = {}
    with open(TYPESDB) as f:
        for line in f:
            p = line.split(None, 1)
            if len(p) == 2 and not p[0].startswith("#"):
                out[p[0]] = [d.split(":")[0].strip()
                             for d in p[1].split(",")]
    return out


def prometheus_series(host, plugin, pinst, ident, dss):
    """[(metric, {labels})] write_prometheus makes of one value (README
    "Values": collectd_PLUGIN_TYPE[_DS], the plugin instance in a label
    named after the plugin, the type instance in "type" - or in the
    plugin's label when there is no plugin instance)."""
    typ, _, tinst = ident.partition("-")
    labels = {"instance": host}
    if pinst:
        labels[plugin] = pinst
    if tinst:
        labels["type" if pinst else plugin] = tinst
    base = "collectd_" + ("" if plugin == typ else plugin + "_") + typ
    return [(base + ("" if ds == "value" else "_" + ds), dict(labels))
            for ds in dss[typ]]


def graphite_paths(host, plugin, pinst, ident, dss, separate=False,
                   escape="_"):
    """The paths write_graphite sends for one value: HOST.PLUGIN-PINST.
    TYPE-TINST[.DS when several], "." between the parts with
    SeparateInstances; dots within a part (and " \t\"\\:!,/()") become
    the EscapeCharacter."""
    def esc(x):
        return re.sub(r'[ \t"\\:!,/()\n\r.]', escape, x)
    typ, _, tinst = ident.partition("-")
    sep = "." if separate else "-"
    p = esc(plugin) + (sep + esc(pinst) if pinst else "")
    t = esc(typ) + (sep + esc(tinst) if tinst else "")
    names = dss[typ]
    return ["%s.%s.%s%s" % (esc(host), p, t, "." + d if len(names) > 1
                             else "") for d in names]


def free_tcp_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def scrape(port, timeout=5):
    """[(metric, {labels}, value)] of write_prometheus's text page."""
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port,
                                timeout=timeout) as r:
        text = r.read().decode()
    out = []
    for line in text.splitlines():
        m = re.match(r'([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+)( \d+)?\Z',
                     line)
        if m:
            labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"',
                                     m.group(2)))
            out.append((m.group(1), labels, float(m.group(3))))
    return out


class LineListener:
    """A TCP server on 127.0.0.1 (a free port) that keeps every line it is
    sent: Graphite's plaintext protocol, "PATH VALUE TIME"."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.lines = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._read, args=(c,), daemon=True).start()

    def _read(self, c):
        buf = b""
        while True:
            try:
                data = c.recv(65536)
            except OSError:
                data = b""
            if not data:
                c.close()
                return
            buf += data
            *done, buf = buf.split(b"\n")
            with self.lock:
                self.lines += [x.decode(errors="replace").rstrip("\r")
                               for x in done]

    def last(self):
        """{path: last value}"""
        out = {}
        with self.lock:
            for line in self.lines:
                p = line.split()
                if len(p) == 3:
                    out[p[0]] = float(p[1])
        return out

    def close(self):
        self.sock.close()

def readme_blocks(after):
    """The indented code block of docs/collectd.md that follows the first line
    containing `after`, as a list of lines without the indentation."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "..", "..", "..", "docs", "collectd.md")) as f:
        lines = f.read().split("\n")
    i = next(n for n, l in enumerate(lines) if after in l) + 1
    while i < len(lines) and not lines[i].startswith("    "):
        i += 1
    out = []
    while i < len(lines) and (lines[i].startswith("    ") or not lines[i]):
        if not lines[i] and (i + 1 >= len(lines) or
                             not lines[i + 1].startswith("    ")):
            break
        out.append(lines[i][4:])
        i += 1
    return out


def readme_counts():
    """The series counts per group that README "Values" states: (by
    default, with every field, category and signal)."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "..", "..", "..", "docs", "collectd.md")) as f:
        text = f.read()
    m = re.search(r"\*\*(\d+)\*\* series per group by default.*?"
                  r"\*\*(\d+)\*\* with every", text, re.S)
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


class QueryDaemon:
    """A store the test starts in directory d (its output in d/log) and
    asks through query(q), which a subclass defines."""

    def start(self, procs, d, argv):
        self.dir = d
        self.out = open(os.path.join(d, "log"), "wb")
        self.p = procs.spawn(argv, stdout=self.out, stderr=subprocess.STDOUT)

    def wait(self, q, timeout=15):
        """The first non-empty result of q within timeout, else []."""
        end = time.time() + timeout
        while time.time() < end and self.p.poll() is None:
            try:
                r = self.query(q)
                if r:
                    return r
            except OSError:
                pass
            time.sleep(0.3)
        return []

    def log(self):
        with open(os.path.join(self.dir, "log"), "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self):
        stop_proc(self.p, 5)
        self.out.close()


class Prometheus(QueryDaemon):
    """A real Prometheus (Debian's) in DIR on 127.0.0.1:PORT, scraping
    127.0.0.1:TARGET every second with the given metric_relabel_configs
    lines."""

    BIN = shutil.which("prometheus") or "/usr/bin/prometheus"

    def __init__(self, procs, d, target, relabel):
        os.makedirs(d)
        self.port = free_tcp_port()
        conf = os.path.join(d, "prometheus.yml")
        with open(conf, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n"
                    "scrape_configs:\n  - job_name: collectd\n"
                    "    static_configs:\n"
                    "      - targets: ['127.0.0.1:%d']\n" % target +
                    "".join("    %s\n" % l for l in relabel))
        self.start(procs, d, [
            self.BIN, "--config.file=" + conf,
            "--storage.tsdb.path=" + os.path.join(d, "db"),
            "--web.listen-address=127.0.0.1:%d" % self.port,
            "--log.level=warn"])

    def query(self, q):
        """[(labels, value)] of an instant query."""
        import json
        import urllib.parse
        url = "http://127.0.0.1:%d/api/v1/query?%s" % (
            self.port, urllib.parse.urlencode({"query": q}))
        with urllib.request.urlopen(url, timeout=5) as r:
            res = json.load(r)["data"]["result"]
        return [(x["metric"], float(x["value"][1])) for x in res]

class Influx(QueryDaemon):
    """A real InfluxDB 1.x (Debian's influxd) in DIR: HTTP and RPC on free
    127.0.0.1 ports, its collectd listener on a free UDP port, database
    "collectd", the stock types.db."""

    BIN = shutil.which("influxd") or "/usr/bin/influxd"

    def __init__(self, procs, d):
        os.makedirs(d)
        self.http = free_tcp_port()
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("127.0.0.1", 0))
        self.udp = u.getsockname()[1]
        u.close()
        conf = os.path.join(d, "influxdb.conf")
        with open(conf, "w") as f:
            f.write('reporting-disabled = true\n'
                    'bind-address = "127.0.0.1:%d"\n' % free_tcp_port() +
                    '[meta]\n  dir = "%s/meta"\n' % d +
                    '[data]\n  dir = "%s/data"\n  wal-dir = "%s/wal"\n'
                    '  query-log-enabled = false\n' % (d, d) +
                    '[http]\n  bind-address = "127.0.0.1:%d"\n'
                    '  log-enabled = false\n' % self.http +
                    '[monitor]\n  store-enabled = false\n'
                    '[continuous_queries]\n  enabled = false\n'
                    '[[collectd]]\n  enabled = true\n'
                    '  bind-address = "127.0.0.1:%d"\n' % self.udp +
                    '  database = "collectd"\n  typesdb = "%s"\n' % TYPESDB +
                    '  batch-size = 100\n  batch-timeout = "200ms"\n')
        self.start(procs, d, [self.BIN, "-config", conf])

    def query(self, q):
        """[(tags, {column: value})] of an InfluxQL query on "collectd"."""
        import json
        import urllib.parse
        url = "http://127.0.0.1:%d/query?%s" % (self.http, urllib.parse.urlencode(
            {"db": "collectd", "q": q}))
        with urllib.request.urlopen(url, timeout=5) as r:
            res = json.load(r)["results"][0]
        out = []
        for sr in res.get("series", []):
            for row in sr["values"]:
                out.append((sr.get("tags", {}), dict(zip(sr["columns"], row))))
        return out

def info(msg):
    """What the old script printed as "# ..." lines: shown with a
    failing test's captured output."""
    print("# " + msg)


def quiet_log(c, name, ignore=None):
    """The check every instance gets: no ERROR or WARNING logged."""
    noisy = [ln for ln in c.log_lines() if ln[0] in ("error", "warning", None)
             and not (ignore and re.match(ignore, ln[1]))]
    assert not noisy, "%s: ERROR or WARNING in the log: %r" % (name, noisy[:4])

# ---------------------------------------------------------------- processes


class Procs:
    """Every child the suite starts: recorded in $TMP/pids for run.sh's
    trap, killed by kill_all() when the session fixture ends (also on a
    failure or an interrupt)."""

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
    def __init__(self, t, name, body, host=HOST, user=None, sock=True,
                 caps=()):
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
                    "--clear-groups"] + [
                        "--%s-caps=%s" % (k, ",".join("+" + c for c in caps))
                        for k in ("inh", "ambient") if caps] + argv
        self.out = open(os.path.join(self.dir, "stdout"), "wb")
        self.p = t.procs.spawn(argv, stdout=self.out, stderr=subprocess.STDOUT)
        self.started = time.time()

    def wait_ready(self, timeout=10):
        """None once collectd logs "Initialization complete", else why
        not (its exit status, the ends of its stdout and log)."""
        end = time.time() + timeout
        while time.time() < end:
            if "Initialization complete" in self.log_text():
                return None
            if self.p.poll() is not None:
                break
            time.sleep(0.05)
        return "%s: collectd did not start: exit %s; stdout: %s; log: %s" % (
            self.name, self.p.poll(), self.stdout_text()[-500:],
            self.log_text()[-1000:])

    def stop(self):
        # collectd drops what its write threads have not written when it
        # stops (and logs a WARNING saying how many): under load the csv
        # writer can be a burst behind, so stop it between two bursts
        self.wait_writes_idle()
        stop_proc(self.p, 5)
        self.out.close()
        return self.p.returncode

    def wait_writes_idle(self, idle=0.15, limit=3.0):
        """Waits (at most `limit` s) until no csv file has changed for
        `idle` s: the last interval's values are written, and the next
        interval's are most of a second away."""
        end = time.monotonic() + limit
        last, since = None, time.monotonic()
        while time.monotonic() < end and self.p.poll() is None:
            newest = 0
            for top, _, files in os.walk(self.csv):
                for f in files:
                    try:
                        newest = max(newest, os.stat(
                            os.path.join(top, f)).st_mtime_ns)
                    except FileNotFoundError:
                        pass
            if newest != last:
                last, since = newest, time.monotonic()
            elif time.monotonic() - since >= idle:
                return
            time.sleep(0.03)

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
