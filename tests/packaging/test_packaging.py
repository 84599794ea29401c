#!/usr/bin/env python3
"""test_packaging.py - the Debian and RPM packages, built, checked,
installed, run and purged (issue 7). Run as root from the source root by
`make packaging-test`; standard library only.

1. The source tree (tracked and untracked files, not ignored ones: what is
   about to be committed) is copied to a temp dir as smapwatch-VERSION,
   tarred as the orig tarball, and packaging/debian is put there as debian/.
2. dpkg-buildpackage -us -uc builds the source and binary packages
   (smapwatch, collectd-plugin-smaps, netdata-plugin-smaps); lintian on the
   .changes, with --pedantic and experimental tags, must print no tag that
   is not overridden (every override carries its justification).
3. The packages' files are those of `make install PREFIX=/usr` with the
   Makefile's default directories, path for path and mode for mode (man
   pages gzipped by dh_compress; copyright and changelog.Debian.gz are
   Debian's own).
4. rpmbuild -ba --nodeps builds packaging/rpm/smapwatch.spec from the same
   tarball; the three RPMs hold the expected files, smaps.plugin with its
   file capabilities and mode 0754 root:netdata.
5. The .debs are installed here: smaps.plugin gets its capabilities from
   the postinst (and setuid root when setcap fails; and again by its file
   trigger when netdata-core chowns plugins.d), the stock collectd
   (PluginDir /usr/lib/collectd) runs with the packaged example configs
   and writes smaps values to csv, the stock Netdata runs as user netdata
   with plugins.d and stock config the packaged ones and charts the groups
   of the stock smaps_groups.conf, including a root-owned process (which
   only the capabilities let it read); its alarm templates load.
   Then `make uninstall` with the same PREFIX and DESTDIR leaves nothing
   of it (with PREFIX=/usr and PREFIX=/opt/smapwatch).
6. The packages are purged; the machine is as before: the same files, modes
   and capabilities under every directory the packages touch, collectd-core
   and netdata-core still installed at the same version.

Every daemon and process started is stopped, also on failure, on timeout
(SIGTERM from make's `timeout`) or Ctrl-C; the packages are purged in any
case. Prints "ok"/"FAIL"/"info" lines (tests/lib/tally.py), then
"N passed, N failed" last.
Set PACKAGING_KEEP=1 to keep the temp dir, PACKAGING_NOCHECK=1 to build
without the unit tests (DEB_BUILD_OPTIONS=nocheck, rpmbuild --nocheck).
"""

import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from tally import Tally  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PACKAGES = ["smapwatch", "collectd-plugin-smaps", "netdata-plugin-smaps"]
PLUGIN = "/usr/lib/netdata/plugins.d/smaps.plugin"
EXAMPLES = "/usr/share/doc/collectd-plugin-smaps/examples"
CAPS = "cap_dac_read_search,cap_sys_ptrace=ep"
# Every directory the packages put files in, watched before and after.
WATCHED = ["/usr/bin", "/usr/lib/collectd", "/usr/lib/netdata",
           "/usr/share/doc", "/usr/share/man/man1", "/usr/share/man/man5",
           "/usr/share/lintian/overrides",
           "/etc/collectd", "/etc/netdata", "/var/lib/netdata",
           "/var/cache/netdata", "/var/log/netdata"]
DEADLINE = time.monotonic() + float(os.environ.get("PACKAGING_SECONDS", 230))

T = Tally()
ok, info = T.ok, T.info
started = []          # Popen objects to stop at the end


class Timeout(Exception):
    pass


def on_term(signum, frame):
    raise Timeout("signal %d" % signum)


def left():
    return max(1.0, DEADLINE - time.monotonic())


def run(cmd, log=None, env=None, cwd=None, check_rc=True):
    """Runs cmd bounded by the deadline; output to log (a path) or
    returned. Returns (rc, output)."""
    out = open(log, "w") if log else subprocess.PIPE
    try:
        p = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT,
                           env=env, cwd=cwd, timeout=left(), text=True)
    except subprocess.TimeoutExpired:
        raise Timeout("%s did not finish before the deadline" % cmd[0])
    finally:
        if log:
            out.close()
    text = open(log).read() if log else p.stdout
    return p.returncode, text


