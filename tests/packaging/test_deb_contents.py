"""test_deb_contents.py - the files each .deb holds are those of `make
install PREFIX=/usr` with the Makefile's default directories, path for
path and mode for mode (man pages and docs over 4 KiB gzipped by
dh_compress; copyright, changelog.Debian.gz and the lintian overrides are
Debian's own), at Debian's paths."""
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
