"""test_soak.py - the churn soak (README.md, "Soak"; docs/contributing.md,
"Soak"): each plugin configuration (conftest.py: SOAK_CONFIGS, run for
SOAK_SECONDS) beside churn.c, which starts and ends named processes and
forks enough others to wrap the pid counter.

"Flat": the first third of the run is warm-up; the median RSS of the last
third may exceed the median of the second third by at most max(2 %, 512
KiB); the median and the least count of fds held (open through a 0.5 s
burst of listings: a leak is, a read in progress is not) of the last third
may not exceed the second third's, no fd may be held in the last two
samples that was not held in the second third, and (Netdata plugin, where
every fd is ours) no listing after warm-up may show more than the second
third's median + 2 (a /proc file open during a read). Under massif the
heap held by allocations whose stack goes through our plugin, exact (no
allocator between), may not rise from the second third's floor to the
last's by more than max(1 %, 64 KiB), nor the whole heap by more than
max(2 %, 512 KiB). At the end the Netdata plugin's stdout is closed (it
must exit 0 on EPIPE), collectd gets SIGTERM (exit 0); then the sanitizer
or valgrind verdict is judged (for collectd: only reports whose stack goes
through our plugin).

Each test prints its figures ("# CONFIG: WHAT (FIGURES)") before it
asserts; the make rules run pytest with -s, so a passing run shows them."""

import re
import statistics

import pytest

import soakjudge as J


def say(rec, name, detail):
    """A line of figures; it starts the line (pytest -q's "." ends it)."""
    print("\n# %s: %s (%s)" % (rec.config, name, detail), end="", flush=True)


def enough_samples(rec):
    second, last = J.thirds(rec.samples, rec.seconds)
    assert len(second) >= 3 and len(last) >= 3, (
        "enough samples: %d in the second third, %d in the last (3 each)"
        % (len(second), len(last)))


# ------------------------------------------------------------- the target


def test_target_alive_through_the_run(soak):
    say(soak, "target alive through the run", "exit %s" % soak.alive_rc)
    assert soak.alive_rc is None, (
        "target exited %s during the run; stderr: %s"
        % (soak.alive_rc, soak.stderr[-3000:]))


@pytest.mark.soak_for("collectd", "asan")
def test_asan_runtime_in_collectd(soak):
    """The stock collectd, with clang's ASan runtime by LD_PRELOAD."""
    asan = [ln for ln in soak.maps.splitlines() if "asan" in ln]
    say(soak, "ASan runtime in the process", "%d mappings" % len(asan))
    assert asan, "libclang_rt.asan not mapped in collectd at the start"


def test_target_exited_0(soak):
    """99: valgrind found something, 98: LSan a leak in collectd-asan,
    both judged by the verdict tests (collectd's own or ours)."""
    rc = soak.rc
    say(soak, "target exited 0", "exit %s" % rc)
    assert rc == 0 or (rc == 99 and soak.tool == "valgrind") or \
        (rc == 98 and soak.config == "collectd-asan"), (
            "exit %s (stdout closed / SIGTERM at the end); stderr: %s"
            % (rc, soak.stderr[-3000:]))


# ------------------------------------------------------------- the churn


def test_churn_started_members(soak):
    n = int(soak.churn["started"])
    say(soak, "churn started 50 group members a second (10,000 in 3 min)", n)
    assert n >= 50 * soak.seconds, (
        "churn started %d group members in %.0f s, fewer than 50 a second"
        % (n, soak.seconds))


def test_pids_reused(soak):
    if soak.seconds < 120:
        pytest.skip("a %.0f s run may end before the pid counter wraps "
                    "(judged from 120 s)" % soak.seconds)
    n = int(soak.churn["reused"])
    say(soak, "pids reused by group members", n)
    assert n > 0, "no group member got a pid an earlier one had: %r" % soak.churn


# ------------------------------------------------------------- memory, fds


def test_rss_flat(soak):
    enough_samples(soak)
    r = J.rss(soak.samples, soak.seconds)
    detail = ("median %d KiB (2nd third) -> %d KiB (last third), %+d KiB, "
              "bound %d KiB; first %d, min %d, max %d"
              % (r["rss2"], r["rss3"], r["rss3"] - r["rss2"], r["bound"],
                 r["first"], r["min"], r["max"]))
    say(soak, "RSS flat", detail)
    assert r["rss3"] - r["rss2"] <= r["bound"], "RSS grew: " + detail


def test_fd_count_flat(soak):
    enough_samples(soak)
    f = J.fds(soak.samples, soak.seconds)
    # Transient fds are judged only where every fd is ours (collectd's
    # csv writer opens files meanwhile).
    transient_ok = f["fdmax"] <= f["fd2"] + 2 or not soak.netdata
    detail = ("held: median %g -> %g, least %d -> %d; open: max after "
              "warm-up %d; held in the last two samples only: %s"
              % (f["fd2"], f["fd3"], f["low2"], f["low3"], f["fdmax"],
                 " ".join(f["late"]) or "none"))
    say(soak, "fd count flat", detail)
    assert f["fd3"] <= f["fd2"] and f["low3"] <= f["low2"] and \
        transient_ok and not f["late"], "fds grew: " + detail


