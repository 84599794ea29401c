"""judges.py - the judges of the leak shapes (shapes.py's SHAPES): each
check_* judges one subject of one group of a Record at every reading it
covers, prints its figures (figures.info) and asserts, the message naming
the failing readings as (t, value); the tests' parameters and the
mutations (a group judged under another's expectations) made from SHAPES.
Used by shapes_tests.py."""
import pytest

from figures import info
from shapes import (CATS, JUDGE_FROM, MIB, NO_SWAP, PG, RUN, SHAPES, SWAP,
                    WARN)


class Record:
    """What a test module's fixture recorded of its daemon's run:
    readings {group: {signal: [(t, value)]}}, alarms [(t, group, name,
    status)], the Truth, the groups run; pgbench and the swap file as
    this run left them. notes: the daemon's own figures (printed)."""

    def __init__(self, readings, alarms, truth, groups, notes=()):
        self.readings, self.alarms, self.truth = readings, alarms, truth
        self.groups, self.notes = groups, list(notes)
        self.bench, self.swap = PG.get("bench"), SWAP.get("path")

    def series(self, group, sig):
        return self.readings.get(group, {}).get(sig, [])

    def values(self, group, sig, since=0):
        return [v for t, v in self.series(group, sig) if t >= since]


def fmt(xs, n=8):
    xs = ["%.0f" % x for x in xs]
    return "[%s%s]" % (" ".join(xs[:n]), " ..." if len(xs) > n else "")


def span(xs):
    """", min M, max N" of a list of figures, or ""."""
    return ", min %.0f, max %.0f" % (min(xs), max(xs)) if xs else ""


# Each check_* judges one subject of one group at every reading it covers:
# it prints its figures and asserts, the message naming the failing
# readings as (t, value). spec: another group's expectations (mutations).

def check_readings_from_start(rec, group, spec=None):
    cat = (spec or SHAPES[group])["leak"][0]
    every = rec.series(group, "leak_rate." + cat)
    assert len(every) >= RUN * 0.8 and every[0][0] < 5, (
        "%s: leak_rate.%s has a reading every second from the start, 0 while "
        "the window fills (%d readings, first at %s s)"
        % (group, cat, len(every), round(every[0][0]) if every else None))


def story(rec, group, cat):
    """The whole story of a failed rate, for whoever fixes it: t s,
    leak_rate / growth kB/s, steadiness %."""
    growth = dict(rec.series(group, "growth." + cat))
    steady = dict(rec.series(group, "steady." + cat))
    return "%s: t: leak_rate/growth kB/s, steady %%: %s" % (group, " ".join(
        "%d:%.0f/%s/%s" % (t, v / 1000,
                           "%.0f" % (growth[t] / 1000) if t in growth else "-",
                           "%.0f" % steady[t] if t in steady else "-")
        for t, v in rec.series(group, "leak_rate." + cat)))


def check_leak_rate(rec, group, spec=None):
    """The leak in its category within tol of the truth at every reading
    from JUDGE_FROM."""
    cat, rate, tol = (spec or SHAPES[group])["leak"]
    rate = rate or rec.truth.rate(group)
    assert rate, "%s: a true rate measured (%r)" % (group, rate)
    every = rec.series(group, "leak_rate." + cat)
    lr = rec.values(group, "leak_rate." + cat, JUDGE_FROM)
    info("%s: leak_rate.%s from %d s %s B/s (true %.0f)%s"
          % (group, cat, JUDGE_FROM, fmt(lr), rate, span(lr)))
    bad = [(round(t), round(v)) for t, v in every
           if t >= JUDGE_FROM and abs(v - rate) > tol * rate]
    if bad:
        info(story(rec, group, cat))
    assert len(lr) >= (RUN - JUDGE_FROM) * 0.8 and not bad, (
        "%s: leak_rate.%s within %d%% of %.0f B/s at every reading from %d s "
        "(%d readings): (t, got) %r%s" % (
            group, cat, tol * 100, rate, JUDGE_FROM, len(lr), bad[:8],
            "\n" + story(rec, group, cat) if bad else ""))


def check_other_rates_zero(rec, group, spec=None):
    """Every other category's leak_rate (or spec's zero ones) 0 at every
    reading, from the first."""
    spec = spec or SHAPES[group]
    cat = spec["leak"][0]
    failed = []
    for c in spec.get("zero") or [c for c in CATS if c != cat]:
        bad = [(round(t), v) for t, v in rec.series(group, "leak_rate." + c) if v != 0]
        if not rec.series(group, "leak_rate." + c) or bad:
            failed.append("%s: leak_rate.%s 0 at every reading: (t, got) %s"
                          % (group, c, bad[:8]))
    assert not failed, "; ".join(failed)


