"""The churn soak's fixtures: the configurations to run (SOAK_CONFIGS,
space-separated, default all of soakrun.CONFIGS but netdata-plain) for
SOAK_SECONDS each (180); one run per configuration, one at a time (a lock
refuses a second soak on the machine), each bounded by a watchdog, its
figures printed. The tests (test_soak.py) read what it recorded.

Environment: BUILD (build), ASAN_BUILD (build/asan), CHURN
(BUILD/soak/churn), SOAK_TMP (kept if set; else a temp dir per
configuration, removed when its tests passed, kept and named otherwise),
SOAK_QUARANTINE_MB (soakrun.quarantine_mb)."""

import fcntl
import functools
import os
import shutil
import signal
import sys
import tempfile

import pytest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import soakjudge  # noqa: E402
import soakrun  # noqa: E402

DEFAULT = [c for c in soakrun.CONFIGS if c != "netdata-plain"]
BUILD = os.environ.get("BUILD", "build")
ASAN_BUILD = os.environ.get("ASAN_BUILD", "build/asan")
CHURN = os.environ.get("CHURN", os.path.join(BUILD, "soak", "churn"))
# Valgrind's shutdown and leak check take a while after the run.
SLACK = 300
FAILED = set()      # configurations with a failed test


class SoakTimeout(Exception):
    pass


def seconds():
    return float(os.environ.get("SOAK_SECONDS", "180"))


@functools.lru_cache(maxsize=None)
def configs():
    """The same string objects each call: pytest tells a session-scoped
    parameter's value changed by identity (is), and a changed one runs
    its configuration again."""
    names = os.environ.get("SOAK_CONFIGS", "").split() or DEFAULT
    bad = [c for c in names if c not in soakrun.CONFIGS]
    if bad:
        raise pytest.UsageError("SOAK_CONFIGS: unknown %s (known: %s)"
                                % (" ".join(bad), " ".join(soakrun.CONFIGS)))
    return tuple(names)


def on_signal(sig, _frame):
    # timeout(1) or a hangup: the run's finally kills what it started.
    raise KeyboardInterrupt("signal %d" % sig)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "soak_for(*words): only the configurations whose name "
        "has all these words (netdata, collectd, valgrind, asan, massif)")
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)


def pytest_generate_tests(metafunc):
    """Each test, once per selected configuration it applies to, grouped by
    configuration (session scope: one run each, in SOAK_CONFIGS' order)."""
    if "soak_config" not in metafunc.fixturenames:
        return
    words = [w for m in metafunc.definition.iter_markers("soak_for")
             for w in m.args]
    chosen = [c for c in configs() if all(w in c.split("-") for w in words)]
    if not chosen:
        chosen = [pytest.param(None, id="none", marks=pytest.mark.skip(
            reason="no %s configuration in SOAK_CONFIGS" % "-".join(words)))]
    metafunc.parametrize("soak_config", chosen, scope="session")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """One configuration's tests together, in SOAK_CONFIGS' order, each
    in the file's order (after pytest's own reordering, which interleaves
    them): a session-scoped parameter that changes back would run its
    configuration again."""
    order = configs()

    def key(item):
        c = getattr(item, "callspec", None)
        c = c.params.get("soak_config") if c else None
        return (order.index(c) if c in order else len(order),
                item.location[1], item.name)
    items.sort(key=key)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    rep = (yield).get_result()
    cs = getattr(item, "callspec", None)
    if rep.failed and cs is not None:
        FAILED.add(cs.params.get("soak_config"))


@pytest.fixture(scope="session")
def soak_lock():
    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), "smapwatch-soak.lock")
    with open(path, "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pytest.fail("another soak is running (%s)" % path)
        yield


def on_alarm(_sig, _frame):
    raise SoakTimeout("the run took more than SOAK_SECONDS + %d s" % SLACK)


@pytest.fixture(scope="session")
def soak(soak_config, soak_lock):
    """Runs soak_config (soakrun.run) and gives its Record."""
    keep = "SOAK_TMP" in os.environ
    if keep:
        tmp = os.path.join(os.environ["SOAK_TMP"], soak_config)
        os.makedirs(tmp, exist_ok=True)
    else:
        tmp = tempfile.mkdtemp(prefix="soak-")
    s = seconds()
    say("soak %s, %.0f s, in %s" % (soak_config, s, tmp))
    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(int(s) + SLACK)
    try:
        rec = soakrun.run(soak_config, s, tmp, BUILD, ASAN_BUILD, CHURN)
    except BaseException:
        say("kept: %s" % tmp)
        raise
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    show(rec)
    yield rec
    if soak_config in FAILED or keep:
        say("kept: %s" % tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)


def say(line):
    """A line of the run's figures, starting its line (test_soak.say)."""
    print("\n# " + line, end="", flush=True)


def show(rec):
    """The run's figures, as engineers quote them (docs/contributing.md,
    "Soak")."""
    say("churn: " + " ".join("%s=%s" % kv for kv in rec.churn.items()))
    say("RSS KiB samples: " + " ".join(str(s.rss) for s in rec.samples))
    say("fds held: " + " ".join(str(s.n_held) for s in rec.samples))
    say("fds open: " + " ".join(str(s.n_open) for s in rec.samples))
    say("transient fds: " + (" ".join(soakjudge.transient(rec.samples)) or "none"))
    if rec.netdata:
        say("plugin stdout: %d bytes read" % rec.stdout_bytes)
        say("update cycles (BEGIN smaps.alpha_pss): %d" % rec.cycles)
    else:
        say("csv plugin instances: %s" % " ".join(rec.csv_dirs))
        say("read cycles (rows of smaps-sw-alpha/ps_count): %d" % rec.cycles)
    say("exit: %s" % rec.rc)
    extra = show_tool(rec)
    second, last = soakjudge.thirds(rec.samples, rec.seconds)
    r = f = {}
    if second and len(last) >= 2:
        r = soakjudge.rss(rec.samples, rec.seconds)
        f = soakjudge.fds(rec.samples, rec.seconds)
    c = rec.churn
    say("figures: config=%s seconds=%.0f started=%s reused=%s burned=%s "
        "rss_kib=%s->%s fds=%s->%s cycles=%s%s" % (
            rec.config, rec.seconds, c.get("started"), c.get("reused"),
            c.get("burned"), r.get("rss2"), r.get("rss3"), f.get("fd2"),
            f.get("fd3"), rec.cycles, extra))


def show_tool(rec):
    """valgrind's, the sanitizers' or massif's summary; massif's floors
    for the figures line."""
    if rec.tool == "valgrind" and os.path.exists(rec.vglog):
        err, lost, ind, ours = soakjudge.valgrind_log(rec.vglog)
        say("valgrind: ERROR SUMMARY %s, definitely lost %s, indirectly lost "
            "%s; records through our code: %d" % (err, lost, ind, len(ours)))
    elif rec.tool == "asan":
        allr, ours = soakjudge.asan_reports(rec.sandir)
        say("ASan/LSan reports in all: %d (through our plugin: %d)"
            % (len(allr), len(ours)))
    elif rec.tool == "massif" and os.path.exists(rec.massif_out):
        snaps = soakjudge.massif_snapshots(rec.massif_out)
        say("massif snapshots (s, heap B, ours B): " + " ".join(
            "%.0f:%d:%d" % x for x in snaps))
        second, last = soakjudge.massif_thirds(snaps, rec.seconds)
        if second and last:
            return " heap_b=%d->%d ours_b=%d->%d" % (
                min(x[1] for x in second), min(x[1] for x in last),
                min(x[2] for x in second), min(x[2] for x in last))
    return ""
