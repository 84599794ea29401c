"""loadrun.py - run smaps.plugin on its stdin/stdout as Netdata does, write
function calls to it, and time what comes back: every line with the
monotonic time its last byte arrived, so that gaps between updates and
answers can be measured. Shared by test_load.py and test_clock.py."""

import os
import select
import subprocess
import time


class Run:
    def __init__(self, argv, env=None):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=env)
        os.set_blocking(self.p.stdin.fileno(), False)
        self.t0 = time.monotonic()
        self.lines = []          # (t, bytes)
        self.partial = b""
        self.pending = b""       # bytes of calls not yet taken by the pipe
        self.err = b""
        self._results = []       # (t, transaction, status)

    def send(self, data):
        self.pending += data
        self._write()

    def _write(self):
        if not self.pending:
            return
        try:
            n = os.write(self.p.stdin.fileno(), self.pending)
            self.pending = self.pending[n:]
        except BlockingIOError:
            pass

    def read_for(self, seconds, until=None):
        """Read for `seconds`, or until until(self) is true."""
        end = time.monotonic() + seconds
        out, err = self.p.stdout.fileno(), self.p.stderr.fileno()
        while time.monotonic() < end and not (until and until(self)):
            wfd = [self.p.stdin.fileno()] if self.pending else []
            r, w, _ = select.select([out, err], wfd, [], 0.05)
            if w:
                self._write()
            for fd in r:
                chunk = os.read(fd, 1 << 20)
                if fd == err:
                    self.err += chunk
                    continue
                if not chunk:
                    return
                t = time.monotonic() - self.t0
                data = self.partial + chunk
                *whole, self.partial = data.split(b"\n")
                self.lines.extend((t, l) for l in whole)
                for l in whole:
                    if l.startswith(b"FUNCTION_RESULT_BEGIN "):
                        w = l.split()
                        self._results.append((t, w[1].decode(), int(w[2])))

    def stop(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait()
        self.err += self.p.stderr.read()

    # What came back.
    def results(self):
        """(t, transaction, status) of every FUNCTION_RESULT_BEGIN."""
        return list(self._results)

    def begins(self, chart=b"netdata.smaps_reads"):
        return [t for t, l in self.lines
                if l.startswith(b"BEGIN " + chart + b" ") or
                l == b"BEGIN " + chart]

    def max_gap(self, start=0.0, chart=b"netdata.smaps_reads"):
        ts = [t for t in self.begins(chart) if t >= start]
        ends = ts + [time.monotonic() - self.t0]
        return max((b - a for a, b in zip(ends, ends[1:])), default=None)

    def error_lines(self):
        return [l for l in self.err.decode("utf-8", "replace").splitlines()
                if " ERROR " in l]


def calls(n, fn, prefix="tx"):
    return b"".join(b'FUNCTION %s-%d 10 "%s"\n' % (prefix.encode(), i,
                                                   fn.encode())
                    for i in range(n))