def test_exited_members_proc_closed(soak):
    """An exited member's kept /proc/PID is closed at the next cycle: one
    still open three samples running (several seconds) was leaked."""
    stale = J.stale_proc(soak.samples)
    say(soak, "exited members' /proc/PID closed",
        " ".join(stale) or "none kept over three samples")
    assert not stale, "kept open over three samples: " + " ".join(stale)


@pytest.mark.soak_for("massif")
@pytest.mark.parametrize("part, k, frac, floor", [
    ("heap held through our plugin", 2, 0.01, 65536),
    ("the whole heap", 1, 0.02, 524288)], ids=["ours", "all"])
def test_massif_heap_flat(soak, part, k, frac, floor):
    """Judged on each third's floor: a snapshot taken mid-cycle also holds
    that cycle's transient blocks (in collectd, the queue of values just
    dispatched, up to ~300 KB), while memory kept raises the floor."""
    snaps = J.massif_snapshots(soak.massif_out)
    assert any(t < J.WARM * soak.seconds for t, _, _ in snaps), (
        "massif: no snapshot before the second third (%d in all)" % len(snaps))
    second, last = J.massif_thirds(snaps, soak.seconds)
    low2, low3 = min(x[k] for x in second), min(x[k] for x in last)
    bound = max(frac * low2, floor)
    detail = ("floor %d -> %d B (%+d), bound %d B; median %d -> %d B"
              % (low2, low3, low3 - low2, bound,
                 statistics.median(x[k] for x in second),
                 statistics.median(x[k] for x in last)))
    say(soak, "massif: %s flat" % part, detail)
    assert low3 - low2 <= bound, "massif: %s grew: %s" % (part, detail)


# ------------------------------------------------------------- verdicts


@pytest.mark.soak_for("valgrind")
def test_valgrind_clean(soak):
    """The Netdata plugin: no error, no definite or indirect leak at all;
    collectd: none whose stack goes through our plugin."""
    err, lost, ind, ours = J.valgrind_log(soak.vglog)
    detail = ("ERROR SUMMARY %s, definitely lost %s, indirectly lost %s, "
              "exit %s; %d records through our code"
              % (err, lost, ind, soak.rc, len(ours)))
    say(soak, "valgrind", detail)
    shown = "\n\n".join(ours[:5])
    if soak.netdata:
        assert soak.rc == 0 and err == "0", (
            "valgrind: errors or leaks: %s\n%s" % (detail, shown))
    else:
        assert not ours, "valgrind: through our plugin: %s\n%s" % (detail, shown)


@pytest.mark.soak_for("asan")
def test_sanitizers_clean(soak):
    """ASan/UBSan/LSan: the Netdata plugin no report at all; collectd none
    whose stack goes through our plugin (collectd 5.12 under LSan can
    itself report a 6-byte strdup leak of its own)."""
    allr, ours = J.asan_reports(soak.sandir)
    detail = "%d reports, %d through our plugin, exit %s" % (
        len(allr), len(ours), soak.rc)
    say(soak, "ASan/UBSan", detail)
    serr = soak.stderr
    if "AddressSanitizer" in serr or "runtime error" in serr:
        detail += "; stderr: " + serr[:3000]
    if soak.netdata:
        assert not allr and soak.rc == 0, "ASan/UBSan: %s\n%s" % (
            detail, "\n\n".join(r[:3000] for r in allr[:3]))
    else:
        assert not ours, "ASan/UBSan through our plugin: %s\n%s" % (
            detail, "\n\n".join(r[:3000] for r in ours[:3]))


# ------------------------------------------------------------- output


@pytest.mark.soak_for("netdata")
def test_netdata_plugin_kept_updating(soak):
    say(soak, "plugin kept updating", "%d update cycles, %d bytes"
        % (soak.cycles, soak.stdout_bytes))
    assert soak.cycles >= soak.seconds / 3, (
        "%d updates of smaps.alpha_pss in %.0f s (at least a third of the "
        "seconds)" % (soak.cycles, soak.seconds))


@pytest.mark.soak_for("collectd")
def test_collectd_wrote_group_values(soak):
    say(soak, "collectd wrote smaps values for the churn groups",
        " ".join(soak.csv_dirs))
    assert any(d.startswith("smaps-") for d in soak.csv_dirs), (
        "no smaps-* instance in the csv directory: %r" % soak.csv_dirs)


@pytest.mark.soak_for("collectd")
def test_collectd_read_every_interval(soak):
    say(soak, "plugin read every interval",
        "%d rows of smaps-sw-alpha/ps_count" % soak.cycles)
    assert soak.cycles >= soak.seconds / 3, (
        "%d reads (rows of smaps-sw-alpha/ps_count) in %.0f s (at least a "
        "third of the seconds)" % (soak.cycles, soak.seconds))


@pytest.mark.soak_for("collectd")
def test_collectd_loaded_the_plugin(soak):
    ok = ('plugin "smaps" successfully loaded' in soak.log
          and "Initialization complete" in soak.log)
    say(soak, "collectd loaded the plugin", "yes" if ok else "no")
    assert ok, "collectd's log: %s" % soak.log[-2000:]


@pytest.mark.soak_for("collectd")
def test_collectd_log_has_no_smaps_error(soak):
    bad = [ln for ln in soak.log.splitlines()
           if "smaps plugin" in ln and re.search("error", ln, re.I)]
    say(soak, "no smaps plugin error in collectd's log", "%d lines" % len(bad))
    assert not bad, "smaps plugin errors in collectd's log: %r" % bad[:3]
