"""conftest.py - the collectd suite's daemons and workloads, started once
for the whole run and side by side (the suite takes seconds because of
that). Started by run.sh, which owns the temp dir ($CD_TMP), the pid
namespace and kills, from $CD_TMP/pids, whatever is left behind:

    BUILD=build sh tests/integration/collectd/run.sh

Every instance runs `collectd -f -C CONF` in its own directory under the
temp dir (BaseDir, PIDFile, csv DataDir, unixsock socket, log file), with
Interval 1 and only the plugins it needs, copied into a private PluginDir
(collectd 5.12 refuses a symlinked plugin: "is not a regular file"):

  main     smaps + csv + unixsock: the workloads (heap / mmap growth, an
           exiting process, an idle one, a socket holder, hostile names, a
           systemd-unit member), libraries; read back by csv and collectdctl
  err-*    one instance per config error (cdconfigs.ERROR_CASES)
  case     lower-case option names, the defaults' tiering
  eacces   collectd run as nobody on a root process; nofds the same with
           CAP_SYS_PTRACE (smaps readable, /proc/PID/fd not)
  stores   smaps + write_prometheus (scraped, and by a real Prometheus)
           + write_graphite (two nodes, to listeners run here) + network
           to a real InfluxDB
  procroot ProcRoot on a proc tree built here
  collide  names equal in their first 63 characters
  net-*    a client (smaps + network) and a server (network + csv)

The tests read what the instances recorded, in three phases a test picks
by the fixture it asks for: `live` (the main instance 5 s into the
workloads, the idle process read around it), `side` (the side instances
after >= 4 cycles), `done` (the side instances stopped, the main one
stopped after MAIN_SECONDS, its LISTVAL taken just before).
pytest_collection_modifyitems runs the tests in that order whatever file
they are in. The run is bounded: 150 s (SIGALRM), then run.sh's timeout.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdconfigs as cf  # noqa: E402
from cdharness import (  # noqa: E402
    COLLECTD, COLLECTDCTL, STOCK, Collectd, Influx, LineListener, Procs,
    Prometheus, Workload, free_tcp_port, info, readme_blocks)

SUITE_SECONDS = 150
PHASES = ("live", "side", "done")


def pytest_sessionstart(session):
    def bound(signum, _frame):
        pytest.exit("collectd suite %s" % (
            "timed out after %d s" % SUITE_SECONDS if signum == signal.SIGALRM
            else "terminated (signal %d)" % signum), returncode=1)
    signal.signal(signal.SIGALRM, bound)
    signal.signal(signal.SIGTERM, bound)
    signal.alarm(SUITE_SECONDS)


def pytest_sessionfinish(session):
    signal.alarm(0)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Each test in its phase's turn (stable: file order within one);
    last, after pytest's own grouping by session-scoped parameters."""
    def phase(item):
        used = [PHASES.index(f) for f in getattr(item, "fixturenames", ())
                if f in PHASES]
        return max(used) if used else PHASES.index("side")
    items.sort(key=phase)


