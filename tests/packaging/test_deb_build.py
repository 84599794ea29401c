"""test_deb_build.py - dpkg-buildpackage -us -uc on the staged tree builds
the source package and the three binary packages."""
import pytest

import pkgharness as h


def test_dpkg_buildpackage(deb_build):
    assert deb_build.rc == 0, "dpkg-buildpackage -us -uc: exit %d, last " \
        "lines:\n%s" % (deb_build.rc, h.tail(deb_build.out, 25))


@pytest.mark.parametrize("pkg", h.PACKAGES)
def test_binary_package_built(deb_build, pkg):
    f = deb_build.found[pkg]
    assert len(f) == 1, "binary package %s built: %r" % (pkg, f)
