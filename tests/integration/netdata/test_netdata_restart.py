#!/usr/bin/env python3
"""test_netdata_restart.py PLUGIN - smaps.plugin under the real Netdata
(ndharness.py): SIGHUP, SIGINT and SIGQUIT sent to the running plugin end
it with exit 0, and Netdata starts it again (issue 18, defect 19): a new
plugin process, the charts updated again, and no "Disabling it" in
error.log (killed by a signal but SIGTERM, Netdata 1.37.1 disables a
plugin). About 25 s."""

import os
import re
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ndharness import (free_port, setup_dirs, start_netdata, stop,  # noqa: E402
                       wait_charts, dump_log)

PLUGIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/smaps.plugin")
passed = failed = 0


def ok(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)
    return cond


def plugin_pids(tmp):
    """The plugin processes Netdata started. A task whose parent is itself
    the plugin is left out: under ASan, LeakSanitizer's tracer at exit is
    such a task (clone() without CLONE_THREAD, so it has its own /proc
    entry and the same exe), and taking it for Netdata's restart made the
    test see two plugins (CI, 2026-12-01)."""
    exe, found = os.path.join(tmp, "plugins", "smaps.plugin"), {}
    for d in os.listdir("/proc"):
        try:
            if d.isdigit() and os.readlink("/proc/%s/exe" % d) == exe:
                with open("/proc/%s/status" % d) as f:
                    ppid = re.search(r"^PPid:\s*(\d+)", f.read(), re.M)
                found[int(d)] = int(ppid.group(1))
        except (OSError, AttributeError):
            pass
    return sorted(p for p, ppid in found.items() if ppid not in found)


def starts(tmp):
    """How many times the plugin has logged its start line."""
    try:
        with open(os.path.join(tmp, "log", "error.log"), errors="replace") as f:
            return f.read().count("smaps.plugin INFO  : MAIN : smaps.plugin ")
    except OSError:
        return 0


def wait_for(cond, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.2)
    return None


def run(tmp):
    port = free_port()
    conf = setup_dirs(tmp, port, PLUGIN, "self: smaps.plugin\n",
                      options="--full-interval 60")
    nd = start_netdata(tmp, conf)
    try:
        ok(wait_charts(port, ["smaps.self_processes"], 30),
           "netdata serves our charts")
        for i, sig in enumerate((signal.SIGHUP, signal.SIGINT, signal.SIGQUIT)):
            pids = wait_for(lambda: plugin_pids(tmp), 20) or []
            if not ok(len(pids) == 1, "%s: one plugin running: %r"
                      % (sig.name, pids)):
                return
            # Its start line is logged after its handlers are set: a
            # signal before that kills it (under ASan on a loaded machine
            # the restarted plugin took that long, and SIGQUIT killed it).
            ok(wait_for(lambda: starts(tmp) > i, 20),
               "%s: the plugin logged its start (%d starts)"
               % (sig.name, starts(tmp)))
            os.kill(pids[0], sig)
            again = wait_for(lambda: [p for p in plugin_pids(tmp)
                                      if p != pids[0]], 15)
            ok(again, "%s: Netdata started the plugin again" % sig.name)
        time.sleep(1)
        # the log while it ran (Netdata's own stop kills the plugin)
        log = open(os.path.join(tmp, "log", "error.log"),
                   errors="replace").read()
    finally:
        stop(nd)
    lines = [l for l in log.splitlines() if "smaps" in l]
    ok(not any("isabling" in l for l in lines),
       "no 'Disabling it' in error.log: %r"
       % [l for l in lines if "isabling" in l][:2])
    n = sum("exiting (Netdata starts the plugin again)" in l for l in lines)
    ok(n == 3, "the plugin's exit line reached error.log 3 times (%d)" % n)
    n = sum("successful data collections" in l for l in lines)
    ok(n == 3, "each run collected before the signal (%d)" % n)
    n = sum("smaps.plugin INFO  : MAIN : smaps.plugin " in l for l in lines)
    ok(n == 4, "the plugin started 4 times (%d)" % n)


def main():
    t0 = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="smaps-netdata-restart-")
    try:
        run(tmp)
    finally:
        if failed:
            dump_log(tmp)
        shutil.rmtree(tmp, ignore_errors=True)
    print("netdata restart: %d passed, %d failed (%.0f s)"
          % (passed, failed, time.monotonic() - t0))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
