"""test_ids.py - the charts' ids, order and dimensions: the charts a group
gets by default and with --all-charts (by priority), --top bounding the
per-library dimensions, and group names whose chart ids would meet."""

import subprocess

from fakeproc import run_fake
from plugrun import CATS, PLUGIN, SIGNALS, popen, read_for, stop

# The charts a group gets by default, in the order of their priorities
# (what a person reads first first), and what --all-charts adds.
DEFAULT_CHARTS = ["pss", "leak_rate", "counter_leak_rate", "memory_per_socket",
                  "request_path_leak", "growth", "steadiness", "processes",
                  "threads", "fds", "sockets", "swap", "largest_member_vmas"]
DETAIL_CHARTS = ["rss", "uss", "private_dirty", "size", "vmas", "status", "tier",
                 "counter_growth", "anon_regions", "reserved",
                 "private_dirty_ratio", "swap_ratio", "duplicate_libs"]


def group_charts(c, group):
    """The group's charts' suffixes, by priority, and their priorities."""
    mine = [(int(ch["words"][8]), name[len("smaps." + group) + 1:])
            for name, ch in c.charts.items()
            if name.startswith("smaps.%s_" % group)]
    mine.sort()
    return [n for _, n in mine], [p for p, _ in mine]


def test_default_charts(tmp):
    """By default a group gets 13 charts, opening on its real memory (Pss
    by category, priority 36000, the group's first), then its leak rates,
    its counters."""
    c = run_fake(tmp, [], all_charts=False)
    names, prios = group_charts(c, "fake")
    assert names == DEFAULT_CHARTS and prios[0] == 36000 \
        and len(set(prios)) == len(prios), \
        "default charts, by priority: %r %r" % (names, prios)
    pss = c.charts["smaps.fake_pss"]
    assert pss["words"][3].startswith(b"Real memory") \
        and set(pss["dims"]) == set(CATS), \
        "the first chart is the group's real memory: %r %r" \
        % (pss["words"][3], sorted(pss["dims"]))


def test_all_charts_after_the_defaults(tmp):
    """Rss, USS and the other detail come with --all-charts, after them,
    with the same ids; --libs still adds its chart."""
    c = run_fake(tmp, ["--libs"])
    names, prios = group_charts(c, "fake")
    assert names == DEFAULT_CHARTS + DETAIL_CHARTS + ["libs_rss"] \
        and max(prios) < 36000 + 100, \
        "--all-charts --libs: the detail after the defaults: %r %r" \
        % (names, prios)


def test_all_charts_in_help():
    r = subprocess.run([PLUGIN, "--help"], capture_output=True, timeout=10)
    assert b"--all-charts" in r.stdout, "--all-charts in --help: %r" % r.stdout[-500:]


def test_top_bound(tmp):
    """--top 1: one library becomes a dimension, the rest is 'other'."""
    c = run_fake(tmp, ["--libs", "--top", "1"])
    ch = c.charts.get("smaps.fake_libs_rss", {})
    dims = sorted(w[2] for d, w in ch.get("dims", {}).items() if d != "other")
    v = ch.get("values", [{}])[-1]
    assert dims == [b"/usr/lib/libc.so.6"] and v.get("other") == 48 << 10, \
        "--top 1 bounds the dimensions: %r, other %r" % (dims, v.get("other"))


def test_id_collisions(tmp_path):
    """Group names whose chart ids would meet through the signal charts'
    suffixes: "a" + "_largest_member_vmas" is "a_largest_member" + "_vmas"."""
    conf = tmp_path / "coll.conf"
    conf.write_text("a: nosuch-a\na_largest_member: nosuch-b\n"
                    "a_counter: nosuch-c\n")
    p = popen(["--all-charts", "--config", str(conf)])
    try:
        out, _ = read_for(p, 1.2)
    finally:
        stop(p)
    ids = [l.split()[1] for l in out.split(b"\n") if l.startswith(b"CHART ")
           and not l.startswith(b"CHART netdata.")]   # the plugin's cost
    assert len(ids) == len(set(ids)) and len(ids) == 3 * (13 + len(SIGNALS)), \
        "%d chart ids, all unique (want %d): %r" \
        % (len(ids), 3 * (13 + len(SIGNALS)), sorted(ids))
    assert b"smaps.a_largest_member_2_vmas" in ids \
        and b"smaps.a_counter_2_leak_rate" in ids, \
        "colliding groups renamed _2: %r" % [i for i in ids if b"_2_" in i][:2]
