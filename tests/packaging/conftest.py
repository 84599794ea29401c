"""conftest.py - the packaging suite's fixtures (issue 7; `make
packaging-test`, root, .ci/deps' debhelper, lintian, rpm):

  preflight      root, the tools, none of our packages installed; at its
                 end (the session's very end) a last purge, as cleanup.sh
  staged         the work tree (tracked and untracked, not ignored files)
                 as smapwatch-VERSION, its orig tarball, debian/ added
  make_install   `make install PREFIX=/usr DESTDIR=...` of the staged tree
  deb_build      dpkg-buildpackage -us -uc, once (after make_install, as
  / debs         the script did: on the pristine staged tree)
  rpm_build      rpmbuild -ba of packaging/rpm/smapwatch.spec, once
  / rpms
  install_state  the machine's state, then the .debs installed here; the
                 packages are purged when it ends (also on a failure, an
                 error, Ctrl-C or SIGTERM from make's `timeout`)
  installed      install_state for a test: fails unless the install
                 worked and the purge has not happened yet
  postinst_reruns, collectd_run, netdata_run: what is done with the
                 packages installed, recorded for the tests to judge
  purged         stops everything, purges, and the machine's state after

Order: tests that need no install run first, then those that need it,
then those that need the purge (pytest_collection_modifyitems, from the
fixtures each test uses): the packages stay installed only as long as the
tests that need them run, as another engineer's collectd and netdata tests
run on this machine at the same time. Our daemons run in temp dirs on free
ports; only the packaged smaps.plugin (/usr/lib/netdata/plugins.d) is ever
killed; apt waits for another apt's lock.

PACKAGING_KEEP=1 keeps the temp dir, PACKAGING_NOCHECK=1 builds without
the unit tests (DEB_BUILD_OPTIONS=nocheck, rpmbuild --nocheck),
PACKAGING_SECONDS (230) bounds the whole run.
"""
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import types

import pytest

sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pkgdaemons  # noqa: E402
import pkgharness as h  # noqa: E402


# ---------------------------------------------------------------- hooks

def on_term(signum, frame):
    # pytest then tears the fixtures down: the packages are purged.
    raise KeyboardInterrupt("signal %d (make's timeout?)" % signum)


def catch_signals():
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, on_term)


def ignore_signals():
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)


def pytest_configure(config):
    catch_signals()


INSTALL_FIXTURES = {"install_state", "installed"}


def phase(item):
    names = set(getattr(item, "fixturenames", ()))
    if "purged" in names:
        return 2
    return 1 if names & INSTALL_FIXTURES else 0


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=phase)       # stable: files and tests keep their order


def pytest_terminal_summary(terminalreporter):
    tr = terminalreporter
    tr.section("packaging info")
    for line in h.INFO:
        tr.write_line("# " + line)
    tr.write_line("# packaging test: %.0f s" % (time.monotonic() - h.T0))


def purge_ours():
    """Stops what the suite started and purges what it installed, with
    120 s of its own; SIGTERM ignored meanwhile. Returns apt's (rc, out)."""
    ignore_signals()
    try:
        h.stop_everything()
        h.extend_deadline(120)
        return h.purge()
    finally:
        catch_signals()


# ---------------------------------------------------------------- building

@pytest.fixture(scope="session", autouse=True)
def preflight():
    """What must hold before anything runs, read once at the start; the
    tests of test_preflight.py judge it, `ready` refuses to go on without
    it. At the very end, a last purge of whatever of ours is installed."""
    r = types.SimpleNamespace(
        root=os.geteuid() == 0,
        missing=[t for t in h.TOOLS if not shutil.which(t)])
    r.there = h.installed_packages() if r.root and not r.missing else []
    yield r
    if h.installed_packages() or h.our_plugins():
        rc, out = purge_ours()
        h.info("last purge: exit %d %s" % (rc, h.tail(out, 3)))


@pytest.fixture(scope="session")
def ready(preflight):
    if not preflight.root:
        pytest.fail("running as root: the suite installs packages")
    if preflight.missing:
        pytest.fail("tools present: missing %s: sh .ci/deps" % preflight.missing)
    if preflight.there:
        pytest.fail("none of the packages installed before the test: %s "
                    "installed: purge them first" % preflight.there)


@pytest.fixture(scope="session")
def version():
    return h.sw_version()


@pytest.fixture(scope="session")
def tmp(ready, version):
    d = tempfile.mkdtemp(prefix="smapwatch-packaging.")
    h.info("version %s, temp dir %s" % (version, d))
    yield d
    if os.environ.get("PACKAGING_KEEP") == "1":
        h.info("kept " + d)
    else:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def staged(tmp, version):
    src, orig, rc, out = h.stage(tmp, version)
    return types.SimpleNamespace(src=src, orig=orig, tar_rc=rc, tar_out=out)


