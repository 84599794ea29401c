"""test_fake_signals.py - fragmentation, ratios and duplicate loads,
exactly, on a proc tree made here (fakeproc.SIGNAL_MAPPINGS): a heap with
half its memory swapped and 256 KiB reserved, three anon regions (one
with 1 MiB reserved), one library loaded twice; a flat process's growth
and steadiness; a tree without Swap lines."""

import os

import pytest

from fakeproc import make_signal_proc, run_fake
from plugrun import CATS, run_plugin

ZERO = dict.fromkeys(CATS, 0)


@pytest.fixture(scope="module")
def sig(tmp):
    root = os.path.join(tmp, "sigproc")
    make_signal_proc(root)
    conf = os.path.join(tmp, "sig.conf")
    with open(conf, "w") as f:
        f.write("sig: *sigproc-marker*\n")
    return run_plugin(["--all-charts", "--config", conf, "--proc-root", root,
                       "--growth-window", "10", "--full-interval", "0"], 3.3)


def last(c, k):
    return c.charts["smaps.sig_" + k]["values"][-1]


def test_fake_signals_grammar(sig):
    assert not sig.problems, "fake signals grammar: %r" % sig.problems[:3]


# Reserved: Size - Rss - Swap, in bytes (divisor 1048576: MiB).
# private_dirty_ratio: anon 2112 of 2176 KiB dirty; total 2368 of 2632;
# heap 256 of 256. swap_ratio: heap 256 / (256 + 256); total 256 / (2632 + 256).
WANT = {
    "anon_regions": {"heap": 1, "anon": 3},
    "reserved": {"heap": 256 << 10, "anon": 1 << 20},
    "largest_member_vmas": {"largest": 6},
    "private_dirty_ratio": dict(ZERO, heap=100000, anon=97059, total=89970),
    "swap_ratio": dict(ZERO, heap=50000, total=8864),
    "duplicate_libs": {"duplicates": 1},
}


@pytest.mark.parametrize("chart", list(WANT))
def test_signal_value(sig, chart):
    assert last(sig, chart) == WANT[chart], \
        "%s (ratios in milli-%%): %r, want %r" % (chart, last(sig, chart),
                                                 WANT[chart])


def test_flat_process(sig):
    """Flat: once fitted, growth 0 and r2 0, so no leak."""
    g, st = last(sig, "growth"), last(sig, "steadiness")
    assert g == dict(ZERO, total=0) \
        and st == dict(ZERO, total=0, threads=0, fds=0, sockets=0), \
        "a flat process: growth 0, steadiness 0: %r %r" % (g, st)


def test_no_swap_field_is_a_gap(tmp):
    """The fake tree has no Swap lines: its swap ratio is unknown, a gap."""
    f = run_fake(tmp, [])
    sw = f.charts["smaps.fake_swap_ratio"]["values"][-1]
    assert set(sw.values()) == {None}, "no Swap field: swap_ratio gaps: %r" % sw
