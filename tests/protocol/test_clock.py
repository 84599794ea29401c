"""test_clock.py - smaps.plugin when the wall clock is stepped (issue 18,
defects 11 and 18), without touching the machine's clock: the plugin runs
under clockshift.so (LD_PRELOAD), whose CLOCK_REALTIME is shifted by the
seconds written in a file. Stepped back 20 s (or an hour), the plugin
must go on sending an update every second, each BEGIN with the real
microseconds since the last (were: ~1.8e19, and 21 s without a BEGIN).

Run: PLUGIN=build/smaps.plugin CLOCKSHIFT=build/netdata-wl/clockshift.so pytest."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from loadrun import Run  # noqa: E402

PLUGIN = os.environ.get("PLUGIN", "build/smaps.plugin")
SHIFT = os.environ.get("CLOCKSHIFT", "build/netdata-wl/clockshift.so")


def dts(r, since):
    out = []
    for t, l in r.lines:
        if t >= since and l.startswith(b"BEGIN netdata.smaps_reads "):
            out.append(int(l.split()[2]))
    return out


@pytest.mark.parametrize("step", [-20, -3600, 3600])
def test_clock_step(tmp_path, step):
    shift = tmp_path / "shift"
    shift.write_text("0\n")
    conf = tmp_path / "groups.conf"
    conf.write_text("self: pidfile:%s\n" % (tmp_path / "none.pid"))
    env = dict(os.environ, LD_PRELOAD=os.path.abspath(SHIFT),
               CLOCKSHIFT_FILE=str(shift),
               ASAN_OPTIONS="verify_asan_link_order=0")
    r = Run([PLUGIN, "1", "--config", str(conf)], env=env)
    try:
        r.read_for(10, until=lambda r: len(r.begins()) >= 3)
        assert len(r.begins()) >= 3, r.err.decode()[-1000:]
        t0 = r.lines[-1][0]
        shift.write_text("%d\n" % step)
        r.read_for(5)
        after = [t for t in r.begins() if t > t0]
        gap = r.max_gap(t0)
        d = dts(r, t0)
        print("info: wall clock stepped %+d s: %d updates in 5 s, max gap "
              "%.2f s, BEGIN microseconds %r" % (step, len(after), gap, d))
        assert len(after) >= 4
        assert gap < 2.0
        assert d and all(0 < x < 2500000 for x in d), d
    finally:
        r.stop()
