"""pkgdaemons.py - the stock collectd and the stock Netdata run with the
installed packages (conftest.py's collectd_run and netdata_run fixtures):
each is started in a temp dir (Netdata on a free port of 127.0.0.1), read
until it shows our values, stopped, and what it showed is returned for the
tests to judge (test_collectd.py, test_netdata.py). Processes go through
pkgharness.start(), so the suite's teardown stops them in any case.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import types
import urllib.request

import pkgharness as h

COLLECTD_CONF = """\
# The packaged layout: PluginDir is Debian's, the smaps plugin comes from
# collectd-plugin-smaps and its configuration is the packaged example
# with one group uncommented: collectd itself.
Hostname "pkgtest"
FQDNLookup false
BaseDir "{d}"
PIDFile "{d}/collectd.pid"
PluginDir "/usr/lib/collectd"
TypesDB "/usr/share/collectd/types.db"
Interval 1
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "{d}/collectd.log"
</Plugin>
LoadPlugin csv
<Plugin csv>
  DataDir "{d}/csv"
</Plugin>
Include "{sc}"
Include "{ex}/smaps-threshold.conf"
"""

EXAMPLE_LINE = '  #Process "nginx"\n'


def csv_last(path):
    rows = [r for r in open(path).read().splitlines()[1:] if r]
    return float(rows[-1].split(",")[1]) if rows else None


def read_or_empty(path):
    return open(path, errors="replace").read() if os.path.exists(path) else ""


def run_collectd(tmp):
    """collectd with PluginDir /usr/lib/collectd and the packaged example
    configs, until its csv has the group's memory-total_rss."""
    d = os.path.join(tmp, "collectd")
    os.makedirs(d)
    conf = os.path.join(d, "collectd.conf")
    # As collectd-smaps(5) says to: a copy of the packaged example with one
    # line uncommented (collectd itself), since a second <Plugin smaps>
    # block is refused.
    example = open(h.EXAMPLES + "/smaps.conf").read()
    assert EXAMPLE_LINE in example, \
        "the packaged example has no %r line to uncomment" % EXAMPLE_LINE
    smaps_conf = os.path.join(d, "smaps.conf")
    open(smaps_conf, "w").write(example.replace(EXAMPLE_LINE,
                                                '  Process "collectd"\n'))
    open(conf, "w").write(COLLECTD_CONF.format(d=d, ex=h.EXAMPLES,
                                               sc=smaps_conf))
    r = types.SimpleNamespace()
    p = h.start(["collectd", "-f", "-C", conf], os.path.join(d, "stdout"))
    try:
        csv = os.path.join(d, "csv", "pkgtest", "smaps-collectd")

        def probe():
            f = [x for x in os.listdir(csv)
                 if x.startswith("memory-total_rss-")]
            v = csv_last(os.path.join(csv, f[0]))
            return v if v and v > 0 else None
        r.rss = h.wait_for(20, probe)
        r.log = read_or_empty(os.path.join(d, "collectd.log"))
        h.info("collectd: memory-total_rss of group collectd = %s" % r.rss)
        r.files = len(os.listdir(csv)) if os.path.isdir(csv) else 0
        h.info("collectd: %d smaps value files for the group" % r.files)
    finally:
        h.stop(p)
    r.stopped = p.poll() is not None
    return r


NETDATA_CONF = """\
[global]
	hostname = pkgtest
	run as user = netdata
	update every = 1
	process scheduling policy = keep
	OOM score = keep
[db]
	mode = ram
	retention = 300
[directories]
	config = {t}/etc
	stock config = /usr/lib/netdata/conf.d
	log = {t}/log
	cache = {t}/cache
	lib = {t}/lib
	home = {t}
	plugins = /usr/lib/netdata/plugins.d
	health config = {t}/etc/health.d
	stock health config = /usr/lib/netdata/conf.d/health.d
	registry = {t}/registry
[logs]
	debug log = none
	error log = {t}/log/error.log
	access log = none
[web]
	bind to = 127.0.0.1:{port}
	mode = static-threaded
[registry]
	enabled = no
[health]
	enabled = yes
[ml]
	enabled = no
[statsd]
	enabled = no
[plugins]
	enable running new plugins = no
	proc = no
	diskspace = no
	cgroups = no
	tc = no
	idlejitter = no
	checks = no
	timex = no
	netdata monitoring = no
	statsd = no
	apps = no
	slabinfo = no
	perf = no
	nfacct = no
	ebpf = no
	go.d = no
	python.d = no
	charts.d = no
	fping = no
	ioping = no
	smaps = yes
[plugin:smaps]
	update every = 1
"""
# The charts of the stock smaps_groups.conf's groups the run waits for.
WANT_CHARTS = ["smaps.netdata_pss", "smaps.memcached_pss"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(port, path):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path),
                                timeout=5) as r:
        return json.loads(r.read())


