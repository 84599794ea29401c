"""test_input.py - smaps.plugin's stdin, command line and signals (issue
18, defects 16 and 19): an endless stdin without a newline costs one log
line and no spinning; `--config --config FILE` is refused with one line;
SIGHUP, SIGINT and SIGQUIT end the plugin with exit 0 (which Netdata
1.37.1 restarts; killed by a signal but SIGTERM, it disables the plugin).

Run: PLUGIN=build/smaps.plugin pytest."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from loadrun import Run  # noqa: E402

PLUGIN = os.path.abspath(os.environ.get("PLUGIN", "build/smaps.plugin"))


def conf_file(tmp_path):
    conf = tmp_path / "groups.conf"
    conf.write_text("none: pidfile:%s\n" % (tmp_path / "none.pid"))
    return str(conf)


def cpu_seconds(pid):
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def test_endless_stdin_without_newline(tmp_path):
    """4 s of 'x' as fast as a writer can: the plugin stays under 15% of a
    core (reading and dropping the bytes costs 1.7% idle, 6-7% on a loaded
    machine; the spinning plugin took 38-60%), says so once, keeps updating, and serves the next call."""
    r = Run([PLUGIN, "1", "--config", conf_file(tmp_path)])
    stop = threading.Event()
    sent = [0]

    def flood():
        block = b"x" * 65536
        fd = r.p.stdin.fileno()
        os.set_blocking(fd, True)
        while not stop.is_set():
            try:
                sent[0] += os.write(fd, block)
            except OSError:
                return

    try:
        r.read_for(10, until=lambda r: len(r.begins()) >= 2)
        c0, t0 = cpu_seconds(r.p.pid), time.monotonic()
        th = threading.Thread(target=flood, daemon=True)
        th.start()
        r.read_for(4)
        cpu = (cpu_seconds(r.p.pid) - c0) / (time.monotonic() - t0)
        stop.set()
        while th.is_alive():       # its last block goes in at our pace
            r.read_for(0.5)
        os.set_blocking(r.p.stdin.fileno(), False)
        n = len(r.results())
        r.send(b'\nFUNCTION tx-after 10 "smaps help"\n')
        r.read_for(15, until=lambda r: len(r.results()) > n)
        lines = [l for l in r.err.decode().splitlines() if "longer than" in l]
        print("info: endless stdin: %.1f%% of a core, %d MiB taken, %d log "
              "lines, max gap %.2f s" % (100 * cpu, sent[0] >> 20, len(lines),
                                         r.max_gap(t0 - r.t0)))
        assert cpu < 0.15
        assert len(lines) == 1
        assert r.max_gap(t0 - r.t0) < 2.0
        assert r.results()[n:] and r.results()[n][1:] == ("tx-after", 200)
    finally:
        stop.set()
        r.stop()


@pytest.mark.parametrize("argv", [["--config", "--config", "g.conf"],
                                  ["--proc-root", "--libs"],
                                  ["--config", "--help"]])
def test_option_value_is_an_option(argv):
    p = subprocess.run([PLUGIN, "1"] + argv, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=10)
    err = p.stderr.decode().splitlines()
    assert p.returncode == 1
    assert p.stdout == b""
    assert len(err) == 1 and "needs a value" in err[0] \
        and ("'%s'" % argv[1]) in err[0], err


def test_option_value_dash_path(tmp_path):
    """A path that only starts with '-' is still a value."""
    conf = tmp_path / "-g.conf"
    conf.write_text("none: pidfile:%s\n" % (tmp_path / "none.pid"))
    p = subprocess.Popen([PLUGIN, "1", "--config", "-g.conf"], cwd=tmp_path,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        line = p.stdout.readline()
        assert line.startswith(b"CHART ")
    finally:
        p.kill()
        p.wait()


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGINT, signal.SIGQUIT])
def test_stop_signal_exits_0(tmp_path, sig):
    r = Run([PLUGIN, "1", "--config", conf_file(tmp_path)])
    try:
        r.read_for(10, until=lambda r: len(r.begins()) >= 2)
        r.p.send_signal(sig)
        rc = r.p.wait(timeout=5)
        r.stop()
        err = r.err.decode()
        print("info: %s: exit %r" % (sig.name, rc))
        assert rc == 0
        assert "exiting (Netdata starts the plugin again)" in err
    finally:
        r.stop()
