"""The main instance's values against /proc read here: an idle process
exact to the byte (every category and field, the signals of the same
reading, through csv and collectdctl, by Process and PidFile), the socket
holder's counters and library sub-totals, an exiting process, an empty
group. The leak rates are in test_rates.py, the names in test_names.py."""
import re
import time

import pytest

import cdconfigs as cf
from cdharness import (CATS, FIELDS, HOST, dup_loads, expected_ids,
                       fd_counts, independent, info, quiet_log)


@pytest.mark.parametrize("key,name", [("h1", cf.HOSTILE1),
                                      ("h2", cf.HOSTILE2)])
def test_workload_comm(live, key, name):
    got = live.wl[key].comm()
    assert got == name, "workload comm set to %r: comm %r" % (name, got)


@pytest.fixture(scope="session")
def idle(live):
    """total_* of an idle process = the kernel's smaps read here. The
    process sleeps in clock_nanosleep and touches no new page, so its
    Rss, USS, Private_Dirty, Swap and Size are fixed: equality must be
    exact (read twice around collectd's value to prove it was idle).
    Pss is left out: it moves whenever another process maps or unmaps
    a shared library page. Values come from the csv (printed "%f",
    exact for integers); collectdctl's GETVAL prints "%e" with 7
    significant digits, so it is compared to 1e-6."""
    c, pid = live.main, live.wl["idle"].pid
    before, libs = independent(pid)
    time.sleep(1.2)     # one more cycle after the reading
    got = {}
    for cat in CATS:
        for fld in FIELDS:
            v = c.csv_last("smaps-swidle", "memory-%s_%s" % (cat, fld))
            got[(cat, fld)] = v[0] if v else None
        v = c.csv_last("smaps-swidle", "count-%s_vmas" % cat)
        got[(cat, "vmas")] = v[0] if v else None
    after, _ = independent(pid)
    return {"c": c, "before": before, "after": after, "libs": libs,
            "got": got, "tot": before["total"]}


def test_idle_stayed_idle(idle):
    assert idle["before"] == idle["after"], \
        "idle process stayed idle during the reading: smaps moved"


def test_idle_total_rss(idle):
    got, tot = idle["got"][("total", "rss")], idle["tot"]["rss"]
    assert got == tot, "total_rss of swidle = sum of Rss in " \
        "/proc/PID/smaps: collectd %s, smaps %d B" % (got, tot)


def test_idle_every_category_field(idle):
    """rss uss private_dirty swap size vmas x 9 categories, exact."""
    miss, bad = [], []
    for cat in CATS:
        for fld in ("rss", "uss", "private_dirty", "swap", "size", "vmas"):
            g = idle["got"][(cat, fld)]
            if g is None:
                miss.append("%s_%s" % (cat, fld))
            elif g != idle["before"][cat][fld]:
                bad.append("%s_%s: collectd %d, smaps %d" % (
                    cat, fld, g, idle["before"][cat][fld]))
    assert not miss and not bad, "every category/field of swidle = " \
        "independent reading: missing %s; differ: %s" % (miss, bad)


def test_idle_reading_signals(idle):
    """Signals of the same reading: fragmentation (heap and anon), the
    largest member's mappings, and the ratios (csv "%f": 6 decimals)."""
    c, before = idle["c"], idle["before"]
    want = {"count-total_largest_member_vmas": before["total"]["vmas"]}
    for cat in ("heap", "anon"):
        want["memory-%s_reserved" % cat] = before[cat]["reserved"]
    for cat in CATS:
        b = before[cat]
        want["percent-%s_private_dirty_ratio" % cat] = \
            100.0 * b["private_dirty"] / b["rss"] if b["rss"] else 0.0
        want["percent-%s_swap_ratio" % cat] = \
            100.0 * b["swap"] / (b["rss"] + b["swap"]) \
            if b["rss"] + b["swap"] else 0.0
    bad = []
    for typ, w in want.items():
        v = c.csv_last("smaps-swidle", typ)
        if v is None or abs(v[0] - w) > 1e-5:
            bad.append("%s: collectd %s, smaps %s" % (typ, v, w))
    assert not bad, "reserved, largest_member_vmas, private_dirty_ratio, " \
        "swap_ratio of swidle = independent reading: %s" % "; ".join(bad[:6])


