"""test_netdata_plugin.py - smaps.plugin itself under a real Netdata (the
`node` fixture of conftest.py): every chart text stored as sent, stdout a
pipe the plugin made non-blocking, and once Netdata is stopped, a log
with the plugin's start line and no error about it (parser complaints,
sanitizer reports: the asan twin runs the sanitized plugin here)."""

import os
import re

import pytest

from conftest import note, plugin_pids, plugin_texts
from ndharness import texts_differ


def test_chart_texts_stored_as_sent(node):
    """Item 6 of issue 19: chart titles, units, families, contexts and
    dimension names as the plugin writes them, against /api/v1/charts."""
    n, differ = texts_differ(plugin_texts(node.tmp).charts, node.charts)
    note("%d chart texts compared" % n)
    assert n > 100 and not differ, (
        "%d chart texts stored as sent (want > 100); (chart, what, sent, "
        "stored): %r" % (n, differ[:4]))


def test_stdout_is_a_nonblocking_pipe(node):
    """Under the real daemon the plugin's stdout is a pipe, and the plugin
    made it non-blocking (a Netdata that stops reading costs skipped
    updates, not a stuck plugin)."""
    pids = plugin_pids(node.tmp)
    assert len(pids) == 1, "one smaps.plugin running: %r" % pids
    link = os.readlink("/proc/%d/fd/1" % pids[0])
    flags = re.search(r"^flags:\s+([0-7]+)",
                      open("/proc/%d/fdinfo/1" % pids[0]).read(), re.M)
    assert link.startswith("pipe:") and flags and \
        int(flags.group(1), 8) & os.O_NONBLOCK, (
            "stdout a pipe, made non-blocking: %s flags %s"
            % (link, flags.group(1) if flags else None))


@pytest.mark.after_stop
def test_netdata_stops(node):
    code = node.stop()[0]
    assert code is not None, "netdata stopped: exit code %r" % code


@pytest.mark.after_stop
def test_no_error_about_the_plugin_in_log(node):
    bad = node.stop()[1]
    assert not bad, "no errors about the plugin in error.log: %r" % bad[:3]


@pytest.mark.after_stop
def test_plugin_start_line_in_log(node):
    assert node.stop()[2], \
        "the plugin's start line reaches error.log in Netdata's format"
