"""test_netdata.py - smaps.plugin's charts under a real Netdata (the
`node` fixture of conftest.py: Debian's netdata 1.37.1 or the 2.x NETDATA
names, groups heaptest and mmaptest on workloads growing 1 MiB/s, pgtest
on a real PostgreSQL): the charts exist with their contexts, families,
order, `group` label and dimensions, and their values track the
workloads and /proc. The alarms are in test_netdata_alarms.py, the texts
and the plugin's own behaviour in test_netdata_plugin.py."""

import pytest

from conftest import (CATEGORIES, CONTEXTS, MIB, PG_NAME, PG_SESSIONS,
                      RATE_KIB, note, proc_sums, slope)

GROUPS = ("heaptest", "mmaptest")


def test_chart_count(node):
    ours = [k for k in node.charts if k.startswith("smaps.")]
    note("%d smaps charts of %d on the node" % (len(ours), len(node.charts)))
    groups = 3 if node.pg else 2
    assert len(ours) == groups * len(CONTEXTS), (
        "%d smaps charts, want %d per group for %d groups: %r"
        % (len(ours), len(CONTEXTS), groups, sorted(ours)))


@pytest.mark.parametrize("ctx", CONTEXTS)
@pytest.mark.parametrize("group", GROUPS)
def test_chart_context_and_family(node, group, ctx):
    c = node.charts.get("smaps.%s_%s" % (group, ctx), {})
    assert (c.get("context"), c.get("family")) == ("smaps." + ctx, group), (
        "chart smaps.%s_%s context/family: %r %r"
        % (group, ctx, c.get("context"), c.get("family")))


@pytest.mark.parametrize("group", GROUPS)
def test_section_in_priority_order(node, group):
    order = sorted((c["priority"], k[len("smaps.%s_" % group):])
                   for k, c in node.charts.items() if c.get("family") == group)
    assert [n for _, n in order] == CONTEXTS, (
        "%s's section by priority, as stored: %r" % (group, order))


@pytest.mark.parametrize("group", GROUPS)
def test_pss_group_label(node, group):
    c = node.charts.get("smaps.%s_pss" % group, {})
    labels = c.get("chart_labels") or c.get("labels") or {}
    assert labels.get("group") == group, (
        "label group=%s on smaps.%s_pss: %r" % (group, group, labels))


@pytest.mark.parametrize("group", GROUPS)
def test_pss_dimensions_are_the_categories(node, group):
    dims = sorted(node.charts.get("smaps.%s_pss" % group, {}).get("dimensions", {}))
    assert dims == sorted(CATEGORIES), (
        "dimensions of smaps.%s_pss: %r" % (group, dims))


@pytest.mark.parametrize("group", GROUPS)
def test_pss_units_and_type(node, group):
    c = node.charts.get("smaps.%s_pss" % group, {})
    assert (c.get("units"), c.get("chart_type")) == ("MiB", "stacked"), (
        "units and type of smaps.%s_pss: %r %r"
        % (group, c.get("units"), c.get("chart_type")))


# (chart, the category its workload grows, one that stays flat)
WORKLOAD_CHARTS = [("smaps.heaptest_pss", "heap", "anon"),
                   ("smaps.mmaptest_pss", "anon", "heap")]
WINDOW = 6          # seconds of stored points the slopes span
WANT = RATE_KIB / 1024.0


@pytest.mark.parametrize("chart,grows,flat", WORKLOAD_CHARTS)
def test_grown_category_tracks_the_workload(node, chart, grows, flat):
    s, rows = slope(node, chart, grows, WINDOW)
    note("%s: %s %.3f MiB/s (workload %.2f MiB/s)" % (chart, grows, s or 0, WANT))
    assert s is not None and 0.75 * WANT <= s <= 1.25 * WANT, (
        "%s %s grows %s MiB/s (want %.2f +-25%%): %r"
        % (chart, grows, s, WANT, rows[-3:]))


@pytest.mark.parametrize("chart,grows,flat", WORKLOAD_CHARTS)
def test_other_category_stays_flat(node, chart, grows, flat):
    s, rows = slope(node, chart, flat, WINDOW)
    note("%s: %s %.3f MiB/s" % (chart, flat, s or 0))
    assert s is not None and abs(s) < 0.1 * WANT, (
        "%s %s flat: %s MiB/s (want under %.2f): %r"
        % (chart, flat, s, 0.1 * WANT, rows[-3:]))


def test_one_heaptest_process(node):
    d = node.get("/api/v1/data?chart=smaps.heaptest_processes&after=-3"
                 "&format=json")
    assert d["data"] and d["data"][0][1] == 1, (
        "one heaptest process: %r" % d["data"][:1])


# Item 4 of issue 19 on a real PostgreSQL (128 MB of shared buffers,
# sessions that read the same 84 MB through them): the group's section
# opens on its real memory, Pss by category, whose total is the sum of its
# members' Pss in /proc within 5%; Rss summed over the same processes
# exceeds it by more than the shared buffers (each session's backend
# counts the pages it mapped), which is why the group does not open on it.

def test_postgres_section_opens_on_pss(pg_node):
    first = min((c["priority"], k) for k, c in pg_node.charts.items()
                if c.get("family") == "pgtest")
    assert first[1] == "smaps.pgtest_pss", "pgtest's first chart: %r" % (first,)


def test_postgres_pss_total_is_its_members_pss(pg_node):
    d = pg_node.get("/api/v1/data?chart=smaps.pgtest_pss&after=-1&points=1"
                    "&format=json&options=seconds")
    pss, rss, pids = proc_sums(PG_NAME)
    row = d["data"][0] if d.get("data") else []
    total = sum(v for v in row[1:] if v is not None) * MIB
    note("PostgreSQL, %d processes: the chart's Pss total %.1f MiB, /proc Pss "
         "%.1f MiB, /proc Rss summed %.1f MiB"
         % (len(pids), total / MIB, pss / MIB, rss / MIB))
    assert len(pids) >= PG_SESSIONS + 4 and abs(total - pss) <= 0.05 * pss, (
        "pgtest's Pss total %.1f MiB within 5%% of its members' Pss in /proc "
        "(%.1f MiB, %d processes, want >= %d)"
        % (total / MIB, pss / MIB, len(pids), PG_SESSIONS + 4))


def test_postgres_rss_summed_exceeds_pss(pg_node):
    pss, rss, pids = proc_sums(PG_NAME)
    assert rss - pss > 128 * MIB, (
        "Rss summed (%.1f MiB) exceeds the group's Pss (%.1f MiB, %d processes) "
        "by more than the 128 MB of shared buffers"
        % (rss / MIB, pss / MIB, len(pids)))
