"""test_tally.py - the shared pass/fail tally (tally.py) counts, prints
and exits as the suites rely on."""
import io
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tally import Tally  # noqa: E402


def test_counts_and_lines():
    out = io.StringIO()
    t = Tally(out=out)
    assert t.check("one", True, "d1") is True
    assert t.ok(0, "two", "d2") == 0
    assert t.ok([], "three") == []
    t.skip("four", "why")
    t.info("five")
    assert (t.passed, t.failed, t.failures) == (1, 2, ["two", "three"])
    assert out.getvalue().splitlines() == [
        "ok   - one (d1)", "FAIL - two: d2", "FAIL - three",
        "SKIP - four: why", "     # five"]


def test_quiet_prints_failures_only():
    out = io.StringIO()
    t = Tally(verbose=False, out=out)
    t.ok(True, "passes")
    t.ok(False, "fails")
    assert out.getvalue() == "FAIL - fails\n"


def test_summary_is_the_exit_status():
    out = io.StringIO()
    t = Tally(out=out)
    t.ok(True, "a")
    assert t.summary("suite", 12.4) == 0
    t.ok(False, "b")
    assert t.summary() == 1
    assert out.getvalue().splitlines()[1:] == [
        "suite: 1 passed, 0 failed (12 s)", "FAIL - b", "1 passed, 1 failed"]


def test_threads_lose_no_count():
    t = Tally(out=io.StringIO())
    threads = [threading.Thread(target=lambda: [t.ok(i % 2, "x")
                                                for i in range(500)])
               for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert (t.passed, t.failed, len(t.failures)) == (2000, 2000, 2000)
