"""test_rpm.py - rpmbuild -ba --nodeps builds packaging/rpm/smapwatch.spec
from the same orig tarball; the three RPMs hold their files, smaps.plugin
with its file capabilities and mode 0754 root:netdata."""
import os

import pytest

import pkgharness as h


@pytest.fixture(scope="module")
def contents(rpms, version):
    """{package: ({path: (perms, owner, caps)}, {paths as RPM_FILES names
    them})} of every RPM built."""
    return {pkg: h.rpm_files(rpm, version) for pkg, rpm in rpms.items()}


def test_rpmbuild(rpm_build):
    assert rpm_build.rc == 0, "rpmbuild -ba packaging/rpm/smapwatch.spec: " \
        "exit %d:\n%s" % (rpm_build.rc, h.tail(rpm_build.out, 20))


def test_source_rpm_built(rpms, rpm_build):
    assert any(n.endswith(".src.rpm") for n in rpm_build.srpms), \
        "source RPM built: SRPMS holds %r" % rpm_build.srpms


@pytest.mark.parametrize("pkg", sorted(h.RPM_FILES))
def test_rpm_holds_its_files(contents, pkg):
    assert pkg in contents, "RPM %s built: %r" % (pkg, sorted(contents))
    files, names = contents[pkg]
    want = h.RPM_FILES[pkg]
    assert names == want, "RPM %s holds its files: got %s; missing %s, " \
        "extra %s" % (pkg, sorted(names), sorted(want - names),
                      sorted(names - want))


def test_rpm_plugin_mode_owner_caps(rpms, contents):
    pkg = "netdata-plugin-smaps"
    assert pkg in contents, "RPM %s built: %r" % (pkg, sorted(contents))
    files, _ = contents[pkg]
    plugin = files.get(h.RPM_PLUGIN)
    assert plugin == ("-rwxr-xr--", "root:netdata", h.CAPS), \
        "RPM smaps.plugin 0754 root:netdata with %s: %r (%s)" % (
            h.CAPS, plugin, os.path.basename(rpms[pkg]))