@pytest.fixture(scope="session")
def make_install(tmp, staged):
    """{path: perms} that `make install PREFIX=/usr` installs, with the
    Makefile's default directories (nothing else is given); its build dir
    serves the uninstall tests."""
    r = types.SimpleNamespace(build=os.path.join(tmp, "mi-build"),
                              dest=os.path.join(tmp, "make-install"))
    r.rc, r.out = h.run(["make", "-C", staged.src, "-j2", "BUILD=" + r.build,
                         "PREFIX=/usr", "DESTDIR=" + r.dest, "install"],
                        log=os.path.join(tmp, "make-install.log"),
                        env=h.build_env())
    r.files = h.tree_perms(r.dest)
    return r


# The Makefile's install target per package: the command's alone (install
# without the plugins' INSTALL_EXTRA), each plugin's.
INSTALL_PARTS = {"smapwatch": ["install", "INSTALL_EXTRA="],
                 "collectd-plugin-smaps": ["install-collectd"],
                 "netdata-plugin-smaps": ["install-netdata"]}


@pytest.fixture(scope="session")
def install_parts(tmp, staged, make_install):
    """{package: {path: perms}} that its part of `make install PREFIX=/usr`
    installs, into a DESTDIR of its own, from make_install's build."""
    parts = {}
    for pkg, goal in INSTALL_PARTS.items():
        dest = os.path.join(tmp, "part-" + pkg)
        rc, out = h.run(["make", "-C", staged.src, "BUILD=" + make_install.build,
                         "PREFIX=/usr", "DESTDIR=" + dest] + goal,
                        log=os.path.join(tmp, "part-%s.log" % pkg),
                        env=h.build_env())
        assert rc == 0, "make %s: exit %d: %s" % (" ".join(goal), rc, out[-500:])
        parts[pkg] = h.tree_perms(dest)
    return parts


@pytest.fixture(scope="session")
def deb_build(tmp, staged, make_install):
    env = h.build_env(**({"DEB_BUILD_OPTIONS": "nocheck"} if h.NOCHECK else {}))
    t = time.monotonic()
    r = types.SimpleNamespace()
    r.rc, r.out = h.run(["dpkg-buildpackage", "-us", "-uc", "-j2"],
                        log=os.path.join(tmp, "dpkg-buildpackage.log"),
                        env=env, cwd=staged.src)
    h.info("dpkg-buildpackage: %.1f s" % (time.monotonic() - t))
    r.found = {p: sorted(x for x in os.listdir(tmp)
                         if x.startswith(p + "_") and x.endswith(".deb"))
               for p in h.PACKAGES}
    return r


@pytest.fixture(scope="session")
def debs(tmp, deb_build):
    """{package: .deb path}; fails unless the build made all three."""
    if deb_build.rc != 0:
        pytest.fail("dpkg-buildpackage failed (exit %d): see "
                    "test_dpkg_buildpackage" % deb_build.rc)
    not_one = {p: f for p, f in deb_build.found.items() if len(f) != 1}
    if not_one:
        pytest.fail("binary packages not built once each: %r" % not_one)
    return {p: os.path.join(tmp, f[0]) for p, f in deb_build.found.items()}


@pytest.fixture(scope="session")
def rpm_build(tmp, staged, version):
    top = os.path.join(tmp, "rpm")
    os.makedirs(os.path.join(top, "SOURCES"))
    shutil.copy(staged.orig, os.path.join(top, "SOURCES",
                                          "smapwatch-%s.tar.gz" % version))
    # --nodeps: Debian's rpm database is empty. No debuginfo subpackage:
    # Debian's rpm has no find-debuginfo.
    cmd = ["rpmbuild", "-ba", "--nodeps", "--define", "_topdir " + top,
           "--define", "debug_package %{nil}",
           os.path.join(h.ROOT, "packaging/rpm/smapwatch.spec")]
    if h.NOCHECK:
        cmd.insert(2, "--nocheck")
    t = time.monotonic()
    r = types.SimpleNamespace(top=top, rpms={})
    r.rc, r.out = h.run(cmd, log=os.path.join(tmp, "rpmbuild.log"),
                        env=h.build_env())
    h.info("rpmbuild: %.1f s" % (time.monotonic() - t))
    for d, _, names in os.walk(os.path.join(top, "RPMS")):
        for n in names:
            r.rpms[n.rsplit("-", 2)[0]] = os.path.join(d, n)
    srpms = os.path.join(top, "SRPMS")
    r.srpms = sorted(os.listdir(srpms)) if os.path.isdir(srpms) else []
    return r


