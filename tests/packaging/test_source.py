"""test_source.py - the versions the packages take and the orig tarball
of the source tree (tracked and untracked files, not ignored ones: what is
about to be committed)."""
import os
import re
import tarfile

import pkgharness as h


def test_changelog_version_is_sw_version(version):
    ch = open(os.path.join(h.ROOT, "packaging/debian/changelog")).readline()
    m = re.match(r"smapwatch \(([^)-]+)-[^)]+\)", ch)
    assert m and m.group(1) == version, "debian/changelog's upstream version " \
        "is SW_VERSION %s: changelog: %r (add a changelog entry)" % (
            version, ch.strip())


def test_spec_version_is_sw_version(version):
    spec = open(os.path.join(h.ROOT, "packaging/rpm/smapwatch.spec")).read()
    m = re.search(r"^Version:\s*(\S+)", spec, re.M)
    assert m and m.group(1) == version, \
        "smapwatch.spec Version is %s: spec: %r" % (version, m and m.group(1))


def test_orig_tarball(staged, version):
    name = os.path.basename(staged.orig)
    assert staged.tar_rc == 0, "orig tarball %s: %s" % (name, staged.tar_out)
    with tarfile.open(staged.orig) as t:
        members = {m.name for m in t.getmembers() if m.isfile()}
    want = {"smapwatch-%s/%s" % (version, n) for n in h.source_files()}
    assert members == want, "orig tarball %s holds the source files: only " \
        "in the tarball %s; only in the tree %s" % (
            name, sorted(members - want)[:10], sorted(want - members)[:10])
    stray = sorted(m for m in members if re.search(
        r"/(build|\.git|__pycache__)/|\.o$", m))
    assert not stray, "orig tarball %s: build output or git files: %s" % (
        name, stray[:10])
