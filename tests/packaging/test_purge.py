"""test_purge.py - the packages purged (conftest.py's purged fixture; these
tests run last): the machine is as before, the same files, modes and
capabilities under every directory the packages touch, collectd-core and
netdata-core still installed at the same version."""
import pkgharness as h


def test_apt_get_purge(purged):
    assert purged.purge_rc == 0, "apt-get purge of the packages: %s" % \
        purged.purge_out[-1000:]


def test_machine_as_before(purged):
    before, after = purged.before, purged.after
    gone = sorted(set(before) - set(after))
    new = sorted(set(after) - set(before))
    changed = sorted(p for p in set(before) & set(after)
                     if before[p] != after[p] and p != "dpkg")
    assert not gone and not new and not changed, "after purge, the machine " \
        "is as before under %s: new %s; gone %s; changed %s" % (
            ", ".join(h.WATCHED), new[:10], gone[:10], changed[:10])


def test_stock_daemons_installed_as_before(purged):
    before, after = purged.before["dpkg"], purged.after["dpkg"]
    assert before == after and after.count("ii ") == 2, "collectd-core and " \
        "netdata-core installed as before: %r -> %r" % (before, after)


def test_dpkg_knows_none_of_the_packages(purged):
    assert all(s in ("unknown", "pn") for s in purged.status.values()), \
        "dpkg knows none of the packages any more: %r" % purged.status
