"""The main instance's rates: grow_heap and grow_mmap dirty RATE_KIB KiB/s
of heap and of anonymous mappings; over MAIN_SECONDS the csv's
private_dirty grows at that rate in the category that grows and stays
flat in the other, and the plugin's own leak signals (GrowthWindow 10 s)
say the same once the window is full. Tolerances: +-25% of the rate for
what grows, 10% of the rate for what is flat."""
import pytest

import cdconfigs as cf
from cdharness import slope

RATE = cf.RATE_KIB * 1024.0
# workload key: (group, category that grows, category that stays flat)
WORKLOADS = {"heap": ("swheap", "heap", "anon"),
             "mmap": ("swmmap", "anon", "heap")}


@pytest.fixture(scope="session", params=sorted(WORKLOADS))
def grower(request, done):
    """One workload's private_dirty rows (from 0.5 s after it started to
    the main instance's stop) and the plugin's last leak signals."""
    key = request.param
    grp, grow, flat = WORKLOADS[key]
    c, w = done.main, done.wl[key]
    lo, hi = w.started + 0.5, c.stopped
    pts = {}
    for cat in (grow, flat):
        rows = c.csv_series("smaps-" + grp, "memory-%s_private_dirty" % cat)
        pts[cat] = [(t, v[0]) for t, v in rows if lo <= t <= hi]
    sig = {}
    for typ in ("gauge-%s_growth" % grow, "percent-%s_steady" % grow,
                "gauge-%s_leak_rate" % grow, "gauge-%s_growth" % flat,
                "gauge-%s_leak_rate" % flat):
        v = c.csv_last("smaps-" + grp, typ)
        sig[typ] = v[0] if v else None
    return {"grp": grp, "grow": grow, "flat": flat, "pts": pts, "sig": sig}


def test_private_dirty_grows(grower):
    g = grower
    s = slope(g["pts"][g["grow"]])
    assert abs(s - RATE) <= 0.25 * RATE, "%s: %s private_dirty grows at " \
        "%d KiB/s +-25%%: slope %.1f KiB/s over %d samples" % (
            g["grp"], g["grow"], cf.RATE_KIB, s / 1024,
            len(g["pts"][g["grow"]]))


def test_leak_signals_follow_growth(grower):
    """Once the window is full the rate must be the known one, steady;
    (what it follows, owned memory, grows as private_dirty does here)."""
    g, sig = grower, grower["sig"]
    gr, st, lr = (sig["gauge-%s_growth" % g["grow"]],
                  sig["percent-%s_steady" % g["grow"]],
                  sig["gauge-%s_leak_rate" % g["grow"]])
    assert None not in (gr, st, lr) and abs(gr - RATE) <= 0.25 * RATE \
        and abs(lr - RATE) <= 0.25 * RATE and st >= 90, \
        "%s: leak signals: growth and leak_rate of %s at %d KiB/s +-25%%, " \
        "steady >= 90: growth %s, steady %s, leak_rate %s (B/s)" % (
            g["grp"], g["grow"], cf.RATE_KIB, gr, st, lr)


def test_leak_signals_flat(grower):
    g, sig = grower, grower["sig"]
    fg = sig["gauge-%s_growth" % g["flat"]]
    fl = sig["gauge-%s_leak_rate" % g["flat"]]
    assert fg is not None and abs(fg) < 0.1 * RATE and fl == 0.0, \
        "%s: leak signals: %s no growth (< 10%% of the rate), leak_rate 0: " \
        "growth %s, leak_rate %s" % (g["grp"], g["flat"], fg, fl)


def test_private_dirty_flat(grower):
    g = grower
    s = slope(g["pts"][g["flat"]])
    assert abs(s) < 0.1 * RATE, "%s: %s private_dirty flat (< 10%% of " \
        "the rate): slope %.1f KiB/s over %d samples" % (
            g["grp"], g["flat"], s / 1024, len(g["pts"][g["flat"]]))