class Run:
    """Every instance and workload of the suite, and when they started."""

    def __init__(self, build, tmp):
        self.build = build
        self.tmp = tmp
        self.procs = Procs(tmp)
        self.plugdir = os.path.join(tmp, "plugins")
        self.wl = {}
        self.unit = None
        self.not_started = []      # why a side instance did not start
        self.listeners = []
        self.prom = self.influx = None
        self.side = []
        self.server = self.main = None

    def wpath(self, name):
        return os.path.join(self.build, "workloads", name)

    def setup_plugins(self):
        os.makedirs(self.plugdir)
        for p in ("logfile", "csv", "unixsock", "network", "load", "memory",
                  "write_prometheus", "write_graphite"):
            shutil.copy(os.path.join(STOCK, p + ".so"), self.plugdir)
        so = os.path.join(self.build, "smaps.so")
        if not os.path.isfile(so):
            pytest.fail("plugin built: %s is missing" % so)
        shutil.copy(so, self.plugdir)
        os.chmod(self.plugdir, 0o755)

    def workload(self, key, argv, what):
        self.wl[key] = Workload(self.procs, argv, what)

    def start_steady(self):
        """Processes shared by several instances, started before them."""
        self.workload("idle", [self.wpath("exit_half"), "--comm", "swidle",
                               "--seconds", "120"], "idle exit_half")
        with open(os.path.join(self.tmp, "idle.pid"), "w") as f:
            f.write("%d\n" % self.wl["idle"].pid)
        code = ("import ctypes,os,socket,threading,time\n"
                "ctypes.CDLL(None).prctl(15, b'swsock', 0, 0, 0)\n"
                "s = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM)"
                " for _ in range(3)]\n"
                "libc = ctypes.CDLL(None)\n"
                "libc.dlmopen.restype = ctypes.c_void_p\n"
                "# libz and libc loaded again in a new link-map namespace\n"
                "assert libc.dlmopen(ctypes.c_long(-1), b'libz.so.1', 2)\n"
                "for _ in range(2):\n"
                "    threading.Thread(target=time.sleep, args=(120,),"
                " daemon=True).start()\n"
                "print('ready', os.getpid(), flush=True)\n"
                "time.sleep(120)\n")
        self.workload("sock", [sys.executable, "-c", code], "socket holder")
        # 65,536 blocks of 48 bytes written on the heap once (64-byte
        # chunks: 4 MiB), then nothing.
        self.workload("stable", [self.wpath("scenario"), "stable", "--comm",
                                 "swstable"], "stable heap")
        self.start_unit_member()

    def start_unit_member(self):
        """A member of a systemd-like unit: a cgroup whose path has a
        component NAME.service, as under systemd (run.sh removes it)."""
        for hier in ("/sys/fs/cgroup/systemd", "/sys/fs/cgroup/unified",
                     "/sys/fs/cgroup"):
            # unique to the run (in its pid namespace our pid is 1)
            unit = "swtest-%s.service" % os.path.basename(
                self.tmp).rsplit(".", 1)[-1]
            cg = os.path.join(hier, unit)
            try:
                os.mkdir(cg)
            except OSError:
                continue
            with open(os.path.join(self.tmp, "cgroups"), "a") as f:
                f.write(cg + "\n")
            self.workload("unit", [self.wpath("exit_half"), "--comm",
                                   "swunitmember", "--seconds", "120"],
                          "unit member")
            try:
                with open(os.path.join(cg, "cgroup.procs"), "w") as f:
                    f.write("%d\n" % self.wl["unit"].pid)
                self.unit = unit
            except OSError as e:
                info("cannot move a process into %s: %s" % (cg, e))
            return

    def start_workloads(self):
        rate = str(cf.RATE_KIB)
        self.workload("heap", [self.wpath("grow_heap"), "--comm", "swheap",
                               "--rate", rate], "grow_heap")
        self.workload("mmap", [self.wpath("grow_mmap"), "--comm", "swmmap",
                               "--rate", rate], "grow_mmap")
        self.workload("exit", [self.wpath("exit_half"), "--comm", "swexit",
                               "--seconds", "3"], "exit_half")
        self.workload("h1", [self.wpath("grow_heap"), "--comm", cf.HOSTILE1,
                             "--rate", "8"], "hostile 1")
        self.workload("h2", [self.wpath("grow_heap"), "--comm", cf.HOSTILE2,
                             "--rate", "8"], "hostile 2")

    def collectd(self, name, body, **kw):
        return Collectd(self, name, body, **kw)

    def start_stores(self):
        self.prom_port = free_tcp_port()
        self.plain, self.separate = LineListener(), LineListener()
        self.listeners += [self.plain, self.separate]
        if os.access(Influx.BIN, os.X_OK):
            self.influx = Influx(self.procs, os.path.join(self.tmp, "influx"))
        if os.access(Prometheus.BIN, os.X_OK):
            self.prom = Prometheus(self.procs, os.path.join(
                self.tmp, "prometheus"), self.prom_port,
                readme_blocks("Prometheus, at scrape time"))
        self.stores = self.collectd("stores", cf.stores_conf(
            self.tmp, self.prom_port, self.plain.port, self.separate.port,
            self.influx and self.influx.udp), sock=False)

    def start(self):
        self.setup_plugins()
        self.start_steady()
        self.main = self.collectd("main", cf.main_conf(self.tmp, self.unit))
        why = self.main.wait_ready()
        if why:
            pytest.fail(why)
        self.start_workloads()
        # Side instances, all at once while main watches the workloads.
        self.errs = {name: self.collectd("err-" + name, cf.error_conf(body),
                                         sock=False)
                     for name, (body, _, _) in cf.ERROR_CASES.items()}
        self.case = self.collectd("case", cf.CASE_CONF, sock=False)
        self.nobody = self.nofds = None
        if os.geteuid() == 0:
            self.nobody = self.collectd("eacces", cf.IDLE_ONLY_CONF,
                                        user="nobody", sock=False)
            # smaps readable (CAP_SYS_PTRACE), /proc/PID/fd not
            self.nofds = self.collectd("nofds", cf.IDLE_ONLY_CONF,
                                       user="nobody", sock=False,
                                       caps=("sys_ptrace",))
        self.fake = self.collectd("procroot", cf.procroot_conf(
            cf.build_proc_tree(self.tmp)), sock=False)
        self.collide = self.collectd("collide", cf.collide_conf(),
                                     sock=False)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        self.server = self.collectd("net-server", cf.net_server_conf(port),
                                    host="smapwatch-server", sock=False)
        self.ready(self.server)
        self.client = self.collectd("net-client", cf.net_client_conf(port),
                                    host="smapwatch-client", sock=False)
        self.start_stores()
        self.side = list(self.errs.values()) + [
            self.case, self.fake, self.client, self.collide, self.stores]
        self.side += [self.nobody, self.nofds] if self.nobody else []
        for c in self.side:
            self.ready(c)

    def ready(self, c):
        why = c.wait_ready()
        if why:
            self.not_started.append(why)

    def at(self, when):
        time.sleep(max(0, when - time.time()))

    def finish_main(self):
        """Stops the side instances, lets main watch the workloads for
        MAIN_SECONDS, takes its LISTVAL both ways, stops it."""
        for c in self.side + [self.server]:
            c.stop()
        for d in (self.prom, self.influx):
            if d:
                d.stop()
        self.at(self.wl["heap"].started + cf.MAIN_SECONDS)
        self.listval_rc, self.listval, err = self.main.ctl("listval")
        self.listval_err = err
        self.raw = self.main.raw_listval()
        lost = sorted(set(self.raw) - set(self.listval.splitlines()))
        self.probe = self.main.ctl("getval", lost[0]) if lost else None
        self.main.stopped = time.time()
        self.main.stop()

    def close(self):
        self.procs.kill_all()
        for x in self.listeners:
            x.close()


@pytest.fixture(scope="session")
def cd():
    for exe in (COLLECTD, COLLECTDCTL):
        if not os.access(exe, os.X_OK):
            pytest.fail("%s missing (collectdctl: Debian package "
                        "collectd-utils)" % exe)
    build = os.path.abspath(os.environ.get("BUILD", "build"))
    tmp = os.environ.get("CD_TMP")
    own = not tmp
    if own:             # run without run.sh: no namespace, our own dir
        tmp = tempfile.mkdtemp(prefix="smapwatch-collectd.")
        os.chmod(tmp, 0o755)
    r = Run(build, tmp)
    try:
        r.start()
        yield r
    finally:
        r.close()
        if own:
            subprocess.run(["rm", "-rf", tmp])


@pytest.fixture(scope="session")
def live(cd):
    """The main instance, 5 s into the workloads."""
    cd.at(cd.wl["heap"].started + 5)
    return cd


@pytest.fixture(scope="session")
def side(cd):
    """The side instances, each >= 4 cycles after it started."""
    cd.at(max(c.started for c in cd.side) + 4.5)
    return cd


@pytest.fixture(scope="session")
def done(cd):
    """Everything stopped; the main instance after MAIN_SECONDS."""
    cd.finish_main()
    return cd
