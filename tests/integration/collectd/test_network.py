"""A client (smaps + network) and a server (network + csv) on 127.0.0.1:
the values survive the wire, with the default selection (GrowthWindow
3600 has no fit yet: the leak rates are 0, not absent; growth and steady
absent) and CollectLibraries off."""
import pytest

import cdconfigs as cf
from cdharness import documented, dup_loads, expected_ids, independent, \
    quiet_log

CLIENT = "smapwatch-client"


def test_total_rss_at_server(side):
    sums, _ = independent(side.wl["idle"].pid)
    v = side.server.csv_last("smaps-swidle", "memory-total_rss", host=CLIENT)
    assert v == [float(sums["total"]["rss"])], "network: server csv has " \
        "%s/smaps-swidle/memory-total_rss = smaps: server %s, smaps %d" % (
            CLIENT, v, sums["total"]["rss"])


def test_ps_count_at_server(side):
    v = side.server.csv_last("smaps-swidle", "ps_count", host=CLIENT)
    assert v == [1.0, 1.0], "network: ps_count 1/1 at the server: got %s" % v


def test_hostile_group_at_server(side):
    ids = expected_ids(cf.HOSTILE1)
    v = [side.server.csv_last("smaps-" + i, "ps_count", host=CLIENT)
         for i in ids]
    assert [1.0, 1.0] in v, "network: hostile group smaps-%s at the " \
        "server: got %s" % (ids[0], v)


def test_default_values_arrive(side):
    want = documented(fitted=False)
    got = set(side.server.csv_files(CLIENT).get("smaps-swidle", ()))
    assert got == want, "network: the %d documented default values arrive " \
        "for swidle, no other: missing %s, extra %s" % (
            len(want), sorted(want - got)[:5], sorted(got - want)[:5])


def test_duplicate_loads_without_libraries(side):
    dup = dup_loads(side.wl["sock"].pid)
    v = side.server.csv_last("smaps-swsock", "objects-libs_duplicate_loads",
                             host=CLIENT)
    assert v == [float(dup)], "objects-libs_duplicate_loads of swsock " \
        "with CollectLibraries off = %d too: got %s" % (dup, v)


def test_no_libraries_by_default(side):
    files = side.server.csv_files(CLIENT)
    libs = [t for t in files.get("smaps-swidle", ()) if "lib_" in t]
    assert not libs, "CollectLibraries off by default: no lib_* values: " \
        "%s" % libs[:3]


@pytest.mark.parametrize("which", ["server", "client"])
def test_net_quiet_log(side, which):
    quiet_log(getattr(side, which), "net-" + which)
