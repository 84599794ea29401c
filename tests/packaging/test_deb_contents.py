"""test_deb_contents.py - the files each .deb holds are those of its part
of `make install PREFIX=/usr` (the command's, install-collectd's,
install-netdata's) with the Makefile's default directories, path for path
and mode for mode (man pages and docs over 4 KiB gzipped by dh_compress;
copyright, changelog.Debian.gz and the lintian overrides are Debian's
own), at Debian's paths; and the three together are make install's."""
import pytest

import pkgharness as h


@pytest.fixture(scope="module")
def shipped(debs):
    """({path: mode} the .debs ship, [paths shipped twice])."""
    return h.shipped_files(debs)


def test_no_file_in_two_packages(shipped):
    files, twice = shipped
    assert not twice, "no file in two packages: %r" % twice


def test_packages_ship_exactly_the_make_install_files(shipped, make_install):
    files, installed = shipped[0], make_install.files
    extra = sorted(set(files) - set(installed))
    missing = sorted(set(installed) - set(files))
    assert not extra and not missing, "the packages ship exactly the %d " \
        "files of `make install PREFIX=/usr`: only in packages: %s; only " \
        "in make install: %s" % (len(installed), extra, missing)


def test_install_parts_are_the_whole_install(install_parts, make_install):
    union = {}
    for files in install_parts.values():
        union.update(files)
    assert union == make_install.files and \
        sum(map(len, install_parts.values())) == len(union), (
            "the three parts of make install (%s) install its %d files "
            "once each: %d files, only in the parts %s, only in make "
            "install %s" % (", ".join("%s %d" % (p, len(f)) for p, f in
                                      install_parts.items()),
                            len(make_install.files), len(union),
                            sorted(set(union) - set(make_install.files)),
                            sorted(set(make_install.files) - set(union))))


@pytest.mark.parametrize("pkg", h.PACKAGES)
def test_each_package_ships_its_install_part(debs, install_parts, pkg):
    """A file in the wrong package passes the tests of the three taken
    together: each package against its own part of make install."""
    files, part = h.package_files(pkg, debs[pkg]), install_parts[pkg]
    extra, missing = sorted(set(files) - set(part)), sorted(set(part) - set(files))
    modes = sorted(p for p in set(files) & set(part) if files[p] != part[p])
    assert not extra and not missing and not modes, (
        "%s ships the %d files of its part of make install, with their "
        "modes: only in the package %s; only in the part %s; modes differ %s"
        % (pkg, len(part), extra, missing, modes))


def test_same_modes_as_make_install(shipped, make_install):
    files, installed = shipped[0], make_install.files
    modes = sorted(p for p in set(files) & set(installed)
                   if files[p] != installed[p])
    assert not modes, "same modes in the packages and make install: " + \
        ", ".join("%s %s/%s" % (p, files[p], installed[p]) for p in modes)


def test_debian_paths(shipped):
    missing = sorted(h.DEB_PATHS - set(shipped[0]))
    assert not missing, "Debian's paths: collectd's PluginDir, Netdata's " \
        "plugins.d and stock conf.d, the examples, the man pages, the " \
        "docs: missing %s" % missing
