"""The stores instance (cdconfigs.stores_conf): write_prometheus scraped
here and by a real Prometheus running README's recipes, write_graphite
to two listeners run here (plain and SeparateInstances), network to a
real InfluxDB. Every documented series and path of the default selection
and no other, the series count per group README "Values" states, known
values: the 4 MiB heap of swstable, the idle process (group "idle.pid")."""
import fnmatch
import os
import re
import time

import pytest

import cdconfigs as cf
from cdharness import (DEFAULT_CATS, DEFAULT_FIELDS, HOST, OWN, Influx,
                       Prometheus, documented, fd_counts, graphite_paths,
                       independent, info, prometheus_series, quiet_log,
                       readme_blocks, readme_counts, scrape, typesdb)

DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                    "..", "docs", "collectd.md")


def expected_stores():
    """Per group: the documented values (default selection) as Prometheus
    series {(metric, labels)} and Graphite paths; and the plugin's own
    (group None)."""
    dss = typesdb()
    prom, paths = {}, {}
    for g in list(cf.STORE_GROUPS) + [None]:
        plugin, vals = ("smaps", documented()) if g else ("smaps_self", OWN)
        prom[g] = {(m, tuple(sorted(lb.items()))) for v in vals
                   for m, lb in prometheus_series(HOST, plugin, g, v, dss)}
        paths[g] = [{p for v in vals for p in graphite_paths(
            HOST, plugin, g, v, dss, separate=sep)} for sep in (False, True)]
    return prom, paths


@pytest.fixture(scope="session")
def st(side):
    """What write_prometheus shows and write_graphite sent, once every
    expected series and path is there (or after 10 s); smaps of the two
    processes read here."""
    prom, paths = expected_stores()
    want = set().union(*prom.values())
    end = time.time() + 10
    series, got = [], set()
    while time.time() < end:
        try:
            series = scrape(side.prom_port)
        except OSError as e:
            info("scrape: %s" % e)
        got = {(m, tuple(sorted(lb.items()))) for m, lb, _ in series
               if m.startswith("collectd_smaps")}
        sent = [set(side.plain.last()), set(side.separate.last())]
        if want <= got and all(paths[g][i] <= sent[i] for g in paths
                               for i in (0, 1)):
            break
        time.sleep(0.5)
    val = {(m, tuple(sorted(lb.items()))): v for m, lb, v in series}
    sums, _ = independent(side.wl["stable"].pid)
    idle, _ = independent(side.wl["idle"].pid)

    def pv(metric, group, **labels):
        labels.update({"instance": HOST, "smaps": group})
        return val.get((metric, tuple(sorted(labels.items()))))
    return {"prom": prom, "paths": paths, "want": want, "got": got,
            "val": val, "pv": pv, "sums": sums, "idle": idle, "run": side}


def test_prometheus_every_series(st):
    want, got = st["want"], st["got"]
    assert got == want, "write_prometheus: every documented series of the " \
        "default selection, no other (%d for 2 groups and smaps_self): " \
        "missing %s; extra %s" % (len(want), sorted(want - got)[:4],
                                  sorted(got - want)[:4])


def test_prometheus_series_per_group(st):
    default, _ = readme_counts()
    n = {g: len([1 for m, lb in st["got"] if dict(lb).get("smaps") == g])
         for g in cf.STORE_GROUPS}
    assert default and all(v == default for v in n.values()) and \
        len(st["prom"]["swstable"]) == default, "series per group = " \
        "README's figure (%s by default): counted %s, expected %d" % (
            default, n, len(st["prom"]["swstable"]))


def test_prometheus_heap_rss(st):
    heap = st["pv"]("collectd_smaps_memory", "swstable", type="heap_rss")
    want = st["sums"]["heap"]["rss"]
    assert heap == want and 4 << 20 <= heap <= (4 << 20) + (512 << 10), \
        "prometheus: collectd_smaps_memory{type=\"heap_rss\"} of the 4 MiB " \
        "heap = its smaps, in [4, 4.5] MiB: prometheus %s, smaps %d" % (
            heap, want)


def test_prometheus_status_values(st):
    """ps_count 1/1, ps_rss = VmRSS, file_handles = its fds,
    ps_state{measured} 1."""
    pid = st["run"].wl["stable"].pid
    with open("/proc/%d/status" % pid) as f:
        vmrss = 1024 * int(re.search(r"^VmRSS:\s+(\d+)", f.read(),
                                     re.M).group(1))
    nfd, _ = fd_counts(pid)
    pv = st["pv"]
    got = [pv("collectd_smaps_ps_count_processes", "swstable"),
           pv("collectd_smaps_ps_count_threads", "swstable"),
           pv("collectd_smaps_ps_rss", "swstable"),
           pv("collectd_smaps_file_handles", "swstable"),
           pv("collectd_smaps_ps_state", "swstable", type="measured")]
    want = [1, 1, vmrss, nfd, 1]
    assert got == want, "prometheus: ps_count 1/1, ps_rss = VmRSS, " \
        "file_handles = its fds, ps_state{measured} 1: got %s, want %s" % (
            got, want)