def test_idle_total_pss(idle):
    pss = idle["got"][("total", "pss")]
    assert pss is not None and 0 < pss <= idle["tot"]["rss"], \
        "total_pss of swidle within (0, total_rss %d]: pss %s" % (
            idle["tot"]["rss"], pss)


@pytest.mark.parametrize("group", ["swidle", "swpid"])
def test_idle_getval_total_rss(idle, group):
    """The same value through unixsock and collectdctl (to 1e-6), by
    Process and by PidFile (the same process)."""
    g = idle["c"].getval("%s/smaps-%s/memory-total_rss" % (HOST, group))
    tot = idle["tot"]["rss"]
    assert g is not None and abs(g.get("value", -1) - tot) <= 1e-6 * tot, \
        "collectdctl getval smaps-%s/memory-total_rss = smaps: getval %s, " \
        "smaps %d" % (group, g, tot)


def test_idle_getval_ps_count(idle):
    g = idle["c"].getval("%s/smaps-swidle/ps_count" % HOST)
    assert g == {"processes": 1.0, "threads": 1.0}, \
        "ps_count of swidle = 1 process, 1 thread: getval %s" % g


def test_pidfile_same_csv_total_rss(idle):
    v = idle["c"].csv_last("smaps-swpid", "memory-total_rss")
    want = idle["got"][("total", "rss")]
    assert v is not None and v[0] == want, "PidFile group: same csv " \
        "total_rss as the Process group: swpid %s, swidle %s" % (v, want)


def test_idle_library_subtotals(idle):
    """swidle maps libc and ld.so only (< MaxSubtotals): lib_NAME_rss =
    Rss of that library's mappings."""
    ok, det = True, []
    for lib, rss in sorted(idle["libs"].items()):
        v = None
        for i in expected_ids(lib.encode(), 43):
            v = v or idle["c"].csv_last("smaps-swidle",
                                        "memory-lib_%s_rss" % i)
        det.append("%s %s/%d" % (lib, v and v[0], rss))
        ok = ok and v is not None and v[0] == rss
    assert ok and idle["libs"], "lib_NAME_rss of swidle = Rss of that " \
        "library's mappings (collectd/smaps): %s" % "; ".join(det)


@pytest.mark.parametrize("typ", ["objects-libs_duplicate_loads",
                                 "ps_state-unreadable"])
def test_idle_zero(idle, typ):
    v = idle["c"].csv_last("smaps-swidle", typ)
    assert v == [0.0], "%s of swidle = 0: got %s" % (typ, v)


@pytest.fixture(scope="session")
def sock(live):
    pid = live.wl["sock"].pid
    return live.main, pid


def test_sock_sockets(sock):
    c, pid = sock
    _, nsock = fd_counts(pid)
    v = c.csv_last("smaps-swsock", "file_handles-sockets")
    assert v == [float(nsock)] and nsock == 3, "file_handles-sockets of " \
        "swsock = its socket fds (%d, 3 opened): got %s" % (nsock, v)


def test_sock_ps_count(sock):
    c, pid = sock
    with open("/proc/%d/status" % pid) as f:
        threads = int(re.search(r"^Threads:\s+(\d+)", f.read(),
                                re.M).group(1))
    v = c.csv_last("smaps-swsock", "ps_count")
    assert v == [1.0, float(threads)] and threads == 3, "ps_count of " \
        "swsock = 1 process, %d threads (status, 3 started): got %s" % (
            threads, v)


def test_sock_file_handles(sock):
    c, pid = sock
    nfd, _ = fd_counts(pid)
    v = c.csv_last("smaps-swsock", "file_handles")
    assert v == [float(nfd)], "file_handles of swsock = entries of " \
        "/proc/PID/fd (%d): got %s" % (nfd, v)


def test_sock_duplicate_loads(sock):
    c, pid = sock
    dup = dup_loads(pid)
    v = c.csv_last("smaps-swsock", "objects-libs_duplicate_loads")
    assert dup >= 2 and v == [float(dup)], "objects-libs_duplicate_loads " \
        "of swsock (dlmopen) = extra offset-0 mappings of a library path " \
        "(%d, >= 2): got %s" % (dup, v)