def check_alarm_critical(rec, group, spec=None):
    cat = (spec or SHAPES[group])["leak"][0]
    crit = [round(t) for t, g, n, s in rec.alarms
            if g == group and n == "leak_" + cat and s == "CRITICAL"]
    info("%s: leak_%s CRITICAL from %s s" % (group, cat, crit[:1]))
    assert crit, "%s: the shipped alarm on leak_rate.%s went CRITICAL (%s)" % (
        group, cat, crit[:1])


def judge_leaker(rec, group, spec=None):
    for check in (check_readings_from_start, check_leak_rate,
                  check_other_rates_zero, check_alarm_critical):
        check(rec, group, spec)


def check_quiet_rates(rec, group):
    sigs = {k: v for k, v in rec.readings.get(group, {}).items()
            if k.startswith("leak_rate.")}
    n = max((len(v) for v in sigs.values()), default=0)
    bad = [(k, round(t), v) for k, vs in sigs.items() for t, v in vs if v != 0]
    info("%s: %d leak_rate readings of %d signals, non-zero: %r"
          % (group, n, len(sigs), bad[:3]))
    assert len(sigs) == len(CATS) + 1 and n >= RUN * 0.8 and not bad, (
        "%s: every leak_rate 0 at every reading (%d signals, %d readings): "
        "(signal, t, got) %r" % (group, len(sigs), n, bad[:5]))


def check_quiet_alarms(rec, group):
    loud = [(round(t), n, s) for t, g, n, s in rec.alarms if g == group]
    assert not loud, "%s: no leak alarm, ever: (t, alarm, status) %r" % (group, loud[:5])


def judge_quiet(rec, group):
    check_quiet_rates(rec, group)
    check_quiet_alarms(rec, group)


def check_flat(rec, group, cat, bound):
    """growth.CAT (the floor slope) within +-bound at every reading from
    JUDGE_FROM."""
    worst = {c: max((abs(v) for v in rec.values(group, "growth." + c, JUDGE_FROM)),
                    default=None) for c in CATS}
    info("%s: largest |growth| per category from %d s: %r"
          % (group, JUDGE_FROM, {c: round(v) for c, v in worst.items() if v}))
    rows = [(t, v) for t, v in rec.series(group, "growth." + cat) if t >= JUDGE_FROM]
    own = [rec.truth.slope_at(group, t) for t, _ in rows]
    info("%s: growth.%s from %d s %s B/s%s" % (
        group, cat, JUDGE_FROM, fmt([v for _, v in rows]),
        "" if None in own else ", the test's own least-squares slope %s" % fmt(own)))
    bad = [(round(t), round(v)) for t, v in rows if abs(v) > bound]
    assert len(rows) >= (RUN - JUDGE_FROM) * 0.8 and not bad, (
        "%s: growth.%s within +-%.0f B/s at every reading from %d s (%d "
        "readings): (t, got) %r" % (group, cat, bound, JUDGE_FROM, len(rows), bad[:6]))


def check_swing(rec, group):
    """The shape is real: the process's Rss, read by the test 5 times a
    second, really moved."""
    cat, least = SHAPES[group]["swing"]
    moved = rec.truth.sampler.fast.moved(group)
    info("%s: its Rss swung %.1f MiB" % (group, moved / MIB))
    assert moved >= least, "%s: its Rss really swung (%.1f MiB read by the " \
        "test 5 times a second, at least %.1f)" % (group, moved / MIB, least / MIB)


def check_holds(rec, group):
    cat, least = SHAPES[group]["holds"]
    top = max(rec.values(group, "rss." + cat), default=0)
    info("%s: its %s reached %.1f MiB" % (group, cat, top / MIB))
    assert top >= least, "%s: its %s reached %.1f MiB (at least %.1f)" % (
        group, cat, top / MIB, least / MIB)


def check_swap_still_on(rec):
    on = rec.swap and rec.swap in open("/proc/swaps").read()
    assert on, "the test's swap file is still on at the end (%s): if not, " \
        "something else switched it off during the run" % rec.swap


