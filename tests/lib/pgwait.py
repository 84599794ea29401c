"""pgwait.py - wait until a PostgreSQL started by a test accepts
connections. Its socket appears before it does ("the database system is
starting up" until recovery ends); on a loaded machine that gap is long
enough to fail the first client."""

import os
import subprocess
import time


def pg_wait_ready(pgbin, sock, seconds):
    """True once the server on unix socket directory SOCK accepts
    connections (pg_isready exits 0), False after SECONDS."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if os.path.exists(os.path.join(sock, ".s.PGSQL.5432")) and \
                subprocess.run([os.path.join(pgbin, "pg_isready"), "-q",
                                "-h", sock, "-U", "postgres", "-t", "2"],
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL).returncode == 0:
            return True
        time.sleep(0.2)
    return False
