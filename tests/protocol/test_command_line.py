"""test_command_line.py - the plugin's command line and environment: DISABLE
(exit 1, one line saying why) when it has nothing to do or cannot read
the proc root, bad option values refused, --help and --version, and
NETDATA_HOST_PREFIX (the host's /proc seen from a container)."""

import os

import pytest

import pluginsd
from plugrun import HOSTILE_GROUP, popen, read_for, run_disabled, stop, values


@pytest.mark.parametrize("case", ["empty", "proc-root", "user-config-dir",
                                  "host-prefix"])
def test_disable(tmp_path, case):
    empty = tmp_path / "empty.conf"
    empty.write_text("# nothing\n")
    good = tmp_path / "groups.conf"
    good.write_text("absent: no-such-process-here\n")
    none = str(tmp_path / "none")
    args, env, why = {
        "empty": (["--config", str(empty)], None, "no valid group"),
        "proc-root": (["--config", str(good), "--proc-root", none], None,
                      "cannot read the proc root"),
        "user-config-dir": ([], {"NETDATA_USER_CONFIG_DIR": none},
                            "smaps_groups.conf"),
        "host-prefix": (["--config", str(good)], {"NETDATA_HOST_PREFIX": none},
                        "cannot read the proc root")}[case]
    rc, out, err = run_disabled(args, env)
    assert rc == 1 and out == b"DISABLE\n" and why in err, \
        "DISABLE when %s (rc %d, out %r, err %r)" % (why, rc, out, err)


def test_unknown_option_refused():
    rc, out, err = run_disabled(["--bogus"])
    assert rc == 1 and out == b"", "unknown option refused: %d %r %r" % (rc, out, err)


@pytest.mark.parametrize("bad", [["--growth-window", "9"],
                                 ["--growth-window", "x"],
                                 ["--steady-percent", "0"],
                                 ["--steady-percent", "101"],
                                 ["--warm-up", "-1"], ["--warm-up", "604801"],
                                 ["--growth-window"]], ids=" ".join)
def test_bad_value_refused(bad):
    rc, out, err = run_disabled(bad)
    assert rc == 1 and out == b"" and bad[0] in err, \
        "%r refused: %d %r" % (bad, rc, err)


def test_help():
    rc, out, _ = run_disabled(["--help"])
    assert rc == 0 and b"--libs" in out and b"--named" in out \
        and b"--growth-window" in out and b"--steady-percent" in out \
        and b"--warm-up" in out and b"--maps-interval" in out \
        and b"costs more CPU time of the\n                    reading thread" \
        in out, "--help (the budget is the reading thread's CPU time, not " \
        "the wall clock): %d %r" % (rc, out)


def test_version():
    rc, out, _ = run_disabled(["--version"])
    assert rc == 0 and out.startswith(b"smaps.plugin "), \
        "--version: %d %r" % (rc, out)


def test_host_prefix(tmp_path, pids):
    """NETDATA_HOST_PREFIX/proc is the proc root; here a link to /proc."""
    host = tmp_path / "host"
    host.mkdir()
    os.symlink("/proc", str(host / "proc"))
    conf = tmp_path / "groups.conf"
    conf.write_bytes(HOSTILE_GROUP)
    env = dict(os.environ, NETDATA_HOST_PREFIX=str(host))
    p = popen(["--all-charts", "--config", str(conf), "--full-interval", "0"],
              env=env)
    try:
        out, _ = read_for(p, 1.5)
    finally:
        stop(p)
    err = p.stderr.read().decode("utf-8", "replace")
    v = values(pluginsd.check(out), "smaps.hostile_processes") or [{}]
    assert "reading %s/proc " % host in err \
        and v[-1].get("processes") == len(pids), \
        "NETDATA_HOST_PREFIX honoured: %r %r" % (v[-1:], err[-500:])
