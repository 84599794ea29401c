"""pkgharness.py - what the packaging tests (tests/packaging/test_*.py, issue
7) share: commands bounded by the suite's deadline, the source tree staged
as a tarball, the contents of .deb and .rpm files, the machine's state
before and after, the packages' install and purge, and the daemons started
(stopped by conftest.py's fixtures, also on failure and on SIGTERM).

Standard library only. The whole suite is bounded by PACKAGING_SECONDS
(230) from the moment this module is imported; the purge gets 120 s more.
"""

import os
import re
import shutil
import signal
import stat
import subprocess
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PACKAGES = ["smapwatch", "collectd-plugin-smaps", "netdata-plugin-smaps"]
PLUGIN = "/usr/lib/netdata/plugins.d/smaps.plugin"
APPS = "/usr/lib/netdata/plugins.d/apps.plugin"     # netdata-core's
EXAMPLES = "/usr/share/doc/collectd-plugin-smaps/examples"
CAPS = "cap_dac_read_search,cap_sys_ptrace=ep"
TOOLS = ("dpkg-buildpackage", "dh", "lintian", "rpmbuild", "collectd",
         "netdata", "setcap", "getcap")
# Every directory the packages put files in, watched before and after.
WATCHED = ["/usr/bin", "/usr/lib/collectd", "/usr/lib/netdata",
           "/usr/share/doc", "/usr/share/man/man1", "/usr/share/man/man5",
           "/usr/share/lintian/overrides",
           "/etc/collectd", "/etc/netdata", "/var/lib/netdata",
           "/var/cache/netdata", "/var/log/netdata"]
# README.md, NEWS and docs/*.md: /usr/share/doc/smapwatch (make install's DOCDIR).
DOC_FILES = {"/usr/share/doc/smapwatch/" + f for f in ["README.md", "NEWS"] + [
    "docs/" + n for n in os.listdir(os.path.join(ROOT, "docs"))
    if n.endswith(".md")]}
# What make install PREFIX=/usr must put where the packages have it.
MAKE_INSTALL_NEED = {"/usr/lib/collectd/smaps.so", PLUGIN,
                     EXAMPLES + "/smaps.conf", EXAMPLES + "/smaps-threshold.conf",
                     "/usr/lib/netdata/conf.d/smaps_groups.conf",
                     "/usr/lib/netdata/conf.d/health.d/smaps.conf"}
# Debian's paths the .debs must hold between them.
DEB_PATHS = {"/usr/lib/collectd/smaps.so", PLUGIN,
             "/usr/lib/netdata/conf.d/smaps_groups.conf",
             "/usr/lib/netdata/conf.d/health.d/smaps.conf",
             EXAMPLES + "/smaps.conf", EXAMPLES + "/smaps-threshold.conf",
             "/usr/share/man/man5/collectd-smaps.5",
             "/usr/share/man/man1/smaps.plugin.1",
             "/usr/bin/smapwatch", "/usr/share/man/man1/smapwatch.1"} | DOC_FILES
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
RPM_PLUGIN = "/usr/libexec/netdata/plugins.d/smaps.plugin"

T0 = time.monotonic()
DEADLINE = T0 + float(os.environ.get("PACKAGING_SECONDS", 230))
NOCHECK = os.environ.get("PACKAGING_NOCHECK") == "1"
INFO = []             # lines printed at the end of the run (conftest.py)
STARTED = []          # Popen objects to stop at the end


class Timeout(Exception):
    pass


def info(msg):
    INFO.append(msg)


def extend_deadline(seconds):
    """The purge gets its time, whatever the builds took."""
    global DEADLINE
    DEADLINE = time.monotonic() + seconds


def left():
    return max(1.0, DEADLINE - time.monotonic())


def build_env(**extra):
    """os.environ without make's jobserver of an outer `make check`."""
    env = dict(os.environ, **extra)
    for v in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(v, None)
    return env


def run(cmd, log=None, env=None, cwd=None):
    """Runs cmd bounded by the deadline; output to log (a path) or
    returned. Returns (rc, output)."""
    out = open(log, "w") if log else subprocess.PIPE
    try:
        p = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT,
                           env=env, cwd=cwd, timeout=left(), text=True)
    except subprocess.TimeoutExpired:
        raise Timeout("%s did not finish before the deadline "
                      "(PACKAGING_SECONDS)" % cmd[0])
    finally:
        if log:
            out.close()
    text = open(log).read() if log else p.stdout
    return p.returncode, text


