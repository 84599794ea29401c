"""test_privileged.py - the plugin given the package's rights (setcap, or
setuid root where it cannot), started by nobody, on the run's live
workloads (root's): root's processes are read (the rights work), it runs
as nobody with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH only (setuid root
brought down to that), and a groups file, a pidfile or a proc root that
nobody could not use is refused (the rights are not lent). Needs root."""

import os
import re
import subprocess

import pytest

import pluginsd
from plugrun import HOSTILE_GROUP, Nobody


@pytest.fixture(scope="module", params=["setcap", "setuid"])
def priv(request, workloads):
    """A copy of the plugin with the rights, in a directory holding files
    nobody may and may not read: (how, Nobody, groups file with a
    root-only pidfile 'pf' and a world-readable one 'pw')."""
    how = request.param
    if os.geteuid() != 0:
        pytest.skip("%s run (needs root)" % how)
    nb = Nobody("smaps-%s-" % how)
    try:
        if os.statvfs(nb.tmp).f_flag & os.ST_NOSUID:
            pytest.skip("%s run (%s is mounted nosuid)" % (how, nb.tmp))
        if how == "setcap":
            r = subprocess.run(["setcap", "cap_dac_read_search,cap_sys_ptrace+ep",
                                nb.plugin], capture_output=True)
            if r.returncode:
                pytest.skip("setcap run (%r)" % r.stderr)
        else:
            os.chmod(nb.plugin, 0o4755)
        pids = workloads[1]
        conf = nb.put("groups.conf", HOSTILE_GROUP +
                      b"pf: pidfile:" + nb.put("root.pid", b"%d\n" % pids[0],
                                               0o600).encode() +
                      b"\npw: pidfile:" + nb.put("world.pid", b"%d\n" % pids[1],
                                                0o644).encode() + b"\n", 0o644)
        os.makedirs(os.path.join(nb.tmp, "closed", "proc"))
        os.chmod(os.path.join(nb.tmp, "closed"), 0o700)
        yield how, nb, conf
    finally:
        nb.close()


@pytest.mark.parametrize("which", ["secret.conf", "closed/groups.conf"])
def test_groups_file_nobody_cannot_read(priv, which):
    how, nb, _ = priv
    mode = 0o600 if which == "secret.conf" else 0o644
    bad = nb.put(which, HOSTILE_GROUP, mode)
    rc, out, err, _ = nb.run(["--config", bad], 2)
    assert rc == 1 and out == b"DISABLE\n" and any(
        "Permission denied: cannot read the groups file" in l for l in err), \
        "%s, as nobody: a groups file nobody may not read refused " \
        "(%s): %r %r" % (how, os.path.basename(bad), rc, err)


def test_proc_root_not_proc(priv):
    how, nb, conf = priv
    fake = os.path.join(nb.tmp, "fakeproc")
    os.makedirs(fake, exist_ok=True)
    rc, out, err, _ = nb.run(["--config", conf, "--proc-root", fake], 2)
    assert rc == 1 and out == b"DISABLE\n" and any(
        "not the root of a proc file system" in l for l in err), \
        "%s: proc root %s (not proc's root) refused: %r %r" % (how, fake, rc, err)


def test_proc_root_closed_to_nobody(priv):
    """Opened with nobody's rights: a directory nobody may not enter
    answers the same whether what is asked for exists or not (the raised
    rights are no oracle), and so does root's /proc/1/fd."""
    how, nb, conf = priv
    said = []
    for root in (os.path.join(nb.tmp, "closed", "proc"),
                 os.path.join(nb.tmp, "closed", "none"), "/proc/1/fd"):
        rc, out, err, _ = nb.run(["--config", conf, "--proc-root", root], 2)
        said.append([l.split("]")[-1].split(": ", 1)[-1] for l in err
                     if "disabling" in l])
        assert rc == 1 and out == b"DISABLE\n" and any(
            "Permission denied: the proc root" in l for l in err), \
            "%s: proc root %s, closed to nobody, refused as such: %r %r" \
            % (how, root, rc, err)
    assert said[0] == said[1], \
        "%s: the same words for what exists and what does not in a " \
        "closed directory: %r" % (how, said)


def test_proc_self_dotdot_is_proc(priv):
    how, nb, conf = priv
    rc, out, err, _ = nb.run(["--config", conf, "--proc-root",
                              "/proc/self/.."], 2)
    assert rc != 1 and b"BEGIN smaps.hostile_rss" in out \
        and any("reading /proc every" in l for l in err), \
        "%s: /proc/self/.. is proc's root, taken as /proc: %r %r" \
        % (how, rc, err[:2])


def ids_and_caps(pid):
    with open("/proc/%d/status" % pid) as f:
        text = f.read()
    return (re.search(r"^Uid:\s+(.*)$", text, re.M).group(1).split(),
            re.search(r"^CapEff:\s+(\S+)$", text, re.M).group(1))


@pytest.fixture(scope="module")
def reading(priv):
    """3.5 s of the privileged plugin on the workloads: (how, checked
    output, stderr lines, its uids and effective capabilities)."""
    how, nb, conf = priv
    _, out, err, seen = nb.run(["--config", conf, "--full-interval", "0"],
                               3.5, ids_and_caps)
    return how, pluginsd.check(out), err, seen


def test_runs_as_nobody_with_two_capabilities(reading):
    how, _, _, seen = reading
    assert seen == (["65534"] * 4, "0000000000080004"), \
        "%s: runs as nobody with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH " \
        "only: %r" % (how, seen)


def test_roots_processes_read_pidfiles_as_nobody(reading, pids):
    how, c, _, _ = reading
    last = lambda g: c.charts.get("smaps.%s_processes" % g,
                                  {}).get("values", [{}])[-1]
    assert last("hostile") == {"processes": len(pids), "unreadable": 0,
                               "failed": 0, "fds_uncounted": 0,
                               "unreachable": 0} \
        and last("pw").get("processes") == 1 \
        and last("pf").get("processes") == 0, \
        "%s, as nobody: root's processes read, the world-readable " \
        "pidfile followed, the root-only one not: %r %r %r" \
        % (how, last("hostile"), last("pw"), last("pf"))


def test_refused_pidfile_said_once(reading):
    how, _, err, _ = reading
    lines = [l for l in err if "pidfile not followed" in l]
    assert len(lines) == 1 and "group 'pf'" in lines[0] \
        and "Permission denied" in lines[0] \
        and any("rights of uid 65534" in l for l in err), \
        "%s: one line for the refused pidfile: %r" % (how, err)
