#!/usr/bin/env python3
"""soak.py CONFIG SECONDS - a bounded churn soak of one plugin configuration.

CONFIG is one of
  netdata-valgrind   build/smaps.plugin 1 under valgrind memcheck
  netdata-asan       build/asan/smaps.plugin 1 (ASan+UBSan)
  collectd-valgrind  /usr/sbin/collectd -f under valgrind, build/smaps.so
  netdata-plain, collectd-plain  the same, unsanitized (a baseline)
  collectd-asan      stock collectd, LD_PRELOAD clang's ASan runtime,
                     build/asan/smaps.so (ASan+UBSan)
  collectd-massif    collectd under valgrind's heap profiler, build/smaps.so:
                     the heap held through our plugin, snapshot by snapshot
  netdata-massif     build/smaps.plugin 1 under valgrind's heap profiler
Environment: BUILD (build), ASAN_BUILD (build/asan), CHURN
(BUILD/soak/churn), SOAK_TMP (kept if set; else a temp dir, removed on
success).

While churn (churn.c) starts and ends named processes, the target's VmRSS
and open fd count are sampled every SAMPLE seconds. "Flat": the first third
of the run is warm-up; the median RSS of the last third may exceed the
median of the second third by at most max(2 %, 512 KiB); the median and the
least count of fds held (open through a 0.5 s burst of listings: a leak
is, a read in progress is not) of the last third may not exceed the second
third's, no fd may be held in the last two samples that was not held in
the second third, and (Netdata plugin, where every fd is ours) no listing after warm-up
may show more than the second third's median + 2 (a /proc file open during
a read).
Under massif the heap held by allocations whose stack goes through our
plugin, exact (no allocator between), may not rise from the second third's
floor to the last's by more than max(1 %, 64 KiB), nor the whole heap by
more than max(2 %, 512 KiB). At the end the netdata plugin's stdout is
closed (it must exit 0 on EPIPE), collectd gets SIGTERM (exit 0); then the
sanitizer
or valgrind verdict is judged (for collectd: only reports whose stack goes
through our plugin). Prints "N passed, N failed"; exit 1 on a failure."""

import os
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from tally import Tally  # noqa: E402

CONFIG = sys.argv[1]
SECONDS = float(sys.argv[2])
BUILD = os.environ.get("BUILD", "build")
ASAN_BUILD = os.environ.get("ASAN_BUILD", "build/asan")
CHURN = os.environ.get("CHURN", os.path.join(BUILD, "soak", "churn"))
# ASan's quarantine of freed blocks: 4 MB for the Netdata plugin; none
# in collectd, where with any quarantine ASan's allocator RSS creeps for
# minutes (+1.5 MB per third of 150 s with 1 MB, +2 MB with 4 MB) by
# recycling the freed blocks of collectd's own traffic (the csv writer's
# fopen buffers, most of it), while the heap in use stays flat (see the
# collectd-massif configuration). Use after free in collectd is left to
# memcheck (collectd-valgrind).
QUARANTINE_MB = os.environ.get("SOAK_QUARANTINE_MB",
                               "0" if CONFIG.startswith("collectd") else "4")
SAMPLE = 2.0 if SECONDS < 120 else 3.0
BURST, GAP = 10, 0.05            # fd listings per sample (see sample())
WARM = 1 / 3
COLLECTD = "/usr/sbin/collectd"
TYPESDB = "/usr/share/collectd/types.db"
MASSIF = ["valgrind", "--tool=massif", "--depth=40", "--threshold=0",
          "--detailed-freq=1", "--max-snapshots=100", "--time-unit=ms"]
VALGRIND = ["valgrind", "--leak-check=full", "--error-exitcode=99",
            "--show-leak-kinds=definite,indirect",
            "--errors-for-leak-kinds=definite,indirect",
            "--num-callers=40", "--keep-debuginfo=yes", "--track-fds=no"]