def test_prometheus_dotted_group(st):
    t = st["pv"]("collectd_smaps_memory", "idle.pid", type="total_rss")
    want = st["idle"]["total"]["rss"]
    assert t == want, "prometheus: smaps=\"idle.pid\" (a dot in the " \
        "group) total_rss = smaps: got %s, smaps %d" % (t, want)


def test_prometheus_own_status_reads(st):
    own = st["val"].get(("collectd_smaps_self_count", (
        ("instance", HOST), ("smaps_self", "status_reads"))))
    assert own == 2, "prometheus: collectd_smaps_self_count{smaps_self=" \
        "\"status_reads\"} = 2 (two processes): got %s" % own


def test_graphite_figures_age_seconds(st):
    """A full read every other interval of 0.5 s: figures_age is 0 or
    0.5, seconds, not intervals."""
    plain = st["run"].plain
    with plain.lock:
        ages = {float(x.split()[1]) for x in plain.lines if x.startswith(
            HOST + ".smaps-swstable.duration-figures_age ")}
    assert ages == {0.0, 0.5}, "graphite: figures_age 0 or 0.5 s: values " \
        "sent %s" % sorted(ages)


@pytest.mark.parametrize("i,what", [(0, "plain"), (1, "SeparateInstances")])
def test_graphite_every_path(st, i, what):
    lst = (st["run"].plain, st["run"].separate)[i]
    sent = {p for p in lst.last() if p.startswith(HOST + ".smaps")}
    exp = set().union(*(st["paths"][g][i] for g in st["paths"]))
    assert sent == exp, "write_graphite %s: every documented path, no " \
        "other (%d): missing %s; extra %s" % (
            what, len(exp), sorted(exp - sent)[:4], sorted(sent - exp)[:4])


def test_graphite_values(st):
    g = st["run"].plain.last().get(HOST + ".smaps-swstable.memory-heap_rss")
    g2 = st["run"].separate.last().get(
        HOST + ".smaps.idle_pid.memory.total_rss")
    want = (st["sums"]["heap"]["rss"], st["idle"]["total"]["rss"])
    assert (g, g2) == want, "graphite: smaps-swstable.memory-heap_rss and " \
        "(separate) smaps.idle_pid.memory.total_rss = smaps: got %s, %s; " \
        "smaps %s, %s" % ((g, g2) + want)


def test_graphite_readme_globs(st):
    """README's Graphite wildcards (one category, one field) on the
    paths write_graphite sent; a Graphite glob matches node by node."""
    with open(DOCS) as f:
        text = f.read()
    globs = re.findall(r"`(HOST\.smaps-GROUP\.memory-[^`*]*\*[^`]*)`",
                       text)[:2]
    sent = list(st["run"].plain.last())
    got = []
    for g in globs:
        nodes = g.replace("HOST", HOST).replace("GROUP", "swstable").split(".")
        got.append(sorted(p.split(".")[-1] for p in sent
                          if len(p.split(".")) == len(nodes) and
                          all(fnmatch.fnmatchcase(a, b) for a, b in
                              zip(p.split("."), nodes))))
    # heap's bytes: its fields, and the reserved signal (a memory value)
    want = [sorted(["memory-heap_" + f for f in DEFAULT_FIELDS] +
                   ["memory-heap_reserved"]),
            sorted("memory-%s_pss" % c for c in DEFAULT_CATS)]
    assert got == want, "graphite: README's wildcards %s select one " \
        "category's bytes, one field's categories: got %s, want %s" % (
            globs, got, want)


# ---- README's Prometheus recipes, run by a real Prometheus scraping the
# stores instance: its metric_relabel_configs and its queries


@pytest.fixture(scope="session")
def prom(st):
    p = st["run"].prom
    assert p, "prometheus installed (Debian package prometheus): %s " \
        "missing" % Prometheus.BIN
    return p


def test_recipe_relabel_memory(st, prom):
    r = prom.wait('collectd_smaps_memory{smaps="swstable",category="heap",'
                  'measure="rss"}')
    want = st["sums"]["heap"]["rss"]
    assert len(r) == 1 and r[0][1] == want, "recipe " \
        "metric_relabel_configs: category=\"heap\", measure=\"rss\" = the " \
        "4 MiB heap's Rss (%d): got %s; log %s" % (want, r, prom.log()[-300:])


def test_recipe_relabel_counter_signal(prom):
    r = prom.wait('collectd_smaps_gauge{smaps="swstable",category="threads",'
                  'measure="leak_rate"}')
    assert len(r) == 1 and r[0][1] == 0, "recipe metric_relabel_configs: " \
        "a counter's signal gets category=\"threads\", " \
        "measure=\"leak_rate\" (0: idle): got %s" % r