def tail(text, lines):
    return "\n".join(text.splitlines()[-lines:])


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
    """The source tree as smapwatch-VERSION, its orig tarball, then
    packaging/debian as debian/. Returns (src, orig, tar rc, tar output)."""
    src = os.path.join(tmp, "smapwatch-" + version)
    for name in source_files():
        dst = os.path.join(src, name)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, name), dst)
    orig = os.path.join(tmp, "smapwatch_%s.orig.tar.gz" % version)
    rc, out = run(["tar", "-C", tmp, "--owner=0", "--group=0", "-czf", orig,
                   os.path.basename(src)])
    shutil.copytree(os.path.join(src, "packaging", "debian"),
                    os.path.join(src, "debian"))
    return src, orig, rc, out


def tree_perms(dest):
    """{path under dest: perms} of the files under dest."""
    files = {}
    for d, dirs, names in os.walk(dest):
        for n in names:
            p = os.path.join(d, n)
            files[p[len(dest):]] = stat.filemode(os.lstat(p).st_mode)
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


# ---------------------------------------------------------------- packages

def deb_files(deb):
    """{path: mode} of the regular files of a .deb."""
    rc, out = run(["dpkg-deb", "-c", deb])
    files = {}
    for line in out.splitlines():
        f = line.split(None, 5)
        if f[0].startswith("-"):
            files[f[5][1:]] = f[0]
    return files


def package_files(pkg, deb):
    """What package pkg's .deb ships, as make install names it: {path:
    mode}. Debian's own files (copyright, changelog, lintian overrides)
    left out; dh_compress's .gz taken off."""
    files = {}
    for path, mode in deb_files(deb).items():
        if path in ("/usr/share/doc/%s/copyright" % pkg,
                    "/usr/share/doc/%s/changelog.Debian.gz" % pkg,
                    "/usr/share/lintian/overrides/" + pkg):
            continue
        if path.startswith(("/usr/share/man/", "/usr/share/doc/smapwatch/")) \
                and path.endswith(".gz"):
            path = path[:-3]    # dh_compress: man pages, docs over 4 KiB
        files[path] = mode
    return files


def shipped_files(debs):
    """What the .debs ship together: ({path: mode}, [paths in two
    packages]), as package_files names them."""
    shipped, twice = {}, []
    for pkg, deb in debs.items():
        files = package_files(pkg, deb)
        info("%s: %s" % (os.path.basename(deb), " ".join(sorted(files))))
        twice += [p for p in files if p in shipped]
        shipped.update(files)
    return shipped, twice


def rpm_files(rpm, version):
    """{path: (perms, owner:group, caps)} of the regular files of an RPM,
    and the set of its paths as RPM_FILES names them."""
    qf = "[%{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} " \
         "%{FILENAMES} %{FILECAPS}\\n]"
    rc, out = run(["rpm", "-qp", "--qf", qf, rpm])
    files = {}
    for line in out.splitlines():
        f = line.split()
        if f and f[0].startswith("-") and "/.build-id/" not in f[2]:
            files[f[2]] = (f[0], f[1], " ".join(f[3:]))
    info("%s: %s" % (os.path.basename(rpm), " ".join(sorted(files))))
    # %license: /usr/share/licenses/PKG/ (Fedora) or PKG-VERSION/
    # (Debian's rpm)
    names = {re.sub(r"^(/usr/share/licenses/[^/]+)-%s/" % re.escape(
        version), r"\1/", re.sub(r"\.(gz|bz2|xz|zst)$", "", p))
        for p in files}
    return files, names


# ---------------------------------------------------------------- machine state

def getcap(path):
    rc, out = run(["getcap", path])
    return out.split(None, 1)[1].strip() if rc == 0 and out.strip() else ""


def group_id(name):
    out = subprocess.run(["getent", "group", name], capture_output=True,
                         text=True).stdout
    return int(out.split(":")[2]) if out else -1


def user_id(name):
    out = subprocess.run(["id", "-u", name], capture_output=True,
                         text=True).stdout
    return int(out or -1)


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


def installed_packages():
    return [p for p in PACKAGES if pkg_status(p) not in ("unknown", "pn")]


def apt(args):
    """apt-get, waiting for another engineer's apt or dpkg to finish."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    return run(["apt-get", "-y", "-q", "--no-install-recommends",
                "-o", "DPkg::Lock::Timeout=60"] + args, env=env)


def purge():
    """Purges whichever of our packages is installed; (0, "") if none."""
    there = installed_packages()
    if there:
        return apt(["purge"] + there)
    return 0, ""


# ---------------------------------------------------------------- processes

def start(cmd, log):
    f = open(log, "w")
    p = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT,
                         start_new_session=True)
    f.close()
    STARTED.append(p)
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


def stop_everything():
    """Every process the suite started, and the packaged plugin if one is
    left (it is ours: only this suite installs it)."""
    for p in STARTED:
        stop(p)
    for pid in our_plugins():
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def wait_for(seconds, probe):
    """probe()'s first true value within seconds (and the deadline), or
    None."""
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


def uid_of(pid):
    try:
        for line in open("/proc/%d/status" % pid):
            if line.startswith("Uid:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None
