"""test_unprivileged.py - what the plugin cannot look at, on the run's
live workloads (root's): as nobody with no capability (unreadable), with
CAP_SYS_PTRACE only (fds not counted), on a proc mounted hidepid=1
(hidden), and out of fds (unreachable). Each is counted, said once with
what it needs, and never an error per cycle. Needs root (to become
nobody, to mount proc)."""

import os
import re
import shutil
import subprocess

import pytest

import pluginsd
from plugrun import (HEAP, PLUGIN, Nobody, errors_but, read_for, stop,
                     values)

FDS_LINE = ("group 'hostile': the open fds of %d of its %d processes cannot "
            "be counted, left out of fds and sockets (needs root, or "
            "CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE")


def members(n, **kw):
    """A processes chart's values of n members, all but kw 0."""
    return dict({"processes": n, "unreadable": 0, "failed": 0,
                 "fds_uncounted": 0, "unreachable": 0}, **kw)


@pytest.fixture
def nobody(request):
    if os.geteuid() != 0:
        pytest.skip("needs root to become nobody")
    nb = Nobody("smaps-%s-" % request.node.name[5:20])
    yield nb
    nb.close()


def test_unprivileged(nobody, pids):
    """As nobody, with no capability, on root's processes: each is counted
    unreadable and logged once (over the cycles), with what it needs."""
    n = len(pids)
    _, out, err, _ = nobody.run(["--config", nobody.conf, "--full-interval",
                                 "0"], 3.5)
    v = values(pluginsd.check(out), "smaps.hostile_processes")
    assert len(v) >= 2 and all(x == members(n, unreadable=n, fds_uncounted=n)
                               for x in v), \
        "as nobody: root's processes counted unreadable: %r" % v
    denied = [l for l in err if "Permission denied (needs root, or "
              "CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH" in l]
    fds = [l for l in err if FDS_LINE % (n, n) in l]
    assert sorted(int(re.search(r"process (\d+) ", l).group(1))
                  for l in denied) == sorted(pids) \
        and len(fds) == 1 and not errors_but(err, denied + fds), \
        "as nobody: one line per process, saying what it needs: %r" % err


def test_fds_uncounted(nobody, pids):
    """As nobody with CAP_SYS_PTRACE only (no CAP_DAC_READ_SEARCH), on
    root's processes: smaps are read, but /proc/PID/fd may not be listed.
    Their fds are counted as not counted, charted as a gap (not a 0), and
    said in one line for the group (issue 18, defect 8)."""
    if not shutil.which("setpriv"):
        pytest.skip("fds uncounted (needs root and setpriv)")
    p = subprocess.Popen(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
         "--inh-caps=+sys_ptrace", "--ambient-caps=+sys_ptrace",
         nobody.plugin, "1", "--config", nobody.conf, "--full-interval", "0"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    try:
        out, _ = read_for(p, 3.5)
    finally:
        stop(p)
    err = p.stderr.read().decode("utf-8", "replace").splitlines()
    c = pluginsd.check(out)
    n = len(pids)
    v = values(c, "smaps.hostile_processes")
    assert len(v) >= 2 and all(x == members(n, fds_uncounted=n) for x in v), \
        "CAP_SYS_PTRACE only: smaps read, fds of all %d uncounted: %r" % (n, v)
    for chart in ("fds", "sockets"):
        g = values(c, "smaps.hostile_" + chart)
        assert len(g) >= 2 and all(x == {chart: None} for x in g), \
            "CAP_SYS_PTRACE only: %s charted as a gap, not 0: %r" % (chart, g)
    said = [l for l in err if (FDS_LINE % (n, n)) in l]
    assert len(said) == 1 and not errors_but(err, said), \
        "CAP_SYS_PTRACE only: one line for the group: %r" % err


def test_hidepid(nobody, pids):
    """As nobody on a proc mounted hidepid=1, root's processes are listed
    but closed: counted as hidden, said once, never an error per cycle."""
    hp = os.path.join(nobody.tmp, "proc")
    os.makedirs(hp)
    if subprocess.run(["mount", "-t", "proc", "-o", "hidepid=1", "proc", hp],
                      stderr=subprocess.DEVNULL).returncode:
        pytest.skip("hidepid=1 run (cannot mount proc here)")
    try:
        _, out, err, _ = nobody.run(["--config", nobody.conf, "--proc-root",
                                     hp], 3.5)
    finally:
        subprocess.run(["umount", hp])
    c = pluginsd.check(out)
    hidden = [v.get("hidden") for v in values(c, "netdata.smaps_skipped")]
    procs = values(c, "smaps.hostile_processes")
    said = [l for l in err if "may not be looked at (hidepid=1?)" in l]
    assert len(hidden) >= 2 and all(h and h >= len(pids) for h in hidden) \
        and procs and all(v["processes"] == 0 for v in procs) \
        and len(said) == 1 and not errors_but(err, said), \
        "hidepid=1, as nobody: root's processes hidden %r, in no group %r, " \
        "one line: %r" % (hidden, procs, err)


def run_nofile(conf, nofile, seconds):
    """The plugin under prlimit --nofile=N:N; (checked stdout, stderr lines)."""
    p = subprocess.Popen(["prlimit", "--nofile=%d:%d" % (nofile, nofile),
                          PLUGIN, "1", "--config", conf,
                          "--full-interval", "0"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        out, _ = read_for(p, seconds)
    finally:
        stop(p)
    return (pluginsd.check(out),
            p.stderr.read().decode("utf-8", "replace").splitlines())


@pytest.fixture
def nofile_group(tmp_path):
    """3 workloads of a name unique to the run, in group 'nf' by comm:
    (groups file, n)."""
    if not shutil.which("prlimit"):
        pytest.skip("unreachable (needs prlimit, util-linux)")
    comm = "swnf%d" % (os.getpid() % 10000000)
    n, procs = 3, []
    try:
        for _ in range(n):
            procs.append(subprocess.Popen(
                [HEAP, "--comm", comm, "--rate", "0", "--seconds", "30"],
                stdout=subprocess.PIPE))
            procs[-1].stdout.readline()
        conf = tmp_path / "nofile.conf"
        conf.write_text("nf: %s\n" % comm)
        yield str(conf), n
    finally:
        for p in procs:
            p.kill()
            p.wait()


def test_unreachable(nofile_group):
    """Out of fds (issue 18, defect 17): the plugin keeps stdin, stdout,
    stderr and the proc root open, so with RLIMIT_NOFILE at 5 it starts
    and charts, but every member's /proc/PID open fails with EMFILE. The
    members are then neither processes nor failed (a smaps read that
    failed) but unreachable, said with one line each (rate-limited); with
    room for one more fd, none is. Matched by comm (a name unique to the
    run): a command-line match needs an fd of its own."""
    conf, n = nofile_group
    c, err = run_nofile(conf, 5, 3.5)
    v = values(c, "smaps.nf_processes")
    assert len(v) >= 2 and all(x == members(0, unreachable=n) for x in v), \
        "nofile 5: all %d members unreachable: %r" % (n, v)
    said = [l for l in err if "Too many open files" in l and "group 'nf'" in l]
    assert len(said) >= n and not c.problems, \
        "nofile 5: the EMFILE said per member, grammar kept: %r %r" \
        % (err[:8], c.problems[:3])
    c, err = run_nofile(conf, 6, 2.5)
    v = values(c, "smaps.nf_processes")
    assert len(v) >= 1 and all(x.get("unreachable") == 0
                               and x.get("processes") == n for x in v), \
        "nofile 6: none unreachable: %r" % v
