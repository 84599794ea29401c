"""test_netdata_restart.py - smaps.plugin under a real Netdata (the
`restarts` fixture of conftest.py): SIGHUP, SIGINT and SIGQUIT sent to the
running plugin end it with exit 0, and Netdata starts it again (issue 18,
defect 19): a new plugin process, and no "Disabling it" in error.log
(killed by a signal but SIGTERM, Netdata 1.37.1 disables a plugin);
each run logged its exit line and its collections. About 6 s."""

import pytest

from conftest import SIGNALS, START_LINE


def test_netdata_serves_the_charts(restarts):
    assert restarts.served, "netdata serves smaps.self_processes within 30 s"


@pytest.mark.parametrize("sig", [s.name for s in SIGNALS])
def test_signal_ends_the_plugin_and_netdata_starts_it_again(restarts, sig):
    turn = restarts.turns.get(sig)
    assert turn is not None, (
        "%s never sent: an earlier signal's turn found no single plugin "
        "(turns: %r)" % (sig, restarts.turns))
    assert len(turn["pids"]) == 1, "%s: one plugin running: %r" % (sig, turn["pids"])
    assert turn["logged"], "%s: the plugin logged its start (%d starts)" % (
        sig, turn["starts"])
    assert turn["again"], "%s: Netdata started the plugin again (was pid %d)" % (
        sig, turn["pids"][0])


def smaps_lines(restarts):
    return [l for l in restarts.log.splitlines() if "smaps" in l]


def test_plugin_not_disabled(restarts):
    lines = [l for l in smaps_lines(restarts) if "isabling" in l]
    assert not lines, "no 'Disabling it' in error.log: %r" % lines[:2]


def test_exit_line_logged_at_each_signal(restarts):
    n = sum("exiting (Netdata starts the plugin again)" in l
            for l in smaps_lines(restarts))
    assert n == 3, "the plugin's exit line reached error.log 3 times (%d)" % n


def test_each_run_collected_before_its_signal(restarts):
    n = sum("successful data collections" in l for l in smaps_lines(restarts))
    assert n == 3, "each run collected before the signal (%d times, want 3)" % n


def test_plugin_started_four_times(restarts):
    n = sum(START_LINE in l for l in smaps_lines(restarts))
    assert n == 4, "the plugin started 4 times (%d)" % n