def last_total(port, chart):
    d = api(port, "/api/v1/data?chart=%s&after=-3&format=json&points=1"
            "&group=max" % chart)
    row = d["data"][0]
    return sum(v for v in row[1:] if v)


def smaps_alarms(port):
    return {a["name"] for a in api(port, "/api/v1/alarms?all")[
        "alarms"].values() if a["chart"].startswith("smaps.")}


def run_netdata(tmp):
    """Netdata as user netdata, plugins.d and stock config the packaged
    ones, beside a root-owned process of a stock group; read until the
    charts, values and alarms show, then stopped."""
    t = os.path.join(tmp, "netdata")
    for sub in ("etc/health.d", "log", "cache", "lib", "registry"):
        os.makedirs(os.path.join(t, sub))
    r = types.SimpleNamespace(port=free_port(), charts=None, netdata_pss=None,
                              memcached_pss=None, uids={}, alarms=None)
    conf = os.path.join(t, "etc", "netdata.conf")
    open(conf, "w").write(NETDATA_CONF.format(t=t, port=r.port))
    os.chmod(tmp, 0o755)
    subprocess.run(["chown", "-R", "netdata:netdata", t], check=True)
    # A root-owned process in a group of the stock smaps_groups.conf
    # ("memcached: memcached"): netdata runs smaps.plugin as user netdata,
    # so only the capabilities the postinst set let it read this smaps.
    fake = os.path.join(tmp, "memcached")
    shutil.copy("/bin/sleep", fake)
    root_proc = h.start([fake, "120"], os.path.join(tmp, "memcached.out"))
    nd = h.start(["netdata", "-D", "-c", conf],
                 os.path.join(t, "log", "stdout"))
    try:
        r.charts = h.wait_for(40, lambda: (lambda c: c if all(
            w in c for w in WANT_CHARTS) else None)(
                api(r.port, "/api/v1/charts")["charts"]))
        r.errlog = read_or_empty(os.path.join(t, "log", "error.log"))[-1500:]
        if r.charts:
            ours = sorted(k for k in r.charts if k.startswith("smaps."))
            h.info("netdata: %d smaps charts, e.g. %s" % (len(ours), ours[:4]))
            r.netdata_pss = h.wait_for(15, lambda: last_total(
                r.port, "smaps.netdata_pss") or None)
            h.info("netdata: smaps.netdata_pss = %s MiB" % r.netdata_pss)
            r.memcached_pss = h.wait_for(15, lambda: last_total(
                r.port, "smaps.memcached_pss") or None)
            h.info("netdata: smaps.memcached_pss (root-owned) = %s MiB"
                   % r.memcached_pss)
            r.uids = {pid: h.uid_of(pid) for pid in h.our_plugins()}
            r.uids = {pid: u for pid, u in r.uids.items() if u is not None}
            r.alarms = h.wait_for(10, lambda: smaps_alarms(r.port))
            h.info("netdata: alarms on smaps charts: %s"
                   % sorted(r.alarms or ()))
    finally:
        h.stop(nd)
        h.stop(root_proc)
    r.stopped = nd.poll() is not None
    r.plugins_gone = h.wait_for(5, lambda: not h.our_plugins() or None)
    r.plugins_left = h.our_plugins()
    return r


def log_has_threshold(log):
    return re.search(r'plugin "threshold" successfully loaded|'
                     r'plugin_load: plugin "threshold"', log)
