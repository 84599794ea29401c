"""test_netdata.py - the stock Netdata, run as user netdata with plugins.d
and stock config the packaged ones, charts the groups of the stock
smaps_groups.conf, including a root-owned process (which only the
capabilities let the plugin read); its alarm templates load (conftest.py's
netdata_run records the run)."""
import pytest

import pkgdaemons
import pkgharness as h


@pytest.fixture
def charted(installed, netdata_run):
    """The run, once its charts showed (the values are read only then)."""
    if not netdata_run.charts:
        pytest.fail("no smaps charts: see test_netdata_charts_the_stock_groups")
    return netdata_run


def test_netdata_charts_the_stock_groups(installed, netdata_run):
    assert netdata_run.charts, "netdata (plugins.d and stock conf.d the " \
        "packaged ones) charts the stock groups netdata and memcached on " \
        "127.0.0.1:%d: %s missing; error.log:\n%s" % (
            netdata_run.port, pkgdaemons.WANT_CHARTS, netdata_run.errlog)


def test_netdata_pss(charted):
    v = charted.netdata_pss
    assert v and v > 0, "smaps.netdata_pss > 0 (netdata's own memory): %r" % v


def test_root_process_read_with_capabilities(charted):
    v = charted.memcached_pss
    assert v and v > 0, "smaps.memcached_pss > 0: the plugin, run by user " \
        "netdata, reads a root process (its capabilities work): %r" % v


def test_plugin_runs_as_user_netdata(charted):
    nd_uid = h.user_id("netdata")
    assert charted.uids and set(charted.uids.values()) == {nd_uid}, \
        "the packaged smaps.plugin runs as user netdata (uid %d): pid: uid " \
        "%r" % (nd_uid, charted.uids)


def test_stock_health_templates_apply(charted):
    alarms = sorted(charted.alarms or ())
    assert "smaps_group_processes" in alarms, \
        "the stock health.d/smaps.conf templates apply: %r" % alarms


def test_netdata_stopped(installed, netdata_run):
    assert netdata_run.stopped, "netdata stopped"


def test_no_packaged_plugin_left_running(installed, netdata_run):
    assert netdata_run.plugins_gone, "no packaged smaps.plugin left " \
        "running: %r" % netdata_run.plugins_left