def sw_version():
    h = open(os.path.join(ROOT, "include/smapwatch/version.h")).read()
    return re.search(r'SW_VERSION "([^"]+)"', h).group(1)


# ---------------------------------------------------------------- staging

def source_files():
    """Tracked and untracked-not-ignored files of the work tree."""
    rc, out = run(["git", "-C", ROOT, "ls-files", "-z", "-c", "-o",
                   "--exclude-standard"])
    if rc == 0:
        names = [n for n in out.split("\0") if n]
    else:       # not a git checkout: everything but build output
        names = []
        for d, dirs, files in os.walk(ROOT):
            dirs[:] = [x for x in dirs if x not in (".git", "build")]
            names += [os.path.relpath(os.path.join(d, f), ROOT) for f in files]
    return sorted(n for n in set(names)
                  if os.path.isfile(os.path.join(ROOT, n)))


def stage(tmp, version):
    src = os.path.join(tmp, "smapwatch-" + version)
    for name in source_files():
        dst = os.path.join(src, name)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, name), dst)
    orig = os.path.join(tmp, "smapwatch_%s.orig.tar.gz" % version)
    rc, out = run(["tar", "-C", tmp, "--owner=0", "--group=0", "-czf", orig,
                   os.path.basename(src)])
    ok(rc == 0, "orig tarball %s" % os.path.basename(orig), out)
    shutil.copytree(os.path.join(src, "packaging", "debian"),
                    os.path.join(src, "debian"))
    return src, orig


# ---------------------------------------------------------------- Debian

def check_versions(version):
    ch = open(os.path.join(ROOT, "packaging/debian/changelog")).readline()
    m = re.match(r"smapwatch \(([^)-]+)-[^)]+\)", ch)
    ok(m and m.group(1) == version, "debian/changelog's upstream version is "
       "SW_VERSION %s" % version, "changelog: %r (add a changelog entry)"
       % ch.strip())
    spec = open(os.path.join(ROOT, "packaging/rpm/smapwatch.spec")).read()
    m = re.search(r"^Version:\s*(\S+)", spec, re.M)
    ok(m and m.group(1) == version, "smapwatch.spec Version is %s" % version,
       "spec: %r" % (m and m.group(1)))


def build_debs(tmp, src, nocheck):
    env = dict(os.environ)
    env.pop("MAKEFLAGS", None)       # not make's jobserver of `make check`
    env.pop("MFLAGS", None)
    env.pop("MAKELEVEL", None)
    if nocheck:
        env["DEB_BUILD_OPTIONS"] = "nocheck"
    t = time.monotonic()
    rc, out = run(["dpkg-buildpackage", "-us", "-uc", "-j2"],
                  log=os.path.join(tmp, "dpkg-buildpackage.log"),
                  env=env, cwd=src)
    info("dpkg-buildpackage: %.1f s" % (time.monotonic() - t))
    if not ok(rc == 0, "dpkg-buildpackage -us -uc", "exit %d, last lines:\n%s"
              % (rc, "\n".join(out.splitlines()[-25:]))):
        return None
    debs = {}
    for p in PACKAGES:
        f = [x for x in os.listdir(tmp)
             if x.startswith(p + "_") and x.endswith(".deb")]
        ok(len(f) == 1, "binary package %s built" % p, repr(f))
        if f:
            debs[p] = os.path.join(tmp, f[0])
    return debs if len(debs) == len(PACKAGES) else None


def lintian(tmp):
    changes = [x for x in os.listdir(tmp) if x.endswith(".changes")]
    t = time.monotonic()
    rc, out = run(["lintian", "--display-info", "--pedantic",
                   "--display-experimental", "--show-overrides"]
                  + [os.path.join(tmp, c) for c in changes])
    info("lintian: %.1f s" % (time.monotonic() - t))
    lines = [x for x in out.splitlines() if "root privileges" not in x]
    tags = [x for x in lines if re.match(r"[EWIPX]: ", x)]
    overridden = [x for x in lines if x.startswith("O: ")]
    for x in overridden:
        info("lintian override " + x[3:])
    ok(not tags and rc == 0, "lintian --pedantic -E: no tag but overridden "
       "ones (%d overrides, each with a comment)" % len(overridden),
       "\n".join(tags) or "exit %d" % rc)


