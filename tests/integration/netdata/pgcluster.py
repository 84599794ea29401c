"""pgcluster.py - a real PostgreSQL 15 (Debian's) for the Netdata tests: a
cluster in a temp dir, as user postgres, on a unix socket only, named so
that every one of its processes' command lines says it (the group
pattern), and sessions kept open that have read the same tables through
shared buffers, so that each of their backends maps those pages: Rss
summed over the processes counts them once per process, Pss once."""

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from pgwait import pg_wait_ready  # noqa: E402

PGBIN = os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")
AS_PG = dict(user="postgres", group="postgres", extra_groups=[])


def available():
    return os.path.exists(os.path.join(PGBIN, "postgres")) and os.geteuid() == 0


class Cluster:
    def __init__(self, tmp, name, shared_buffers="128MB"):
        self.name, self.procs, self.sessions = name, [], []
        # the name only in cluster_name: a psql's command line (its
        # socket path) must not make it a member
        self.data = os.path.join(tmp, "pgdata")
        self.sock = os.path.join(tmp, "pgsock")
        self.shared_buffers = shared_buffers
        for d in (self.data, self.sock):
            os.makedirs(d)
            shutil.chown(d, "postgres", "postgres")
        os.chmod(tmp, 0o755)
        self.tmp = tmp

    def start(self, timeout=30):
        """initdb and postgres; the error text, or None when it is up."""
        r = subprocess.run([os.path.join(PGBIN, "initdb"), "-D", self.data,
                            "-A", "trust", "--no-sync", "-U", "postgres"],
                           capture_output=True, text=True, cwd=self.tmp, **AS_PG)
        if r.returncode:
            return "initdb: " + r.stderr[-300:]
        log = open(os.path.join(self.tmp, "pg-%s.log" % self.name), "w")
        self.procs.append(subprocess.Popen(
            [os.path.join(PGBIN, "postgres"), "-D", self.data, "-k", self.sock,
             "-c", "listen_addresses=", "-c", "cluster_name=" + self.name,
             "-c", "shared_buffers=" + self.shared_buffers, "-c", "fsync=off"],
            stdout=log, stderr=log, cwd=self.tmp, start_new_session=True, **AS_PG))
        if pg_wait_ready(PGBIN, self.sock, timeout):
            return None
        return "not accepting connections after %d s" % timeout

    def psql(self, sql):
        r = subprocess.run([os.path.join(PGBIN, "psql"), "-X", "-q", "-h", self.sock, "-U", "postgres",
                            "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql],
                           capture_output=True, text=True, cwd=self.tmp, **AS_PG)
        return r.returncode, r.stdout + r.stderr

    def fill(self, tables=3, rows=50000):
        """Tables of about 28 MB each: under a quarter of 128 MB of shared
        buffers, so a sequential scan reads them into shared buffers (a
        larger one goes through a small ring)."""
        for t in range(tables):
            rc, out = self.psql("CREATE TABLE t%d AS SELECT g, repeat('x', 500) "
                                "AS pad FROM generate_series(1, %d) g" % (t, rows))
            if rc:
                return out
        return None

    def open_sessions(self, n, tables=3):
        """n psql sessions, each scanning every table, then left open (idle
        backends that have mapped those buffers). None, or the error."""
        sql = "".join("SELECT count(*) FROM t%d;\n" % t for t in range(tables))
        psql = os.path.join(PGBIN, "psql")
        for _ in range(n):
            p = subprocess.Popen([psql, "-X", "-q", "-h", self.sock, "-U", "postgres",
                                  "-d", "postgres"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True, cwd=self.tmp, start_new_session=True,
                                 **AS_PG)
            self.sessions.append(p)
            p.stdin.write(sql + "SELECT 'scanned';\n")
            p.stdin.flush()
        for p in self.sessions:
            line = ""
            while "scanned" not in line:
                line = p.stdout.readline()
                if not line:
                    return "a session ended before its scans"
        return None

    def stop(self):
        for p in self.sessions:
            try:
                p.stdin.close()
            except OSError:
                pass
            p.kill()
            p.wait()
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(2)    # SIGINT: postgres' fast shutdown
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
