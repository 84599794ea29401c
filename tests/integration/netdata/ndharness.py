"""ndharness.py - a real Netdata (Debian's netdata 1.37.1, or the 2.x that
NETDATA names, e.g. a source build of v2.10.4) for tests: the
daemon in a temp dir with every other plugin off, its API on 127.0.0.1 on a
free port, smaps.plugin alone in its plugins directory, the stock
smaps_groups.conf and a health.d/smaps.conf in its stock config, the test's
groups in its user config. Used by the pytest suites (through
conftest.py and ndfixtures.py here, tests/streaming/conftest.py) and by
tests/scenarios/conftest.py (netdata scenarios and shapes); the caller
stops what it started (stop()), also on failure."""

import getpass
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
PKG = os.path.join(ROOT, "packaging", "netdata")
NETDATA = os.environ.get("NETDATA", "/usr/sbin/netdata")


def netdata_major():
    """The daemon's major version, from `netdata -v` ("netdata v2.10.4",
    "netdata v1.37.1")."""
    out = subprocess.run([NETDATA, "-v"], capture_output=True, text=True,
                         timeout=30).stdout
    m = re.search(r"v(\d+)\.", out)
    return int(m.group(1)) if m else 1


MAJOR = netdata_major()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup_dirs(tmp, port, plugin, groups, options="--libs --full-interval 0",
               health=None):
    """The temp tree and netdata.conf (its path). groups: the user
    smaps_groups.conf text; health: the health.d/smaps.conf text (None:
    the shipped file as it is)."""
    for d in ("etc/health.d", "stock/health.d", "log", "cache", "lib",
              "plugins", "registry"):
        os.makedirs(os.path.join(tmp, d))
    shutil.copy(plugin, os.path.join(tmp, "plugins", "smaps.plugin"))
    shutil.copy(os.path.join(PKG, "smaps_groups.conf"), os.path.join(tmp, "stock"))
    target = os.path.join(tmp, "stock", "health.d", "smaps.conf")
    if health is None:
        shutil.copy(os.path.join(PKG, "health.d", "smaps.conf"), target)
    else:
        open(target, "w").write(health)
    open(os.path.join(tmp, "etc", "smaps_groups.conf"), "w").write(groups)
    open(os.path.join(tmp, "etc", ".opt-out-from-anonymous-statistics"), "w")
    template = "netdata2.conf.in" if MAJOR >= 2 else "netdata.conf.in"
    conf = open(os.path.join(HERE, template)).read()
    conf = conf.replace("@TMP@", tmp).replace("@PORT@", str(port))
    conf = conf.replace("@USER@", getpass.getuser()).replace("@OPTIONS@", options)
    path = os.path.join(tmp, "etc", "netdata.conf")
    open(path, "w").write(conf)
    return path


def get_raw(port, path):
    url = "http://127.0.0.1:%d%s" % (port, path)
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.read()


def get(port, path):
    return json.loads(get_raw(port, path))


def wait_charts(port, want, seconds):
    """/api/v1/charts' charts once every chart of want is there, or {}."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            charts = get(port, "/api/v1/charts")["charts"]
            if all(c in charts for c in want):
                return charts
        except (OSError, ValueError):
            pass
        time.sleep(0.5)
    return {}


def start(cmd, **kw):
    return subprocess.Popen(cmd, start_new_session=True, **kw)


def start_netdata(tmp, conf):
    log = open(os.path.join(tmp, "log", "netdata.out"), "w")
    env = dict(os.environ, DISABLE_TELEMETRY="1")
    return start([NETDATA, "-D", "-c", conf], stdout=log, stderr=log, env=env)


def stop(p, timeout=10):
    if p.poll() is None:
        p.terminate()      # netdata stops its plugins itself
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    try:
        os.killpg(p.pid, signal.SIGKILL)   # leftovers of its process group
    except ProcessLookupError:
        pass


def log_problems(tmp):
    """(problems, started): Netdata's error.log lines about the plugin
    while it ran (parser complaints, sanitizer reports), and whether the
    plugin's own start line reached it in Netdata's format."""
    lines = open(os.path.join(tmp, "log", "error.log"),
                 errors="replace").read().split("\n")
    run = lines[:next((i for i, l in enumerate(lines) if "EXIT:" in l),
                      len(lines))]
    bad = [l for l in run if ("PLUGINSD" in l and "ERROR" in l)
           or "Sanitizer" in l or "runtime error:" in l]
    started = any("smaps.plugin INFO  : MAIN : smaps.plugin " in l for l in run)
    return bad, started


def dump_log(tmp):
    err = os.path.join(tmp, "log", "error.log")
    if os.path.exists(err):
        print("--- netdata error.log (smaps lines):")
        for line in open(err, errors="replace"):
            if "smaps" in line or "PLUGINSD" in line:
                print(line.rstrip()[:300])


def texts_differ(sent, stored):
    """(texts compared, [(chart, what, sent, stored)...]): each smaps
    chart's title, units, family, context and dimension names as the
    plugin sent them (sent: tests/protocol/pluginsd.py's charts) against a
    daemon's /api/v1/charts (stored)."""
    differ, n = [], 0
    for cid, ch in sent.items():
        if not cid.startswith("smaps."):
            continue
        w, got = ch["words"], stored.get(cid, {})
        want = {"title": w[3], "units": w[4], "family": w[5], "context": w[6]}
        # 1.37's /api/v1/charts shows a title with " (ID)" after it
        if got.get("title") == "%s (%s)" % (w[3].decode(), cid):
            got = dict(got, title=w[3].decode())
        for k, v in want.items():
            n += 1
            if got.get(k) != v.decode():
                differ.append((cid, k, v.decode(), got.get(k)))
        names = {i: d.get("name") for i, d in got.get("dimensions", {}).items()}
        for dim, dw in ch["dims"].items():
            n += 1
            name = (dw[2] or dw[1]).decode()
            if names.get(dim) != name:
                differ.append((cid, dim, name, names.get(dim)))
    return n, differ


def short_health(every="1s", lookup="-2s"):
    """(text, changed): the shipped health.d/smaps.conf with every `every:`
    and the lookups' durations shortened for a test run in seconds, and
    the (shipped, test) pairs of lines that differ, for the caller to
    check that nothing else did."""
    import re
    shipped = open(os.path.join(PKG, "health.d", "smaps.conf")).read()
    text = re.sub(r"(?m)^(\s*every:\s*)\S+", r"\g<1>" + every, shipped)
    text = re.sub(r"(?m)^(\s*lookup:\s*\S+\s+)-\S+", r"\g<1>" + lookup, text)
    changed = [(a, b) for a, b in zip(shipped.split("\n"), text.split("\n"))
               if a != b]
    return text, changed