def deb_files(deb):
    """{path: mode} of the regular files of a .deb."""
    rc, out = run(["dpkg-deb", "-c", deb])
    files = {}
    for line in out.splitlines():
        f = line.split(None, 5)
        if f[0].startswith("-"):
            files[f[5][1:]] = f[0]
    return files


def perms(mode):
    return stat.filemode(mode)


def make_install_files(tmp, src):
    """{path: perms} that `make install PREFIX=/usr` installs, with the
    Makefile's default directories (nothing else is given)."""
    dest = os.path.join(tmp, "make-install")
    env = dict(os.environ)
    for v in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(v, None)
    rc, out = run(["make", "-C", src, "-j2", "BUILD=%s/mi-build" % tmp,
                   "PREFIX=/usr", "DESTDIR=" + dest, "install"],
                  log=os.path.join(tmp, "make-install.log"), env=env)
    ok(rc == 0, "make install PREFIX=/usr DESTDIR=...", out[-2000:])
    files = {}
    for d, dirs, names in os.walk(dest):
        for n in names:
            p = os.path.join(d, n)
            files[p[len(dest):]] = perms(os.lstat(p).st_mode)
    return files


def left_behind(dest):
    """Files, links and our own directories under dest (what uninstall
    must remove); directories others share (bin, man1...) may stay."""
    out = []
    for d, dirs, names in os.walk(dest):
        out += [os.path.join(d, n)[len(dest):] for n in names]
        out += [os.path.join(d, n)[len(dest):] for n in dirs
                if n in ("collectd-plugin-smaps", "examples")]
    return sorted(out)


def make_uninstall_check(tmp, src):
    """`make install` then `make uninstall`, with the same PREFIX and
    DESTDIR, leaves nothing: with PREFIX=/usr and a PREFIX of its own."""
    env = dict(os.environ)
    for v in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(v, None)
    for prefix in ("/usr", "/opt/smapwatch"):
        dest = os.path.join(tmp, "uninstall" + prefix.replace("/", "-"))
        common = ["make", "-C", src, "BUILD=%s/mi-build" % tmp,
                  "PREFIX=" + prefix, "DESTDIR=" + dest]
        log = os.path.join(tmp, "make-uninstall.log")
        rc, out = run(common + ["install"], log=log, env=env)
        n = sum(len(f) for _, _, f in os.walk(dest))
        if not ok(rc == 0 and n >= 9, "make install PREFIX=%s DESTDIR=..."
                  % prefix, "exit %d, %d files: %s" % (rc, n, out[-1000:])):
            continue
        rc, out = run(common + ["uninstall"], log=log, env=env)
        left = left_behind(dest)
        ok(rc == 0 and not left, "make uninstall PREFIX=%s DESTDIR=... "
           "removes all %d files install put there" % (prefix, n),
           "exit %d, left %s: %s" % (rc, left[:6], out[-1000:]))


def check_agreement(debs, installed):
    shipped, twice = {}, []
    for pkg, deb in debs.items():
        files = deb_files(deb)
        info("%s: %s" % (os.path.basename(deb), " ".join(sorted(files))))
        for path, mode in files.items():
            if path in ("/usr/share/doc/%s/copyright" % pkg,
                        "/usr/share/doc/%s/changelog.Debian.gz" % pkg,
                        "/usr/share/lintian/overrides/" + pkg):
                continue
            if path.startswith(("/usr/share/man/", "/usr/share/doc/smapwatch/")) \
                    and path.endswith(".gz"):
                path = path[:-3]    # dh_compress: man pages, docs over 4 KiB
            if path in shipped:
                twice.append(path)
            shipped[path] = mode
    ok(not twice, "no file in two packages", repr(twice))
    extra = sorted(set(shipped) - set(installed))
    missing = sorted(set(installed) - set(shipped))
    ok(not extra and not missing, "the packages ship exactly the %d files of "
       "`make install PREFIX=/usr`" % len(installed),
       "only in packages: %s; only in make install: %s" % (extra, missing))
    modes = sorted(p for p in set(shipped) & set(installed)
                   if shipped[p] != installed[p])
    ok(not modes, "same modes in the packages and make install",
       ", ".join("%s %s/%s" % (p, shipped[p], installed[p]) for p in modes))
    want = {"/usr/lib/collectd/smaps.so", PLUGIN,
            "/usr/lib/netdata/conf.d/smaps_groups.conf",
            "/usr/lib/netdata/conf.d/health.d/smaps.conf",
            EXAMPLES + "/smaps.conf", EXAMPLES + "/smaps-threshold.conf",
            "/usr/share/man/man5/collectd-smaps.5",
            "/usr/share/man/man1/smaps.plugin.1",
            "/usr/bin/smapwatch", "/usr/share/man/man1/smapwatch.1"} | DOC_FILES
    ok(want <= set(shipped), "Debian's paths: collectd's PluginDir, Netdata's "
       "plugins.d and stock conf.d, the examples, the man pages, the docs",
       "missing %s" % sorted(want - set(shipped)))


