"""test_make_install.py - `make install` and `make uninstall` with DESTDIR
and PREFIX, from the staged source tree: the files land where the packages
have them, and uninstall removes every one it put there."""
import os

import pytest

import pkgharness as h


def test_make_install_prefix_usr(make_install):
    assert make_install.rc == 0, "make install PREFIX=/usr DESTDIR=...: " \
        "exit %d: %s" % (make_install.rc, make_install.out[-2000:])


def test_make_install_puts_files_where_the_packages_have_them(make_install):
    missing = sorted(h.MAKE_INSTALL_NEED - set(make_install.files))
    assert not missing, "make install PREFIX=/usr installs the plugins, the " \
        "collectd examples and Netdata's stock configs where the packages " \
        "have them: missing %s (the Makefile change in " \
        "packaging/README-section.md?)" % missing


@pytest.mark.parametrize("prefix", ["/usr", "/opt/smapwatch"])
def test_make_uninstall_removes_what_install_put(tmp, staged, make_install,
                                                 prefix):
    """install then uninstall with the same PREFIX and DESTDIR (the build
    of make_install, so nothing is compiled again)."""
    dest = os.path.join(tmp, "uninstall" + prefix.replace("/", "-"))
    common = ["make", "-C", staged.src, "BUILD=" + make_install.build,
              "PREFIX=" + prefix, "DESTDIR=" + dest]
    log = os.path.join(tmp, "make-uninstall%s.log" % prefix.replace("/", "-"))
    rc, out = h.run(common + ["install"], log=log, env=h.build_env())
    n = sum(len(f) for _, _, f in os.walk(dest))
    assert rc == 0 and n >= 9, "make install PREFIX=%s DESTDIR=...: exit " \
        "%d, %d files: %s" % (prefix, rc, n, out[-1000:])
    rc, out = h.run(common + ["uninstall"], log=log, env=h.build_env())
    left = h.left_behind(dest)
    assert rc == 0 and not left, "make uninstall PREFIX=%s DESTDIR=... " \
        "removes all %d files install put there: exit %d, left %s: %s" % (
            prefix, n, rc, left[:6], out[-1000:])
