"""test_output.py - a Netdata that stops reading: the plugin's stdout is
a 4 KiB pipe nobody reads for 4.5 s. The plugin must not spin or block:
it skips updates (one ERROR line), still reads a function call from
stdin, and once read again sends whole lines only, the answer, and a
BEGIN whose microseconds cover the gap (one INFO line with the count)."""

import fcntl
import json
import os
import re
import select
import subprocess
import time
from types import SimpleNamespace

import pytest

import pluginsd
from fakeproc import fake_tree
from plugrun import PLUGIN, results, stop


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        st = f.read().rsplit(")", 1)[1].split()
    return int(st[11]) + int(st[12])      # utime + stime


@pytest.fixture(scope="module")
def full(tmp):
    """The run: (alive and ticks spent while full, what came once read
    again, checked, exit status, log)."""
    root, conf = fake_tree(tmp)
    r, w = os.pipe()
    fcntl.fcntl(w, fcntl.F_SETPIPE_SZ, 4096)
    p = subprocess.Popen([PLUGIN, "1", "--all-charts", "--config", conf,
                          "--proc-root", root, "--libs", "--named",
                          "--full-interval", "0"],
                         stdin=subprocess.PIPE, stdout=w,
                         stderr=subprocess.PIPE)
    os.close(w)
    try:
        time.sleep(1.0)
        t0 = cpu_ticks(p.pid)
        time.sleep(2.0)
        p.stdin.write(b'FUNCTION tx-full 10 "smaps pid:42"\n')
        p.stdin.flush()
        time.sleep(1.5)
        alive, spent = p.poll() is None, cpu_ticks(p.pid) - t0
        out, t_end = b"", time.monotonic() + 3.0
        while time.monotonic() < t_end:
            rr, _, _ = select.select([r], [], [], 0.05)
            if rr:
                out += os.read(r, 65536)
        os.close(r)                       # Netdata went away
        try:
            rc = p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            rc = "still running 5 s after"
    finally:
        stop(p)
    return SimpleNamespace(alive=alive, spent=spent, out=out,
                           c=pluginsd.check(out), rc=rc,
                           err=p.stderr.read().decode("utf-8", "replace"))


def test_no_spinning_while_full(full):
    assert full.alive and full.spent <= 10, \
        "full stdout: alive %r, no spinning (%d ticks in 3.5 s)" \
        % (full.alive, full.spent)


def test_whole_lines_only(full):
    assert not full.c.problems and full.out.endswith(b"\n"), \
        "full stdout: whole lines only: %r %r" % (full.c.problems[:3],
                                                  full.out[-80:])


def test_call_made_meanwhile_answered(full):
    res = results(full.c).get("tx-full", (0, "", b"{}"))
    rows = json.loads(res[2]).get("data", []) if res[0] == 200 else []
    assert any(r[8] == "[heap]" for r in rows), \
        "full stdout: the function call made meanwhile is answered: %r" \
        % (res[:2],)


def test_one_begin_covers_the_gap(full):
    dts = full.c.charts.get("smaps.fake_rss", {}).get("dt", [])
    assert len(dts) >= 2 and dts[0] >= 3500000 and dts[-1] < 1500000, \
        "full stdout: one BEGIN covers the gap, then every second: %r" % dts


def test_said_when_full_and_when_read_again(full):
    lines = [l for l in full.err.splitlines() if "Netdata has not read" in l]
    again = re.findall(r"reads again after [0-9.]+ s: (\d+) updates skipped",
                       full.err)
    assert len(lines) == 1 and " ERROR " in lines[0] and len(again) == 1 \
        and int(again[0]) >= 3, \
        "full stdout: one line when it fills, one when read again: %r %r" \
        % (lines, again)


def test_exit_when_closed_after_full(full):
    assert full.rc == 0, \
        "exit 0 when stdout is closed after a full pipe (%r)" % full.rc