# ---------------------------------------------------------------- RPM

# README.md, NEWS and docs/*.md: /usr/share/doc/smapwatch (make install's DOCDIR).
DOC_FILES = {"/usr/share/doc/smapwatch/" + f for f in ["README.md", "NEWS"] + [
    "docs/" + n for n in os.listdir(os.path.join(ROOT, "docs"))
    if n.endswith(".md")]}
RPM_FILES = {
    "smapwatch": {"/usr/bin/smapwatch", "/usr/share/man/man1/smapwatch.1",
                  "/usr/share/licenses/smapwatch/LICENSE"} | DOC_FILES,
    "collectd-plugin-smaps": {
        "/usr/lib64/collectd/smaps.so",
        "/usr/share/doc/collectd-plugin-smaps/examples/smaps.conf",
        "/usr/share/doc/collectd-plugin-smaps/examples/smaps-threshold.conf",
        "/usr/share/man/man5/collectd-smaps.5",
        "/usr/share/licenses/collectd-plugin-smaps/LICENSE"},
    "netdata-plugin-smaps": {
        "/usr/libexec/netdata/plugins.d/smaps.plugin",
        "/usr/lib/netdata/conf.d/smaps_groups.conf",
        "/usr/lib/netdata/conf.d/health.d/smaps.conf",
        "/usr/share/man/man1/smaps.plugin.1",
        "/usr/share/licenses/netdata-plugin-smaps/LICENSE"},
}


def build_rpms(tmp, orig, version, nocheck):
    top = os.path.join(tmp, "rpm")
    os.makedirs(os.path.join(top, "SOURCES"))
    shutil.copy(orig, os.path.join(top, "SOURCES",
                                   "smapwatch-%s.tar.gz" % version))
    env = dict(os.environ)
    for v in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(v, None)
    # --nodeps: Debian's rpm database is empty. No debuginfo subpackage:
    # Debian's rpm has no find-debuginfo.
    cmd = ["rpmbuild", "-ba", "--nodeps", "--define", "_topdir " + top,
           "--define", "debug_package %{nil}",
           os.path.join(ROOT, "packaging/rpm/smapwatch.spec")]
    if nocheck:
        cmd.insert(2, "--nocheck")
    t = time.monotonic()
    rc, out = run(cmd, log=os.path.join(tmp, "rpmbuild.log"), env=env)
    info("rpmbuild: %.1f s" % (time.monotonic() - t))
    if not ok(rc == 0, "rpmbuild -ba packaging/rpm/smapwatch.spec",
              "exit %d:\n%s" % (rc, "\n".join(out.splitlines()[-20:]))):
        return
    rpms = {}
    for d, _, names in os.walk(os.path.join(top, "RPMS")):
        for n in names:
            rpms[n.rsplit("-", 2)[0]] = os.path.join(d, n)
    ok(any(n.endswith(".src.rpm")
           for n in os.listdir(os.path.join(top, "SRPMS"))), "source RPM built")
    qf = "[%{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} " \
         "%{FILENAMES} %{FILECAPS}\\n]"
    for pkg, want in RPM_FILES.items():
        if not ok(pkg in rpms, "RPM %s built" % pkg, repr(sorted(rpms))):
            continue
        rc, out = run(["rpm", "-qp", "--qf", qf, rpms[pkg]])
        files = {}
        for line in out.splitlines():
            f = line.split()
            if f and f[0].startswith("-") and "/.build-id/" not in f[2]:
                files[f[2]] = (f[0], f[1], " ".join(f[3:]))
        info("%s: %s" % (os.path.basename(rpms[pkg]), " ".join(sorted(files))))
        # %license: /usr/share/licenses/PKG/ (Fedora) or PKG-VERSION/
        # (Debian's rpm)
        got = {re.sub(r"^(/usr/share/licenses/[^/]+)-%s/" % re.escape(
            version), r"\1/", re.sub(r"\.(gz|bz2|xz|zst)$", "", p))
            for p in files}
        ok(got == want, "RPM %s holds its files" % pkg,
           "got %s" % sorted(got))
    plugin = files.get("/usr/libexec/netdata/plugins.d/smaps.plugin") \
        if "netdata-plugin-smaps" in rpms else None
    ok(plugin and plugin[0] == "-rwxr-xr--" and plugin[1] == "root:netdata"
       and plugin[2] == CAPS, "RPM smaps.plugin 0754 root:netdata with %s"
       % CAPS, repr(plugin))


