"""test_tiering.py - what the plugin reads when: smaps on the full
interval only (--full-interval), status every cycle, and the maps probe
between full reads (--maps-interval), as its own cost charts
(netdata.smaps_reads, netdata.smaps_read_bytes) count them; bad values
of these options refused with one line."""

import os

import pytest

from fakeproc import run_fake
from plugrun import HOSTILE, HOSTILE_GROUP, run_disabled, run_plugin, values


@pytest.fixture(scope="module")
def defaults(tmp):
    return run_fake(tmp, [])


def test_tiering_grammar(defaults):
    assert not defaults.problems, "tiering grammar: %r" % defaults.problems[:3]


def test_defaults_read_smaps_once(defaults):
    """The defaults (--full-interval 60 at update every 1): smaps of the
    fake tree's processes are read on the first cycle only, their status
    every cycle."""
    reads = values(defaults, "netdata.smaps_reads")
    assert len(reads) >= 2 and reads[0]["full"] > 0 and reads[0]["status"] > 0 \
        and all(r["full"] == 0 and r["status"] == reads[0]["status"]
                for r in reads[1:]), \
        "defaults: smaps read on the first cycle only, status every cycle: %r" \
        % reads


def test_defaults_smaps_bytes_on_the_full_read(defaults):
    kib = values(defaults, "netdata.smaps_read_bytes")
    assert kib and kib[0]["smaps"] > 0 and all(k["smaps"] == 0 for k in kib[1:]), \
        "smaps bytes only on the full read: %r" % kib


def test_full_interval_0_reads_every_cycle(tmp):
    c = run_fake(tmp, ["--full-interval", "0"])
    reads = values(c, "netdata.smaps_reads")
    assert len(reads) >= 2 and all(r["full"] == reads[0]["full"] > 0
                                   for r in reads), \
        "--full-interval 0: smaps every cycle: %r" % reads


@pytest.mark.parametrize("bad", [["--full-interval", "-1"],
                                 ["--read-budget-ms", "x"], ["--allow-large"]],
                         ids=" ".join)
def test_bad_tier_option_refused(bad):
    rc, _, err = run_disabled(bad)
    assert rc == 1 and "bad or missing value" in err, \
        "refused: %s: %d %r" % (" ".join(bad), rc, err)


@pytest.mark.parametrize("every,full", [("1", "60"), ("0", "6")])
def test_maps_interval(tmp, pids, every, full):
    """--maps-interval: the maps probe between full reads, on the run's
    growing workloads (their VmSize moves, so each probe cycle reads their
    maps). At --full-interval 6 the default probes every cycle: 0 must
    turn that off; 1 at the default --full-interval 60 (probe every 10 s)
    must read maps every cycle."""
    conf = os.path.join(tmp, "maps.conf")
    with open(conf, "wb") as f:
        f.write(HOSTILE_GROUP)
    c = run_plugin(["--config", conf, "--full-interval", full,
                    "--maps-interval", every], 3.5)
    seen = [r.get("maps") for r in values(c, "netdata.smaps_reads")]
    n = len(HOSTILE)
    if every == "1":
        # a cycle where no member's VmSize moved (brk grows in steps) reads
        # none: every probe cycle reads all or none, most read all
        assert len(seen) >= 3 and set(seen) <= {0, n} and seen.count(n) >= 2, \
            "--maps-interval 1: the %d members' maps read at most cycles: %r" \
            % (n, seen)
    else:
        assert len(seen) >= 3 and all(m == 0 for m in seen), \
            "--maps-interval 0: maps never read: %r" % seen


@pytest.mark.parametrize("bad", [["--maps-interval", "-1"],
                                 ["--maps-interval", "1.5"],
                                 ["--maps-interval", "86401"],
                                 ["--maps-interval"]], ids=" ".join)
def test_bad_maps_interval_refused(bad):
    rc, out, err = run_disabled(bad)
    lines = err.strip().splitlines()
    assert rc == 1 and out == b"" and len(lines) == 1 \
        and "--maps-interval" in lines[0], \
        "%r refused with one line: %d %r" % (bad, rc, err)
