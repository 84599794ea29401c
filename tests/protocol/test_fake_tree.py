"""test_fake_tree.py - the plugin on a proc tree made here (fakeproc.py):
exact per-category, per-library and per-region figures of a process
whose names hold quotes, '|', '=', ')' and escaped newlines, a malformed
member counted as failed and logged once, the status and tier charts,
fds and sockets, the function's table of it; and a member whose command
line cannot be read to match it."""

import json
import os

import pytest

from fakeproc import FAKE_LIBS, FAKE_NAMED, make_fake_proc, run_fake
from plugrun import results, run_plugin, sanitized, values


@pytest.fixture(scope="module")
def fake(tmp):
    return run_fake(tmp, ["--libs", "--named"],
                    [(0.3, b'FUNCTION tx-fake 10 "smaps pid:42"\n')])


def last(c, chart):
    return c.charts[chart]["values"][-1]


def test_fake_tree_grammar(fake):
    assert not fake.problems, "fake tree grammar: %r" % fake.problems[:3]


def test_rss_per_category(fake):
    got = last(fake, "smaps.fake_rss")
    assert got == {"heap": 800 << 10, "stack": 0, "anon": 28 << 10,
                   "shmem": 0, "binary": 0, "libs": 148 << 10, "files": 0,
                   "kernel": 0}, "fake rss per category: %r" % got


def test_malformed_member_counted_failed(fake):
    """processes: live members (the malformed one too); failed: not read."""
    got = last(fake, "smaps.fake_processes")
    assert got == {"processes": 2, "unreadable": 0, "failed": 1,
                   "fds_uncounted": 0, "unreachable": 0}, \
        "a malformed process is a member, counted as failed: %r" % got


def test_status_and_tier_charts(fake):
    st, tier = last(fake, "smaps.fake_status"), last(fake, "smaps.fake_tier")
    assert st == {"rss": 900 << 10, "anon": 850 << 10, "file": 50 << 10,
                  "shmem": 0, "swap": 12 << 10} \
        and tier == {"measured": 1, "capped": 0, "backed_off": 0}, \
        "status chart from the status files, tier chart: %r %r" % (st, tier)


def test_malformed_member_logged_once(fake):
    assert fake.stderr.count("process 43 (bad)") == 1 and "line 1" in fake.stderr, \
        "and logged once, with its pid and the line: %r" % fake.stderr[-300:]


def test_fds_and_sockets(fake):
    got = (last(fake, "smaps.fake_fds"), last(fake, "smaps.fake_sockets"))
    assert got == ({"fds": 2}, {"sockets": 1}), "fake fds and sockets: %r" % (got,)


@pytest.mark.parametrize("chart", ["smaps.fake_libs_rss", "smaps.fake_named_rss"])
def test_names_as_dimensions(fake, chart):
    want = FAKE_LIBS if chart.endswith("libs_rss") else FAKE_NAMED
    dims = fake.charts[chart]["dims"]
    legend = {w[2]: last(fake, chart)[d] for d, w in dims.items() if d != "other"}
    expect = {sanitized(n)[:200]: k << 10 for n, k in want}
    if chart.endswith("named_rss"):   # the region's name, inside [anon:]
        expect = {sanitized(n[6:-1]): k << 10 for n, k in want}
    assert legend == expect and last(fake, chart)["other"] == 0, \
        "%s: %r, want %r (other %r)" % (chart, legend, expect,
                                        last(fake, chart)["other"])


@pytest.fixture(scope="module")
def fake_rows(fake):
    res = results(fake).get("tx-fake", (0, "", b"{}"))
    return json.loads(res[2]).get("data", []) if res[0] == 200 else []


def test_table_names_as_the_kernel_wrote_them(fake_rows):
    names = {r[8].encode("latin-1") for r in fake_rows}
    assert names == {b"[heap]"} | {n for n, _ in FAKE_LIBS + FAKE_NAMED}, \
        "table names as the kernel wrote them: %r" % names


def test_table_process_name(fake_rows):
    assert fake_rows and fake_rows[0][2].encode("latin-1") == b"fa) ke\nx", \
        "table process name with ')' and newline: %r" % (fake_rows[:1],)


def test_match_unreadable(tmp_path):
    """A process whose command line cannot be read to match it (here a
    saved tree's cmdline that is a directory: EISDIR; live, out of fds) is
    not taken as "in no group" in silence (issue 18, defect 17): it is
    counted in netdata.smaps_skipped's failed at every update, said once
    while it lasts, and the group's two members (42, and 43 whose smaps
    is malformed) are there as before."""
    root = str(tmp_path / "unmatchable")
    make_fake_proc(root)
    d = os.path.join(root, "46")
    os.makedirs(os.path.join(d, "cmdline"))
    with open(os.path.join(d, "stat"), "wb") as f:
        f.write(b"46 (um) S 1 46 46 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 780 "
                b"3592192 599\n")
    conf = tmp_path / "unmatchable.conf"
    conf.write_text("fake: *fakeproc-marker*\n")
    c = run_plugin(["--config", str(conf), "--proc-root", root], 2.3)
    skipped = values(c, "netdata.smaps_skipped")
    procs = values(c, "smaps.fake_processes")
    said = [l for l in c.stderr.splitlines()
            if "1 processes could not be looked at" in l]
    assert len(skipped) >= 2 and all(x.get("failed") == 1 for x in skipped) \
        and procs and all(x.get("processes") == 2 for x in procs) \
        and len(said) == 1 and not c.problems, \
        "an unreadable command line: failed 1 at every update, said once, " \
        "the members there: %r %r %r" % (skipped, procs, said)