# ---------------------------------------------------------------- machine state

def getcap(path):
    rc, out = run(["getcap", path])
    return out.split(None, 1)[1].strip() if rc == 0 and out.strip() else ""


def snapshot():
    """Every file and directory under WATCHED with its mode, owner, size and
    (for regular files) capabilities; and the stock daemons' packages."""
    state = {}
    for top in WATCHED:
        for d, dirs, names in os.walk(top):
            for n in dirs + names:
                p = os.path.join(d, n)
                try:
                    s = os.lstat(p)
                except FileNotFoundError:
                    continue
                state[p] = (s.st_mode, s.st_uid, s.st_gid,
                            s.st_size if stat.S_ISREG(s.st_mode) else 0)
    for p in os.listdir("/usr/lib/netdata/plugins.d"):
        p = os.path.join("/usr/lib/netdata/plugins.d", p)
        state[p] = state.get(p, ()) + (getcap(p),)
    rc, out = run(["dpkg-query", "-W", "-f",
                   "${Package} ${Version} ${db:Status-Abbrev}\\n",
                   "collectd-core", "netdata-core"])
    state["dpkg"] = out
    return state


def pkg_status(pkg):
    rc, out = run(["dpkg-query", "-W", "-f", "${db:Status-Abbrev}", pkg])
    return out.strip() if rc == 0 else "unknown"


def apt(args):
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    return run(["apt-get", "-y", "-q", "--no-install-recommends",
                "-o", "DPkg::Lock::Timeout=60"] + args, env=env)


def purge():
    there = [p for p in PACKAGES if pkg_status(p) not in ("unknown", "pn")]
    if there:
        return apt(["purge"] + there)
    return 0, ""


# ---------------------------------------------------------------- daemons

def start(cmd, log):
    f = open(log, "w")
    p = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT,
                         start_new_session=True)
    started.append(p)
    return p


def stop(p):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(p.pid, signal.SIGKILL)     # its children, if any are left
    except ProcessLookupError:
        pass
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def our_plugins():
    """Pids running the packaged smaps.plugin (not another test's build)."""
    pids = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            exe = os.readlink("/proc/%s/exe" % pid)
        except OSError:
            continue
        if exe == PLUGIN or exe == PLUGIN + " (deleted)":
            pids.append(int(pid))
    return pids


def wait_for(what, seconds, probe):
    end = min(time.monotonic() + seconds, DEADLINE)
    while time.monotonic() < end:
        try:
            v = probe()
            if v:
                return v
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.5)
    return None


def csv_last(path):
    rows = [r for r in open(path).read().splitlines()[1:] if r]
    return float(rows[-1].split(",")[1]) if rows else None