def test_max_subtotals(sock):
    """Top MaxSubtotals (3) libraries by Rss; python maps more than 3."""
    c, pid = sock
    _, libs = independent(pid)
    got = {}
    for t in c.csv_files().get("smaps-swsock", ()):
        m = re.fullmatch(r"memory-lib_(.*)_rss", t)
        if m:
            got[m.group(1)] = c.csv_last("smaps-swsock", t)[0]
    ranked = sorted(libs.values(), reverse=True)
    info("swsock maps %d libraries; collectd sent %d: %s" % (
        len(libs), len(got), sorted(got)))
    want = {expected_ids(k.encode(), 43)[0]: v for k, v in libs.items()}
    wrong = {k: (v, want.get(k)) for k, v in got.items() if want.get(k) != v}
    assert len(libs) > 3 and len(got) == 3 and not wrong and \
        sorted(got.values(), reverse=True) == ranked[:3], \
        "MaxSubtotals 3: the 3 largest libraries by Rss, exact: got %s, " \
        "wrong (got, smaps) %s, wanted top 3 of %s" % (
            got, wrong, sorted(libs.items(), key=lambda x: -x[1])[:5])


# ---- after the main instance stopped


def test_idle_leak_rates_zero(done):
    """An idle process leaks nothing: every leak_rate of swidle is 0
    (9 categories and 3 counters)."""
    c = done.main
    lr = {t: c.csv_last("smaps-swidle", t)
          for t in c.csv_files().get("smaps-swidle", ())
          if t.startswith("gauge-") and t.endswith("_leak_rate")}
    nz = {t: v for t, v in lr.items() if v != [0.0]}
    assert len(lr) == 9 + 3 and not nz, "swidle: all %d leak_rate values " \
        "are 0 (12 expected): non-zero: %s" % (len(lr), nz)


@pytest.fixture(scope="session")
def exited(done):
    """swexit's ps_count rows and the time of its first 0/0 after it
    was seen alive."""
    c, w = done.main, done.wl["exit"]
    rows = c.csv_series("smaps-swexit", "ps_count")
    alive = [t for t, v in rows if v == [1.0, 1.0]]
    zero = [t for t, v in rows if v == [0.0, 0.0] and alive and
            t > max(alive)]
    return c, w, rows, zero


def test_exit_ps_count(exited):
    """0/0 before the workload started (collectd's first cycle), 1/1
    while it runs, 0/0 from its exit on: nothing else, in that order."""
    c, w, rows, zero = exited
    seq = "".join("1" if v == [1.0, 1.0] else "0" if v == [0.0, 0.0]
                  else "?" for _, v in rows)
    assert re.fullmatch(r"0*1+000+", seq) and w.exited is not None and \
        min(zero) >= w.exited - 0.3, "swexit: ps_count 1/1 while alive, " \
        "then 0/0 after exit: sequence %s; exited at +%.1f s, first 0/0 " \
        "at +%.1f s" % (seq, (w.exited or 0) - c.started,
                        (min(zero) if zero else 0) - c.started)


def test_exit_nothing_after(exited):
    c, _, _, zero = exited
    late = []
    for typ in sorted(c.csv_files().get("smaps-swexit", ())):
        if typ == "ps_count":
            continue
        r = c.csv_series("smaps-swexit", typ)
        if zero and r and r[-1][0] >= min(zero):
            late.append(typ)
    assert zero and not late, "swexit: no value but ps_count after it " \
        "exited: written after exit: %s (0/0 rows after alive: %d)" % (
            late[:5], len(zero))


def test_empty_group(done):
    c = done.main
    rows = c.csv_series("smaps-swnosuch", "ps_count")
    files = c.csv_files().get("smaps-swnosuch", set())
    assert files == {"ps_count"} and rows and \
        all(v == [0.0, 0.0] for _, v in rows), "empty group swnosuch: " \
        "only ps_count, always 0/0: files %s, %d rows, values %s" % (
            sorted(files), len(rows), sorted({tuple(v) for _, v in rows}))


def test_main_quiet_log(done):
    quiet_log(done.main, "main")


def test_side_instances_start(side):
    """Every side instance logged "Initialization complete"."""
    assert not side.not_started, "collectd instances that did not " \
        "start: %s" % "\n".join(side.not_started)
