"""tally.py - the pass/fail count every test suite keeps, in one place.

    sys.path.insert(0, os.path.join(HERE, "..", "lib"))   # from tests/X/
    from tally import Tally
    T = Tally()                    # verbose: a line per check
    T.check("name", cond, "detail shown either way")
    T.ok(cond, "name")             # the same, condition first
    sys.exit(T.summary("suite", seconds))

A check prints "ok   - NAME (DETAIL)" (verbose suites) or nothing, and
"FAIL - NAME: DETAIL"; a skip "SKIP - NAME: WHY"; an info line "     # ...".
Every line is flushed at once (suites run for minutes, beside daemons).
Thread-safe: suites check from several threads. New suites are written
for pytest (tests/cli/test_hostile_perms.py, tests/report/): plain
asserts, no tally.
"""
import sys
import threading


class Tally:
    def __init__(self, verbose=True, out=None):
        self.verbose = verbose
        self.out = out
        self.passed = 0
        self.failed = 0
        self.failures = []       # names of the failed checks, in order
        self.lock = threading.Lock()

    def _print(self, line):
        f = self.out or sys.stdout
        f.write(line + "\n")
        f.flush()

    def check(self, name, cond, detail=""):
        """Count cond as a pass or a failure; returns cond."""
        with self.lock:
            if cond:
                self.passed += 1
                if self.verbose:
                    self._print("ok   - %s%s" % (
                        name, " (%s)" % detail if detail else ""))
            else:
                self.failed += 1
                self.failures.append(name)
                self._print("FAIL - %s%s" % (
                    name, ": %s" % detail if detail else ""))
        return cond

    def ok(self, cond, what, detail=""):
        """check() with the condition first."""
        return self.check(what, cond, detail)

    def skip(self, name, why=""):
        with self.lock:
            self._print("SKIP - %s%s" % (name, ": %s" % why if why else ""))

    def info(self, msg):
        with self.lock:
            self._print("     # %s" % msg)

    def summary(self, label=None, seconds=None):
        """Print "LABEL: N passed, N failed (S s)"; the exit status."""
        line = "%d passed, %d failed" % (self.passed, self.failed)
        if seconds is not None:
            line += " (%.0f s)" % seconds
        self._print("%s: %s" % (label, line) if label else line)
        return 1 if self.failed else 0