def run_collectd(tmp):
    d = os.path.join(tmp, "collectd")
    os.makedirs(d)
    conf = os.path.join(d, "collectd.conf")
    # As collectd-smaps(5) says to: a copy of the packaged example with one
    # line uncommented (collectd itself), since a second <Plugin smaps>
    # block is refused.
    example = open(EXAMPLES + "/smaps.conf").read()
    assert '  #Process "nginx"\n' in example, "the example's Process line"
    smaps_conf = os.path.join(d, "smaps.conf")
    open(smaps_conf, "w").write(example.replace('  #Process "nginx"\n',
                                                '  Process "collectd"\n'))
    open(conf, "w").write("""\
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
""".format(d=d, ex=EXAMPLES, sc=smaps_conf))
    p = start(["collectd", "-f", "-C", conf], os.path.join(d, "stdout"))
    csv = os.path.join(d, "csv", "pkgtest", "smaps-collectd")

    def probe():
        f = [x for x in os.listdir(csv) if x.startswith("memory-total_rss-")]
        v = csv_last(os.path.join(csv, f[0]))
        return v if v and v > 0 else None
    rss = wait_for("collectd csv", 20, probe)
    log = open(os.path.join(d, "collectd.log")).read() \
        if os.path.exists(os.path.join(d, "collectd.log")) else ""
    info("collectd: memory-total_rss of group collectd = %s" % rss)
    ok(rss, "collectd (PluginDir /usr/lib/collectd, the packaged example "
       "configs) writes smaps-collectd/memory-total_rss > 0",
       "log:\n" + log[-1500:])
    ok("smaps plugin" not in log or "ERROR" not in log,
       "no smaps plugin error in collectd's log", log[-1500:])
    ok(re.search(r'plugin "threshold" successfully loaded|'
                 r'plugin_load: plugin "threshold"', log),
       "the threshold example loads", log[-800:])
    n = len(os.listdir(csv)) if os.path.isdir(csv) else 0
    info("collectd: %d smaps value files for the group" % n)
    stop(p)
    ok(p.poll() is not None, "collectd stopped")


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


def run_netdata(tmp):
    t = os.path.join(tmp, "netdata")
    for sub in ("etc/health.d", "log", "cache", "lib", "registry"):
        os.makedirs(os.path.join(t, sub))
    port = free_port()
    conf = os.path.join(t, "etc", "netdata.conf")
    open(conf, "w").write(NETDATA_CONF.format(t=t, port=port))
    os.chmod(tmp, 0o755)
    subprocess.run(["chown", "-R", "netdata:netdata", t], check=True)
    # A root-owned process in a group of the stock smaps_groups.conf
    # ("memcached: memcached"): netdata runs smaps.plugin as user netdata,
    # so only the capabilities the postinst set let it read this smaps.
    fake = os.path.join(tmp, "memcached")
    shutil.copy("/bin/sleep", fake)
    root_proc = start([fake, "120"], os.path.join(tmp, "memcached.out"))
    nd = start(["netdata", "-D", "-c", conf], os.path.join(t, "log", "stdout"))
    want = ["smaps.netdata_pss", "smaps.memcached_pss"]
    charts = wait_for("netdata charts", 40, lambda: (lambda c: c if all(
        w in c for w in want) else None)(api(port, "/api/v1/charts")["charts"]))
    errlog = os.path.join(t, "log", "error.log")
    tail = open(errlog, errors="replace").read()[-1500:] \
        if os.path.exists(errlog) else ""
    if ok(charts, "netdata (plugins.d and stock conf.d the packaged ones) "
          "charts the stock groups netdata and memcached on 127.0.0.1:%d"
          % port, "error.log:\n" + tail):
        ours = sorted(k for k in charts if k.startswith("smaps."))
        info("netdata: %d smaps charts, e.g. %s" % (len(ours), ours[:4]))
        v = wait_for("netdata values", 15,
                     lambda: last_total(port, "smaps.netdata_pss") or None)
        info("netdata: smaps.netdata_pss = %s MiB" % v)
        ok(v and v > 0, "smaps.netdata_pss > 0 (netdata's own memory)")
        v = wait_for("root process values", 15,
                     lambda: last_total(port, "smaps.memcached_pss") or None)
        info("netdata: smaps.memcached_pss (root-owned) = %s MiB" % v)
        ok(v and v > 0, "smaps.memcached_pss > 0: the plugin, run by user "
           "netdata, reads a root process (its capabilities work)")
        uids = {}
        for pid in our_plugins():
            try:
                for line in open("/proc/%d/status" % pid):
                    if line.startswith("Uid:"):
                        uids[pid] = int(line.split()[1])
            except OSError:
                pass
        nd_uid = int(subprocess.run(["id", "-u", "netdata"], capture_output=True,
                                    text=True).stdout or -1)
        ok(uids and set(uids.values()) == {nd_uid}, "the packaged smaps.plugin "
           "runs as user netdata (uid %d)" % nd_uid, "pid: uid %r" % uids)
        alarms = wait_for("alarms", 10, lambda: {
            a["name"] for a in api(port, "/api/v1/alarms?all")[
                "alarms"].values() if a["chart"].startswith("smaps.")})
        info("netdata: alarms on smaps charts: %s" % sorted(alarms or ()))
        ok(alarms and "smaps_group_processes" in alarms,
           "the stock health.d/smaps.conf templates apply",
           repr(sorted(alarms or ())))
    stop(nd)
    stop(root_proc)
    ok(nd.poll() is not None, "netdata stopped")
    left_over = wait_for("plugin exit", 5, lambda: not our_plugins() or None)
    ok(left_over, "no packaged smaps.plugin left running",
       repr(our_plugins()))


