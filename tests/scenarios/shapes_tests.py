"""The leak shapes' tests, the same for both daemons: test_shapes_collectd.py
and test_shapes_netdata.py import them, each with its own module fixture
`rec` (a judges.Record of its daemon's one run). One test per group and
subject, judged at every reading by judges.py's check_* (the failing
readings' times and values in the message); each prints its figures,
listed again at the end of the run (figures.py)."""
import pytest

import figures
import judges
from shapes import LEAKERS, QUIET


# ------------------------------------------------------------ leakers

@pytest.mark.parametrize("group", LEAKERS)
def test_leak_rate_within_tolerance(rec, group):
    judges.need(rec, group)
    judges.check_leak_rate(rec, group)


@pytest.mark.parametrize("group", LEAKERS)
def test_leak_rate_read_every_second_from_start(rec, group):
    judges.need(rec, group)
    judges.check_readings_from_start(rec, group)


@pytest.mark.parametrize("group", LEAKERS)
def test_other_leak_rates_zero(rec, group):
    judges.need(rec, group)
    judges.check_other_rates_zero(rec, group)


@pytest.mark.parametrize("group", LEAKERS)
def test_leak_alarm_critical(rec, group):
    judges.need(rec, group)
    judges.check_alarm_critical(rec, group)


# ------------------------------------------------------------ non-leakers

@pytest.mark.parametrize("group", QUIET)
def test_quiet_leak_rates_zero(rec, group):
    judges.check_quiet_rates(rec, group)


@pytest.mark.parametrize("group", QUIET)
def test_quiet_no_leak_alarm(rec, group):
    judges.check_quiet_alarms(rec, group)


@pytest.mark.parametrize("group,cat,bound", judges.FLAT,
                         ids=["%s-%s" % (g, c) for g, c, _ in judges.FLAT])
def test_growth_flat(rec, group, cat, bound):
    judges.check_flat(rec, group, cat, bound)


# ------------------------------------------------------------ the shapes are real

@pytest.mark.parametrize("group", judges.SWINGS)
def test_rss_really_swung(rec, group):
    judges.check_swing(rec, group)


@pytest.mark.parametrize("group", judges.HOLDS)
def test_memory_held(rec, group):
    judges.check_holds(rec, group)


def test_pgbench_ran_all_along(rec):
    judges.check_pgbench(rec)


# ------------------------------------------------------------ swapped, sockets

def test_pageout_swap_file_still_on(rec):
    judges.need(rec, "pageout")
    judges.check_swap_still_on(rec)


def test_pageout_rss_fell(rec):
    judges.need(rec, "pageout")
    judges.check_paged_out(rec, "pageout")


def test_pageout_swap_rose(rec):
    judges.need(rec, "pageout")
    judges.check_swapped(rec, "pageout")


@pytest.mark.parametrize("group,name", judges.SOCKETS,
                         ids=["%s-%s" % x for x in judges.SOCKETS])
def test_socket_signals(rec, group, name):
    judges.check_socket_signal(rec, group, name)


# ------------------------------------------------------------ the checks can fail

@pytest.mark.parametrize("mutation", sorted(judges.MUTATIONS))
def test_checks_fail_under_another_shape(rec, mutation):
    """Each group judged under another's expectations must fail: the
    checks above can fail on these very readings."""
    group, judge = judges.MUTATIONS[mutation]
    judges.need(rec, group)
    try:
        with figures.muted():
            judge(rec)
    except AssertionError as e:
        print("%s fails as it must: %s" % (mutation, str(e).split("\n")[0][:200]))
    else:
        pytest.fail("%s: %s judged under another shape's expectations passed: "
                    "these checks cannot tell the two apart" % (mutation, group))


__all__ = [n for n in dir() if n.startswith("test_")]