def readme_queries():
    queries, q = [], None
    for line in readme_blocks("or in a query"):
        if line and not line.startswith(" "):
            q = [line]
            queries.append(q)
        elif q is not None:
            q.append(line)
    return ["\n".join(x) for x in queries]


def test_recipe_sum_by_category(st, prom):
    """recipe 1 (sum by category of Pss): the default categories but
    total, heap = the groups' heap_pss."""
    queries = readme_queries()
    heap = sum(v for (m, lb), v in st["val"].items()
               if m == "collectd_smaps_memory" and ("type", "heap_pss") in lb)
    r = prom.wait(queries[0]) if queries else []
    got = {x[0].get("category"): x[1] for x in r}
    assert len(queries) == 2 and set(got) == set(DEFAULT_CATS) - {"total"} \
        and got.get("heap") == heap, "recipe 1 (sum by category of Pss): " \
        "%d queries in README (2); got %s, heap_pss %s" % (
            len(queries), got, heap)


def test_recipe_topk_leak_rates(prom):
    """recipe 2 (topk of leak rates in bytes/s): 5 memory leak_rate
    series."""
    queries = readme_queries()
    r = prom.wait(queries[1]) if len(queries) > 1 else []
    types = [x[0].get("type", "") for x in r]
    assert len(r) == 5 and all(
        t.endswith("_leak_rate") and t.split("_")[0] not in
        ("threads", "fds", "sockets") for t in types), \
        "recipe 2 (topk of leak rates in bytes/s): 5 memory leak_rate " \
        "series: got %s" % types


# ---- what InfluxDB's collectd listener makes of the values (README
# "Values"), and README's InfluxQL recipe as written


@pytest.fixture(scope="session")
def influx(st):
    db = st["run"].influx
    assert db, "influxd installed (Debian package influxdb): %s missing" % (
        Influx.BIN)
    return db


def test_influx_heap_rss(st, influx):
    r = influx.wait('SELECT last("value") FROM "smaps_value" WHERE '
                    '"instance" = \'swstable\' AND "type" = \'memory\' AND '
                    '"type_instance" = \'heap_rss\'')
    want = st["sums"]["heap"]["rss"]
    assert len(r) == 1 and r[0][1]["last"] == want, "influxdb: smaps_value" \
        "{instance=swstable, type=memory, type_instance=heap_rss} = the " \
        "4 MiB heap's Rss (%d): got %s; log %s" % (
            want, r, influx.log()[-300:])


def test_influx_measurements(influx):
    names = {x[1]["name"] for x in influx.wait("SHOW MEASUREMENTS")}
    want = {"smaps_value", "smaps_processes", "smaps_threads",
            "smaps_seconds", "smaps_self_value", "smaps_self_seconds"}
    assert names == want, "influxdb: measurements %s: got %s" % (
        sorted(want), sorted(names))


def test_influx_processes_and_own(influx):
    """smaps_processes of swstable = 1; smaps_self_value has the 7 own
    type instances."""
    r = influx.wait('SELECT last("value") FROM "smaps_processes" WHERE '
                    '"instance" = \'swstable\' AND "type" = \'ps_count\'')
    r2 = influx.wait('SHOW TAG VALUES FROM "smaps_self_value" WITH KEY = '
                     '"type_instance"')
    assert len(r) == 1 and r[0][1]["last"] == 1 and \
        {x[1]["value"] for x in r2} == {
            "status_reads", "full_reads", "smaps_read", "backed_off",
            "capped", "hidden", "failed"}, \
        "influxdb: smaps_processes of swstable = 1; smaps_self_value has " \
        "the 7 own type instances: got %s, %s" % (r, r2)


def test_influx_readme_recipe(st, influx):
    """README's InfluxQL recipe gives each group's CATEGORY_pss, heap as
    Prometheus has it."""
    with open(DOCS) as f:
        m = re.search(r"InfluxQL: `([^`]+)`", " ".join(f.read().split()))
    r = influx.wait(m.group(1)) if m else []
    got = {(t.get("instance"), t.get("type_instance")): v["last"]
           for t, v in r}
    want = {(dict(lb)["smaps"], dict(lb)["type"]): v
            for (m_, lb), v in st["val"].items()
            if m_ == "collectd_smaps_memory" and
            dict(lb)["type"].endswith("_pss")}
    assert set(got) == set(want) and got.get(("swstable", "heap_pss")) == \
        want.get(("swstable", "heap_pss")), "influxdb: README's InfluxQL " \
        "recipe (%s) gives each group's CATEGORY_pss (%d series), heap as " \
        "Prometheus has it: got %s, want %s" % (
            m and m.group(1), len(want), sorted(got.items())[:4],
            sorted(want.items())[:4])


def test_stores_quiet_log(st):
    # libmicrohttpd 0.9.75 makes write_prometheus log this at start.
    quiet_log(st["run"].stores, "stores", ignore=r"write_prometheus plugin: "
              r"MHD_OPTION_EXTERNAL_LOGGER is not the first")