def check_caps_fallback(tmp):
    """The postinst again, with a setcap that fails: setuid root, 4754;
    then the real postinst restores the capabilities."""
    script = "/var/lib/dpkg/info/netdata-plugin-smaps.postinst"
    fakebin = os.path.join(tmp, "nosetcap")
    os.makedirs(fakebin)
    with open(os.path.join(fakebin, "setcap"), "w") as f:
        f.write("#!/bin/sh\necho 'setcap: not supported' >&2\nexit 1\n")
    os.chmod(os.path.join(fakebin, "setcap"), 0o755)
    env = dict(os.environ, PATH=fakebin + ":" + os.environ["PATH"])
    rc, out = run([script, "configure", ""], env=env)
    s = os.stat(PLUGIN)
    ok(rc == 0 and stat.filemode(s.st_mode) == "-rwsr-xr--"
       and getcap(PLUGIN) == "", "postinst without setcap: setuid root, 4754, "
       "no capabilities", "rc %d mode %s caps %r %s" % (
           rc, stat.filemode(s.st_mode), getcap(PLUGIN), out))
    rc, out = run([script, "configure", ""])
    s = os.stat(PLUGIN)
    ok(rc == 0 and stat.filemode(s.st_mode) == "-rwxr-xr--"
       and getcap(PLUGIN) == CAPS, "postinst again with setcap: 0754, no "
       "setuid, %s" % CAPS, "mode %s caps %r" % (stat.filemode(s.st_mode),
                                                  getcap(PLUGIN)))


def check_trigger():
    """netdata-core's postinst (on its upgrades) chowns plugins.d, which
    clears file capabilities; the file trigger on plugins.d runs our
    postinst again. Simulated on our file only: the chown, then the trigger
    dpkg activates when a package changes that directory."""
    subprocess.run(["chown", "root:netdata", PLUGIN], check=True)
    lost = getcap(PLUGIN)
    rc1, out1 = run(["dpkg-trigger", "--no-await",
                     "/usr/lib/netdata/plugins.d"])
    rc2, out2 = run(["dpkg", "--triggers-only", "--pending"])
    ok(lost == "" and rc1 == 0 and rc2 == 0 and getcap(PLUGIN) == CAPS,
       "after a chown of plugins.d (netdata-core's postinst), the file "
       "trigger sets the capabilities again", "caps after chown %r, now %r; "
       "%s %s" % (lost, getcap(PLUGIN), out1, out2))


def install_test(tmp, debs, before):
    t = time.monotonic()
    rc, out = apt(["install"] + [debs[p] for p in PACKAGES])
    info("apt-get install of the 3 .debs: %.1f s" % (time.monotonic() - t))
    if not ok(rc == 0, "apt-get install ./smapwatch ./collectd-plugin-smaps "
              "./netdata-plugin-smaps", out[-2000:]):
        return
    ok(not re.search(r"systemctl|invoke-rc|System has not been booted", out),
       "maintainer scripts quiet without systemd", out[-800:])
    s = os.stat(PLUGIN)
    grp = s.st_gid == int(subprocess.run(["getent", "group", "netdata"],
                          capture_output=True, text=True).stdout.split(":")[2])
    ok(stat.filemode(s.st_mode) == "-rwxr-xr--" and s.st_uid == 0 and grp
       and getcap(PLUGIN) == CAPS, "postinst: smaps.plugin root:netdata 0754 "
       "with %s" % CAPS, "mode %s uid %d caps %r" % (
           stat.filemode(s.st_mode), s.st_uid, getcap(PLUGIN)))
    apps = "/usr/lib/netdata/plugins.d/apps.plugin"
    if apps in before:
        ok(getcap(apps) == before[apps][-1], "apps.plugin's capabilities "
           "untouched", "%r -> %r" % (before[apps][-1], getcap(apps)))
    rc, out = run(["smapwatch", str(os.getpid())])
    ok(rc == 0 and "total" in out, "/usr/bin/smapwatch runs", out[-400:])
    rc, out = run(["man", "-w", "collectd-smaps"])
    ok(rc == 0 and out.strip() == "/usr/share/man/man5/collectd-smaps.5.gz",
       "man collectd-smaps finds the packaged page", out)
    check_caps_fallback(tmp)
    check_trigger()
    run_collectd(tmp)
    run_netdata(tmp)


