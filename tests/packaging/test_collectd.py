"""test_collectd.py - the stock collectd (PluginDir /usr/lib/collectd)
with the installed collectd-plugin-smaps and its packaged example configs
writes smaps values to csv (conftest.py's collectd_run records the run)."""
import pkgdaemons


def test_collectd_writes_smaps_values(installed, collectd_run):
    assert collectd_run.rss, "collectd (PluginDir /usr/lib/collectd, the " \
        "packaged example configs) writes smaps-collectd/memory-total_rss " \
        "> 0: got %r; log:\n%s" % (collectd_run.rss, collectd_run.log[-1500:])


def test_no_smaps_plugin_error_in_log(installed, collectd_run):
    log = collectd_run.log
    assert "smaps plugin" not in log or "ERROR" not in log, \
        "no smaps plugin error in collectd's log:\n%s" % log[-1500:]


def test_threshold_example_loads(installed, collectd_run):
    assert pkgdaemons.log_has_threshold(collectd_run.log), \
        "the threshold example loads: log:\n%s" % collectd_run.log[-800:]


def test_collectd_stopped(installed, collectd_run):
    assert collectd_run.stopped, "collectd stopped"