# A stack through our code: the plugin file, our function prefixes, our
# source files.
OURS = re.compile(r"smaps\.so|smaps\.plugin|\bsw_\w+|\bcd_\w+|"
                  r"\b(common|plugins/collectd|plugins/netdata)/\w+\.[ch]:")

T = Tally()
check, info = T.check, T.info
children = []   # (Popen, is_group_leader)


def spawn(argv, **kw):
    kw.setdefault("stdin", subprocess.DEVNULL)
    p = subprocess.Popen(argv, start_new_session=True, **kw)
    children.append(p)
    return p


def kill_all():
    """Everything started: its whole process group, TERM then KILL."""
    for p in children:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.time() + 5
    for p in children:
        try:
            p.wait(max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            pass
    for p in children:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if p.poll() is None:
            p.wait()


def on_signal(sig, _frm):
    raise KeyboardInterrupt("signal %d" % sig)


# ------------------------------------------------------------- sampling


def target_pid(p):
    """The pid whose RSS we sample: valgrind runs the program in its own
    process (same pid); the LD_PRELOAD run is collectd itself."""
    return p.pid


KEPT = re.compile(r"/proc/\d+(?:/stat|/status)?( \(deleted\))?$")
DEAD = set()    # kept /proc/PID fds of exited processes seen by open_fds


def open_fds(pid):
    """{(fd, what it points at)} of pid, but for the /proc/PID directories
    and their stat and status files, which the core keeps open for each
    member across cycles (proccache.h): those
    come and go with the members, and one of a process that exited is
    closed at the next cycle. Those are put in DEAD, judged apart (flat())."""
    fds = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue            # closed between the listing and readlink
        m = KEPT.match(target)
        if m:
            if m.group(1):
                DEAD.add((fd, target))
            continue
        fds.add((fd, target))
    return fds


def sample(pid):
    """(RSS KiB, n held, n open, transient targets, held). The fds are listed
    BURST times GAP s apart: those open in every listing are "held" (a
    leaked fd is); the others are transient: a read of ours in progress,
    collectd's csv or log writer between open and close."""
    try:
        with open("/proc/%d/status" % pid) as f:
            rss = int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
        DEAD.clear()
        first = open_fds(pid)
        held = set(first)
        for _ in range(BURST - 1):
            time.sleep(GAP)
            held &= open_fds(pid)
        return (rss, len(held), len(first), sorted(t for _, t in first - held),
                held, frozenset(DEAD))
    except (OSError, AttributeError):
        return None


class Drain(threading.Thread):
    """Reads a pipe to the end so the writer never blocks."""

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
                # cycles: BEGIN lines of the alpha group's pss chart (a default one)
                buf = self.tail + b
                self.cycles += buf.count(b"\nBEGIN smaps.alpha_pss ")
                self.tail = buf[-64:]


def flat(samples, t_total):
    """Checks the samples [(t, rss_kib, fds held, fds open, ...)] as the docstring
    says; returns a summary for the README."""
    second = [s for s in samples if WARM * t_total <= s[0] < 2 * WARM * t_total]
    last = [s for s in samples if s[0] >= 2 * WARM * t_total]
    if not check("enough samples", len(second) >= 3 and len(last) >= 3,
                 "%d, %d" % (len(second), len(last))):
        return {}
    m2 = statistics.median(s[1] for s in second)
    m3 = statistics.median(s[1] for s in last)
    bound = max(0.02 * m2, 512)
    check("RSS flat", m3 - m2 <= bound,
          "median %d KiB (2nd third) -> %d KiB (last third), %+d KiB, "
          "bound %d KiB; first %d, min %d, max %d"
          % (m2, m3, m3 - m2, bound, samples[0][1],
             min(s[1] for s in samples), max(s[1] for s in samples)))
    f2 = statistics.median(s[2] for s in second)
    f3 = statistics.median(s[2] for s in last)
    low2, low3 = min(s[2] for s in second), min(s[2] for s in last)
    fmax = max(s[3] for s in second + last)
    # A leaked fd is held. Transient fds are judged only where every fd is
    # ours (collectd's csv writer opens files meanwhile).
    transient_ok = fmax <= f2 + 2 or not CONFIG.startswith("netdata")
    # Held in the last two samples but never in the second third: a late
    # leak (one sample alone may catch a slow read under valgrind).
    late = sorted(t for _, t in (last[-1][5] & last[-2][5])
                  - set().union(*(s[5] for s in second)))
    # An exited member's kept /proc/PID is closed at the next cycle: one
    # still open three samples running (several seconds) was leaked.
    stale = [t for a, b, c in zip(samples, samples[1:], samples[2:])
             for _, t in a[6] & b[6] & c[6]]
    check("exited members' /proc/PID closed", not stale,
          " ".join(sorted(set(stale))) or "none kept over three samples")
    check("fd count flat", f3 <= f2 and low3 <= low2 and transient_ok
          and not late,
          "held: median %g -> %g, least %d -> %d; open: max after warm-up %d;"
          " held in the last two samples only: %s"
          % (f2, f3, low2, low3, fmax, " ".join(late) or "none"))
    return {"rss2": m2, "rss3": m3, "fd2": f2, "fd3": f3, "fdmax": fmax}


def massif_snapshots(path):
    """[(ms, heap bytes, bytes held through our code)] of each detailed
    snapshot of a massif.out file: a tree node whose function is ours
    counts with its subtree, once (the nodes under it are not added)."""
    out, t, heap, ours, inside, stack = [], 0, 0, 0, False, []
    for line in open(path, errors="replace"):
        if line.startswith("snapshot="):
            if inside:
                out.append((t, heap, ours))
            inside, ours, stack = False, 0, []
        elif line.startswith("time="):
            t = int(line[5:])
        elif line.startswith("mem_heap_B="):
            heap = int(line[11:])
        elif line.startswith("heap_tree="):
            inside = line.strip() != "heap_tree=empty"
        elif inside:
            m = re.match(r"^( *)n\d+: (\d+) (.*)$", line.rstrip("\n"))
            if not m:
                continue
            depth = len(m.group(1))
            del stack[depth:]
            covered = any(stack)
            mine = bool(OURS.search(m.group(3)))
            if mine and not covered:
                ours += int(m.group(2))
            stack.append(mine or covered)
    if inside:
        out.append((t, heap, ours))
    return out


def massif_flat(path, t_total):
    """The heap held through our plugin, and the whole heap, flat from the
    second third of the run to the last, judged on each third's floor:
    a snapshot taken mid-cycle also holds that cycle's transient blocks
    (in collectd, the queue of values just dispatched, up to ~300 KB),
    while memory kept raises the floor. Massif snapshots at allocation
    events only (a plugin that allocates nothing per cycle leaves few), so
    a third also counts the last snapshot before it; teardown after the
    run is not part of it."""
    snaps = [(t / 1000.0, h, o) for t, h, o in massif_snapshots(path)]
    if not check("massif: snapshots before the second third",
                 any(t < WARM * t_total for t, _, _ in snaps), len(snaps)):
        return {}
    info("massif snapshots (s, heap B, ours B): " + " ".join(
        "%.0f:%d:%d" % x for x in snaps))

    def third(lo, hi):
        before = [x for x in snaps if x[0] < lo]
        return before[-1:] + [x for x in snaps if lo <= x[0] < hi]
    second = third(WARM * t_total, 2 * WARM * t_total)
    last = third(2 * WARM * t_total, t_total)
    res = {}
    for k, name, frac, floor in ((2, "heap held through our plugin", 0.01, 65536),
                                 (1, "the whole heap", 0.02, 524288)):
        low2, low3 = min(x[k] for x in second), min(x[k] for x in last)
        bound = max(frac * low2, floor)
        check("massif: %s flat" % name, low3 - low2 <= bound,
              "floor %d -> %d B (%+d), bound %d B; median %d -> %d B"
              % (low2, low3, low3 - low2, bound,
                 statistics.median(x[k] for x in second),
                 statistics.median(x[k] for x in last)))
        res[k] = (low2, low3)
    return res


# ------------------------------------------------------------- reports


def records(text):
    """valgrind's log cut into records (blank-line separated)."""
    recs, cur = [], []
    for line in text.splitlines():
        body = re.sub(r"^==\d+== ?", "", line)
        if not body.strip():
            if cur:
                recs.append("\n".join(cur))
            cur = []
        else:
            cur.append(body)
    if cur:
        recs.append("\n".join(cur))
    return recs


def valgrind_ours(log):
    """Error and definite/indirect leak records whose stack goes through
    our code (smaps.so, sw_*/cd_* functions, common/ or plugins/ files)."""
    text = open(log, errors="replace").read()
    out = []
    for r in records(text):
        head = r.splitlines()[0]
        if head.startswith(("HEAP SUMMARY", "LEAK SUMMARY", "ERROR SUMMARY",
                            "Memcheck", "Copyright", "Using Valgrind",
                            "Command:", "For lists", "Rerun", "To see",
                            "in use at exit", "All heap blocks")):
            continue
        if re.match(r"\d[\d,]* .*bytes in .* blocks are (possibly lost|still "
                    r"reachable)", head):
            continue
        if not re.search(r"^\s+(at|by) 0x", r, re.M):
            continue
        if OURS.search(r):
            out.append(r)
    return text, out


def asan_reports(logdir):
    """ASan/UBSan/LSan reports in log_path files: (all, ours)."""
    allr, ours = [], []
    for fn in sorted(os.listdir(logdir)):
        if not fn.startswith("asan"):
            continue
        text = open(os.path.join(logdir, fn), errors="replace").read()
        # LSan reports one record per leak; other reports are one each.
        parts = re.split(r"\n(?=(?:Direct|Indirect) leak of)", text)
        for part in parts:
            if not re.search(r"^\s+#0 ", part, re.M):
                continue   # the header alone, no stack
            allr.append(part)
            if OURS.search(part):
                ours.append(part)
    return allr, ours


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


def main():
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    keep = "SOAK_TMP" in os.environ
    tmp = os.environ.get("SOAK_TMP") or tempfile.mkdtemp(prefix="soak-")
    tmp = os.path.join(tmp, CONFIG) if keep else tmp
    os.makedirs(tmp, exist_ok=True)
    print("# soak %s, %.0f s, in %s" % (CONFIG, SECONDS, tmp))
    netdata = CONFIG.startswith("netdata")
    valgrind = CONFIG.endswith("valgrind")
    massif = CONFIG.endswith("massif")
    massif_out = os.path.join(tmp, "massif.out")
    build = ASAN_BUILD if CONFIG.endswith("asan") else BUILD
    env = dict(os.environ)
    logdir = os.path.join(tmp, "san")
    os.makedirs(logdir, exist_ok=True)
    vglog = os.path.join(tmp, "valgrind.log")
    if CONFIG.endswith("asan"):
        # A small quarantine (see QUARANTINE_MB): ASan keeps freed blocks
        # (256 MB by default) and the RSS would climb until it is full.
        env["ASAN_OPTIONS"] = ("detect_leaks=1:log_path=%s/asan:exitcode=98:"
                               "quarantine_size_mb=%s:thread_local_quarantine_size_kb=%d"
                               % (logdir, QUARANTINE_MB,
                                  0 if QUARANTINE_MB == "0" else 1024))
        env["UBSAN_OPTIONS"] = ("print_stacktrace=1:halt_on_error=1:log_path=%s/asan"
                                % logdir)
    if netdata:
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
        if CONFIG.endswith("asan"):
            rt = subprocess.run(["clang", "-print-file-name="
                                 "libclang_rt.asan-x86_64.so"],
                                capture_output=True, text=True).stdout.strip()
            env["LD_PRELOAD"] = rt
            # collectd's own allocations, made before and outside our
            # plugin, are judged only when their stack goes through it.
    if valgrind:
        argv = VALGRIND + ["--log-file=" + vglog] + argv
    if massif:
        argv = MASSIF + ["--massif-out-file=" + massif_out,
                         "--log-file=" + vglog] + argv

    stats = os.path.join(tmp, "churn.stats")
    # Enough instant-exit forks that the pid counter wraps once in the
    # run's first half, at most 1500/s.
    pid_max = int(open("/proc/sys/kernel/pid_max").read())
    burn = min(1500, pid_max / (0.5 * SECONDS))
    t_total = SECONDS
    samples = []
    try:
        target = spawn(argv, env=env, stdout=subprocess.PIPE if netdata
                       else subprocess.DEVNULL,
                       stderr=open(os.path.join(tmp, "stderr"), "wb"))
        drain = None
        if netdata:
            drain = Drain(target.stdout)
            drain.start()
        time.sleep(2)
        check("target started", target.poll() is None,
              "exit %s" % target.poll())
        churn = spawn([CHURN, "--seconds", str(SECONDS), "--burn",
                       "%.0f" % burn, "--stats", stats],
                      stderr=subprocess.DEVNULL)
        t0 = time.time()
        maps = open("/proc/%d/maps" % target.pid).read()
        if CONFIG.endswith("asan"):
            check("ASan runtime and our plugin in the process",
                  "asan" in maps or netdata,
                  "libclang_rt.asan mapped" if "asan" in maps else "")
        while time.time() - t0 < t_total and target.poll() is None:
            s = sample(target_pid(target))
            if s:
                samples.append((time.time() - t0,) + s)
            time.sleep(SAMPLE)
        check("target alive through the run", target.poll() is None,
              "exit %s" % target.poll())
        churn.wait(30)
        st = dict(kv.split("=") for kv in open(stats).read().split())
        info("churn: " + " ".join("%s=%s" % kv for kv in st.items()))
        check("churn started 50 group members a second (10,000 in 3 min)",
              int(st["started"]) >= 50 * SECONDS, st["started"])
        if SECONDS >= 120:  # 40 s may end before the pid counter wraps
            check("pids reused by group members", int(st["reused"]) > 0,
                  st["reused"])
        info("RSS KiB samples: " + " ".join(str(s[1]) for s in samples))
        info("fds held: " + " ".join(str(s[2]) for s in samples))
        info("fds open: " + " ".join(str(s[3]) for s in samples))
        transient = sorted({re.sub(r"/proc/\d+/", "/proc/PID/", t)
                            for s in samples for t in s[4]})
        info("transient fds: " + (" ".join(transient) or "none"))
        summary = flat(samples, t_total)
        cycles = None
        # ----------------------------------------------------- stop
        if netdata:
            drain.stop = True
            drain.join(2)
            target.stdout.close()      # EPIPE at the next write: exit 0
            try:
                rc = target.wait(120 if valgrind or massif else 30)
            except subprocess.TimeoutExpired:
                rc = "timeout"
            info("plugin stdout: %d bytes read" % drain.bytes)
        else:
            target.send_signal(signal.SIGTERM)
            try:
                rc = target.wait(120 if valgrind or massif else 30)
            except subprocess.TimeoutExpired:
                rc = "timeout"
            csvd = os.path.join(tmp, "csv", "soak")
            dirs = sorted(os.listdir(csvd)) if os.path.isdir(csvd) else []
            info("csv plugin instances: %s" % " ".join(dirs))
            check("collectd wrote smaps values for the churn groups",
                  any(d.startswith("smaps-") for d in dirs), dirs)
            n = 0
            for d in dirs:
                if d == "smaps-sw-alpha":
                    for fn in os.listdir(os.path.join(csvd, d)):
                        if fn.startswith("ps_count"):
                            n += sum(1 for _ in open(os.path.join(csvd, d, fn))) - 1
            cycles = n
            info("read cycles (rows of smaps-sw-alpha/ps_count): %d" % n)
            check("plugin read every interval", n >= SECONDS / 3, n)
        # 99: valgrind found something (judged below); 98: LSan found a
        # leak in collectd-asan (judged below: ours or collectd's own).
        check("target exited 0", rc == 0 or (rc == 99 and valgrind) or
              (rc == 98 and CONFIG == "collectd-asan"), "exit %s" % rc)
        serr = open(os.path.join(tmp, "stderr"), errors="replace").read()
        if netdata:
            cycles = drain.cycles
            info("update cycles (BEGIN smaps.alpha_pss): %d" % cycles)
            check("plugin kept updating", cycles >= SECONDS / 3, cycles)
        if "AddressSanitizer" in serr or "runtime error" in serr:
            print(serr[:3000])
        # ----------------------------------------------------- verdicts
        if massif:
            mf = massif_flat(massif_out, t_total)
            if mf:
                summary["heap"] = "%d->%d" % mf[1]
                summary["ours"] = "%d->%d" % mf[2]
        elif valgrind:
            text, ours = valgrind_ours(vglog)
            m = re.search(r"ERROR SUMMARY: (\d+) errors", text)
            lost = re.search(r"definitely lost: ([\d,]+) bytes", text)
            ind = re.search(r"indirectly lost: ([\d,]+) bytes", text)
            info("valgrind: ERROR SUMMARY %s, definitely lost %s, "
                 "indirectly lost %s" % (m.group(1) if m else "?",
                                         lost.group(1) if lost else "0",
                                         ind.group(1) if ind else "0"))
            if netdata:
                check("valgrind: no errors, no definite/indirect leaks",
                      rc == 0 and m and m.group(1) == "0",
                      "exit %s" % rc)
            else:
                check("valgrind: no error or leak through our plugin",
                      not ours, "%d records" % len(ours))
            for r in ours[:5]:
                print(r)
        elif CONFIG.endswith("asan"):
            allr, ours = asan_reports(logdir)
            if netdata:
                check("ASan/UBSan: no report", not allr and rc == 0,
                      "%d reports, exit %s" % (len(allr), rc))
                for r in allr[:3]:
                    print(r[:3000])
            else:
                info("ASan/LSan reports in all: %d (through our plugin: %d)"
                     % (len(allr), len(ours)))
                check("ASan/UBSan: no report through our plugin", not ours,
                      "%d" % len(ours))
                for r in ours[:3]:
                    print(r[:3000])
        if not netdata:
            log = open(os.path.join(tmp, "collectd.log"),
                       errors="replace").read()
            check("collectd loaded the plugin", 'plugin "smaps" successfully '
                  'loaded' in log and "Initialization complete" in log)
            bad = [ln for ln in log.splitlines()
                   if "smaps plugin" in ln and "error" in ln.lower()]
            check("no smaps plugin error in collectd's log", not bad, bad[:3])
        info("figures: config=%s seconds=%.0f started=%s reused=%s burned=%s "
             "rss_kib=%s->%s fds=%s->%s%s" % (
                 CONFIG, SECONDS, st.get("started"), st.get("reused"),
                 st.get("burned"), summary.get("rss2"), summary.get("rss3"),
                 summary.get("fd2"), summary.get("fd3"),
                 "" if cycles is None else " cycles=%d" % cycles)
             + ("" if "ours" not in summary else " heap_b=%s ours_b=%s" % (
                 summary["heap"], summary["ours"])))
    except (KeyboardInterrupt, Exception) as e:   # noqa: BLE001
        check("soak ran to the end", False, repr(e))
    finally:
        kill_all()
    T.summary()
    if T.failed == 0 and not keep:
        shutil.rmtree(tmp, ignore_errors=True)
    elif T.failed:
        print("# kept: %s" % tmp)
    return 1 if T.failed else 0


if __name__ == "__main__":
    sys.exit(main())