def compare_state(before, after):
    gone = sorted(set(before) - set(after))
    new = sorted(set(after) - set(before))
    changed = sorted(p for p in set(before) & set(after)
                     if before[p] != after[p] and p != "dpkg")
    ok(not gone and not new and not changed, "after purge, the machine is as "
       "before under %s" % ", ".join(WATCHED),
       "new %s; gone %s; changed %s" % (new[:10], gone[:10], changed[:10]))
    ok(before["dpkg"] == after["dpkg"] and after["dpkg"].count("ii ") == 2,
       "collectd-core and netdata-core installed as before",
       "%r -> %r" % (before["dpkg"], after["dpkg"]))
    st = {p: pkg_status(p) for p in PACKAGES}
    ok(all(s in ("unknown", "pn") for s in st.values()),
       "dpkg knows none of the packages any more", repr(st))


# ---------------------------------------------------------------- main

def main():
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, on_term)
    nocheck = os.environ.get("PACKAGING_NOCHECK") == "1"
    t0 = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="smapwatch-packaging.")
    before = None
    try:
        if not ok(os.geteuid() == 0, "running as root"):
            return
        missing = [t for t in ("dpkg-buildpackage", "dh", "lintian",
                               "rpmbuild", "collectd", "netdata", "setcap",
                               "getcap") if not shutil.which(t)]
        if not ok(not missing, "tools present", "missing %s: sh .ci/deps"
                  % missing):
            return
        there = [p for p in PACKAGES if pkg_status(p) not in ("unknown", "pn")]
        if not ok(not there, "none of the packages installed before the test",
                  "%s installed: purge them first" % there):
            return
        version = sw_version()
        info("version %s, temp dir %s" % (version, tmp))
        check_versions(version)
        src, orig = stage(tmp, version)
        installed = make_install_files(tmp, src)
        need = {"/usr/lib/collectd/smaps.so", PLUGIN,
                EXAMPLES + "/smaps.conf", EXAMPLES + "/smaps-threshold.conf",
                "/usr/lib/netdata/conf.d/smaps_groups.conf",
                "/usr/lib/netdata/conf.d/health.d/smaps.conf"}
        ok(need <= set(installed), "make install PREFIX=/usr installs the "
           "plugins, the collectd examples and Netdata's stock configs where "
           "the packages have them", "missing %s (the Makefile change in "
           "packaging/README-section.md?)" % sorted(need - set(installed)))
        make_uninstall_check(tmp, src)
        debs = build_debs(tmp, src, nocheck)
        build_rpms(tmp, orig, version, nocheck)
        if not debs:
            return
        lintian(tmp)
        check_agreement(debs, installed)
        before = snapshot()
        t = time.monotonic()
        install_test(tmp, debs, before)
        info("installed window: %.1f s" % (time.monotonic() - t))
    except Timeout as e:
        ok(False, "finished in time", str(e))
    except Exception as e:          # report, clean up, count as a failure
        ok(False, "no unexpected error", "%s: %s" % (type(e).__name__, e))
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for p in started:
            stop(p)
        for pid in our_plugins():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        global DEADLINE
        DEADLINE = time.monotonic() + 120       # the purge gets its time
        rc, out = purge()
        if before is not None:
            ok(rc == 0, "apt-get purge of the packages", out[-1000:])
            compare_state(before, snapshot())
        if os.environ.get("PACKAGING_KEEP") == "1":
            info("kept " + tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
        info("packaging test: %.0f s" % (time.monotonic() - t0))
        T.summary()


if __name__ == "__main__":
    main()
    sys.exit(1 if T.failed else 0)
