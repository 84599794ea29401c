"""figures.py - the figures a run measured (the old scripts' info lines:
"master: leak_rate.heap from 48 s [...] B/s (true 262144)"), printed by
the check that measured them and listed again, once each, at the end of
every run, passed or failed (conftest.py's pytest_terminal_summary): CI's
log of a passing run shows them."""
import contextlib

FIGURES = []
LOGS = []      # (title, text): a daemon's log after a failed test, listed last
_muted = [False]


def info(line):
    print(line)
    if not _muted[0] and line not in FIGURES:
        FIGURES.append(line)


@contextlib.contextmanager
def muted():
    """The figures of a judge run under another group's expectations are
    not this run's figures: printed, not listed."""
    _muted[0] = True
    try:
        yield
    finally:
        _muted[0] = False


def keep_log(title, dump, *args):
    """What dump(*args) prints (a daemon's log lines), listed at the end
    of the run: a fixture's teardown output is not shown otherwise."""
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        dump(*args)
    LOGS.append((title, out.getvalue()))