def pageout_figures(rec, group):
    rss = rec.values(group, "rss.anon", JUDGE_FROM)
    swap = rec.values(group, "swap.anon", JUDGE_FROM)
    info("%s: rss.anon %.1f -> %.1f MiB, swap.anon %.1f -> %.1f MiB while judged"
          % (group, rss[0] / MIB if rss else -1, rss[-1] / MIB if rss else -1,
             swap[0] / MIB if swap else -1, swap[-1] / MIB if swap else -1))
    return rss, swap


def check_paged_out(rec, group):
    rss, _ = pageout_figures(rec, group)
    assert rss and rss[-1] < rss[0] - 8 * MIB, \
        "%s: its anon Rss fell by more than 8 MiB while judged: %s MiB" % (
            group, fmt([v / MIB for v in rss]))


def check_swapped(rec, group):
    _, swap = pageout_figures(rec, group)
    assert swap and swap[-1] > swap[0] + 16 * MIB, \
        "%s: its anon swap rose by more than 16 MiB while judged: %s MiB" % (
            group, fmt([v / MIB for v in swap]))


SOCKET_SIGNALS = {"memory_per_socket": "per_socket", "request_path_leak": "request_path"}


def check_socket_signal(rec, group, name, spec=None):
    """memory_per_socket or request_path_leak within 15% of the spec's
    figure, or 0 where the spec has none, at every reading from JUDGE_FROM."""
    spec = spec or SHAPES[group]
    rows = [(t, v) for t, v in rec.series(group, name) if t >= JUDGE_FROM]
    got = [v for _, v in rows]
    info("%s: %s from %d s %s%s" % (group, name, JUDGE_FROM, fmt(got), span(got)))
    want = spec.get(SOCKET_SIGNALS[name], 0)
    bad = [(round(t), round(v)) for t, v in rows
           if (abs(v - want) > 0.15 * want if want else v != 0)]
    assert len(got) >= (RUN - JUDGE_FROM) * 0.8 and not bad, (
        "%s: %s %s at every reading from %d s (%d readings): (t, got) %s"
        % (group, name, "within 15%% of %d" % want if want else "0",
           JUDGE_FROM, len(got), bad[:8]))


def check_pgbench(rec):
    assert rec.bench is not None and rec.bench.poll() is None, \
        "postgres: pgbench -C ran all along (exit %r): backends came and went" % (
            rec.bench and rec.bench.poll())


# ------------------------------------------------------------ parameters

# The tests' parameters, from SHAPES: every check above for every group
# it concerns.
FLAT = [(g, c, b) for g, s in SHAPES.items() for c, b in s.get("flat", {}).items()]
SWINGS = [g for g, s in SHAPES.items() if "swing" in s]
HOLDS = [g for g, s in SHAPES.items() if "holds" in s]
SOCKETS = [(g, n) for g, s in SHAPES.items() if "per_socket" in s or "request_path" in s
           for n in SOCKET_SIGNALS]

# Mutations: each group judged under another's expectations, which must
# then fail (the checks can fail): a leaker as a non-leaker and as flat,
# a non-leaker as its partner leaker, per-socket as request-path and back,
# a resident leak as a swapped one.
PARTNER = {"saw": "sawleak", "pool": "master", "sharedexit": "forkshare",
           "pysaw": "pyleak", "postgres": "master", "perconn": "reqpath",
           "reqpath": "perconn"}


def _mutations():
    out = {}
    for g, spec in SHAPES.items():
        if "leak" in spec:
            out["%s-as-quiet" % g] = (g, lambda rec, g=g: judge_quiet(rec, g))
            out["%s-as-flat" % g] = (g, lambda rec, g=g, c=spec["leak"][0]:
                                     check_flat(rec, g, c, WARN))
        if g in PARTNER:
            other = SHAPES[PARTNER[g]]
            if spec.get("quiet"):
                out["%s-as-%s" % (g, PARTNER[g])] = (
                    g, lambda rec, g=g, o=other: judge_leaker(rec, g, o))
            else:
                out["%s-as-%s" % (g, PARTNER[g])] = (
                    g, lambda rec, g=g, o=other: [check_socket_signal(rec, g, n, o)
                                                  for n in SOCKET_SIGNALS])
    out["forkshare-as-pageout"] = ("forkshare", lambda rec: (
        check_paged_out(rec, "forkshare"), check_swapped(rec, "forkshare")))
    return out


MUTATIONS = _mutations()


def need(rec, group):
    """Skips a group's test when the run has no such group: pageout
    without swap (NO_SWAP)."""
    if group not in rec.groups:
        pytest.skip(NO_SWAP if group == "pageout" else "%s was not run" % group)