@pytest.fixture(scope="session")
def rpms(rpm_build):
    if rpm_build.rc != 0:
        pytest.fail("rpmbuild failed (exit %d): see test_rpmbuild"
                    % rpm_build.rc)
    return rpm_build.rpms


# ---------------------------------------------------------------- installed

class InstallState:
    """The .debs installed on this machine, the state before, and the
    purge (once, whoever asks first: the purged fixture or the end)."""

    def __init__(self, debs):
        self.debs = debs
        self.before = h.snapshot()
        self.purged = False

    def install(self):
        t = time.monotonic()
        self.t_installed = t
        self.rc, self.out = h.apt(["install"] + [self.debs[p]
                                                 for p in h.PACKAGES])
        h.info("apt-get install of the 3 .debs: %.1f s"
               % (time.monotonic() - t))
        if self.rc == 0:
            # Read at once: test_install.py's postinst reruns change them.
            s = os.stat(h.PLUGIN)
            self.plugin_mode = stat.filemode(s.st_mode)
            self.plugin_uid = s.st_uid
            self.plugin_gid = s.st_gid
            self.plugin_caps = h.getcap(h.PLUGIN)
            self.apps_caps = h.getcap(h.APPS) if os.path.exists(h.APPS) else None

    def purge(self):
        if self.purged:
            return
        self.purged = True
        t = time.monotonic()
        h.info("installed window: %.1f s" % (t - self.t_installed))
        self.purge_rc, self.purge_out = purge_ours()
        h.info("purge: %.1f s" % (time.monotonic() - t))
        self.after = h.snapshot()
        self.status = {p: h.pkg_status(p) for p in h.PACKAGES}



@pytest.fixture(scope="session")
def install_state(ready, debs):
    state = InstallState(debs)
    try:
        state.install()
        yield state
    finally:
        state.purge()


def require_installed(state):
    if state.purged:
        pytest.fail("the packages are purged already: this test needs them "
                    "installed (conftest.py orders the tests by fixture)")
    if state.rc != 0:
        pytest.fail("apt-get install of the .debs failed (exit %d): see "
                    "test_apt_get_install" % state.rc)
    return state


@pytest.fixture
def installed(install_state):
    return require_installed(install_state)


@pytest.fixture(scope="session")
def postinst_reruns(tmp, install_state):
    """The postinst again with a setcap that fails, then again as it is;
    then netdata-core's chown of plugins.d and our file trigger. Recorded
    in one go so that the plugin has its capabilities back at the end."""
    require_installed(install_state)
    script = "/var/lib/dpkg/info/netdata-plugin-smaps.postinst"
    r = types.SimpleNamespace()
    fakebin = os.path.join(tmp, "nosetcap")
    os.makedirs(fakebin)
    with open(os.path.join(fakebin, "setcap"), "w") as f:
        f.write("#!/bin/sh\necho 'setcap: not supported' >&2\nexit 1\n")
    os.chmod(os.path.join(fakebin, "setcap"), 0o755)
    env = dict(os.environ, PATH=fakebin + ":" + os.environ["PATH"])
    r.nosetcap_rc, r.nosetcap_out = h.run([script, "configure", ""], env=env)
    r.nosetcap_mode = stat.filemode(os.stat(h.PLUGIN).st_mode)
    r.nosetcap_caps = h.getcap(h.PLUGIN)
    r.again_rc, r.again_out = h.run([script, "configure", ""])
    r.again_mode = stat.filemode(os.stat(h.PLUGIN).st_mode)
    r.again_caps = h.getcap(h.PLUGIN)
    # netdata-core's postinst (on its upgrades) chowns plugins.d, which
    # clears file capabilities; the file trigger on plugins.d runs our
    # postinst again. Simulated on our file only: the chown, then the
    # trigger dpkg activates when a package changes that directory.
    subprocess.run(["chown", "root:netdata", h.PLUGIN], check=True)
    r.chown_caps = h.getcap(h.PLUGIN)
    r.trigger_rc, r.trigger_out = h.run(["dpkg-trigger", "--no-await",
                                         "/usr/lib/netdata/plugins.d"])
    r.pending_rc, r.pending_out = h.run(["dpkg", "--triggers-only",
                                         "--pending"])
    r.trigger_caps = h.getcap(h.PLUGIN)
    return r


@pytest.fixture(scope="session")
def collectd_run(tmp, install_state):
    require_installed(install_state)
    return pkgdaemons.run_collectd(tmp)


@pytest.fixture(scope="session")
def netdata_run(tmp, install_state, postinst_reruns):
    """After postinst_reruns, as in the script: Netdata's plugin reads a
    root process with the capabilities the trigger set back."""
    require_installed(install_state)
    return pkgdaemons.run_netdata(tmp)


@pytest.fixture(scope="session")
def purged(install_state):
    install_state.purge()
    return install_state

