"""Names: every identifier the main instance made is valid (LISTVAL
straight on its socket, collectdctl, the csv files), each group has the
documented set of values and no other, hostile, long and colliding names
get the contract's identifiers, the Unit selector finds its member."""
import re

import pytest

import cdconfigs as cf
from cdharness import (ALLOWED, CATS, FIELDS, HOST, OWN, SIGNALS,
                       documented, expected_ids, info, quiet_log,
                       readme_counts)


def test_collectdctl_listval_works(done):
    assert done.listval_rc == 0, "collectdctl listval: exit %d: %s" % (
        done.listval_rc, done.listval_err)


@pytest.fixture(scope="session")
def smaps_ids(done):
    return [ln for ln in done.raw if "/smaps-" in ln or "/smaps_self/" in ln]


@pytest.fixture(scope="session")
def groups(smaps_ids):
    """{group: set(type-instance)} of the daemon's LISTVAL."""
    out = {}
    for ident in smaps_ids:
        parts = ident.split("/")
        if len(parts) == 3 and parts[1].startswith("smaps-"):
            out.setdefault(parts[1][len("smaps-"):], set()).add(parts[2])
    return out


def test_listval_identifiers_valid(smaps_ids):
    """host/smaps-[A-Za-z0-9_.+:@=,-]{1,63}/type[-same set], or
    host/smaps_self/OWN (the plugin's own cost, README "Values")."""
    bad = []
    for ident in smaps_ids:
        parts = ident.split("/")
        if len(parts) != 3 or parts[0] != HOST:
            bad.append(ident)
            continue
        plugin, _, pinst = parts[1].partition("-")
        typ, _, tinst = parts[2].partition("-")
        own = parts[1] == "smaps_self" and parts[2] in OWN
        if not own and plugin != "smaps" or \
           not (own or ALLOWED.match(pinst)) or \
           len(pinst) > 63 or (tinst and not ALLOWED.match(tinst)):
            bad.append(ident)
    assert smaps_ids and not bad, "LISTVAL: %d smaps identifiers, all " \
        "valid: invalid: %r" % (len(smaps_ids), bad[:5])


def test_collectdctl_shows_every_identifier(done):
    """Each part <= 63 chars, libcollectdclient's LCC_NAME_LEN."""
    ctl = set(ln for ln in done.listval.splitlines() if ln)
    lost = sorted(set(done.raw) - ctl)
    if lost and done.probe:
        info("collectdctl getval %s -> exit %d, %s" % (
            lost[0], done.probe[0], (done.probe[1] + done.probe[2]).strip()))
    assert not lost, "collectdctl listval shows every identifier the " \
        "daemon has: %d not addressable, e.g. %s (collectdctl shows %s)" % (
            len(lost), lost[:1], sorted(ctl - set(done.raw))[:1])


def test_csv_names_valid(done):
    """Every path component of the smaps plugin dirs."""
    badf = []
    for pd, types in done.main.csv_files().items():
        if not pd.startswith("smaps"):
            continue
        for t in [pd] + sorted(types):
            if not ALLOWED.match(t):
                badf.append(t)
    assert not badf, "csv: every smaps file and directory name is valid: " \
        "invalid: %r" % badf[:5]


def test_swidle_documented_values(groups):
    """Fields, Categories and Signals "all" (README "Values"), with
    GrowthWindow 10 every signal present after a few cycles."""
    std = documented(FIELDS, CATS, SIGNALS)
    have = groups.get("swidle", set())
    extra = {t for t in have - std
             if not re.fullmatch(r"memory-lib_.+_(%s)" % "|".join(FIELDS), t)}
    fam = sorted({re.sub("(%s)" % "|".join(CATS), "CAT", t) for t in extra})
    assert not (std - have) and not extra, "swidle has the %d documented " \
        "values (and lib_*), no other: missing %s; %d undocumented: %s" % (
            len(std), sorted(std - have)[:8], len(extra), ", ".join(fam))


def test_series_per_group_everything(groups):
    _, everything = readme_counts()
    n = len([t for t in groups.get("swidle", ()) if "lib_" not in t]) + 1
    assert n == everything, "series per group with every field, category " \
        "and signal = README's figure (%s): counted %d (ps_count: 2)" % (
            everything, n)


@pytest.mark.parametrize("name_raw,what,live", [
    (cf.HOSTILE1, "Process 'a b\"c/d' (space quote slash)", 1),
    (cf.HOSTILE2, "Process 'a b\"c/d\\ne' (raw newline in the config)", 1),
    (b'nl "m"/x', "ProcessMatch on the cmdline of the newline process", 1),
    (b"x/y", "group 'x/y'", 0), (b"x_y", "group 'x_y'", 0),
    (cf.LONG.encode(), "group of 77 chars", 0)],
    ids=["hostile1", "hostile2", "match-newline", "x-slash-y", "x_y",
         "long"])
def test_hostile_names(done, groups, name_raw, what, live):
    c = done.main
    ids = expected_ids(name_raw)
    found = [i for i in ids if i in groups]
    v = c.csv_last("smaps-" + found[0], "ps_count") if found else None
    rss = c.csv_last("smaps-" + found[0], "memory-total_rss") \
        if found else None
    seen = sorted(g for g in groups if not g.startswith("sw"))
    assert found and v == [float(live), float(live)] and \
        (not live or (rss and rss[0] > 0)), ("%s -> smaps-%s, %d "
        "process(es): ps_count %s, total_rss %s; groups seen: %s" % (
            what, found[0] if found else " or ".join(ids), live, v, rss,
            seen))[:300]


def test_slash_and_underscore_do_not_collide(groups):
    other = [i for i in expected_ids(b"x/y") if i != "x_y"]
    assert "x_y" in groups and any(i in groups for i in other), \
        "'x/y' and 'x_y' do not collide: x_y %s, x/y as %s %s" % (
            "x_y" in groups, other, [i in groups for i in other])


def test_unit_member(done):
    if not done.unit:
        pytest.skip("Unit selector: no writable cgroup hierarchy to make a "
                    "NAME.service cgroup in")
    v = done.main.csv_last("smaps-swunit", "ps_count")
    assert v == [1.0, 1.0], "Unit %s: 1 process: ps_count %s" % (done.unit, v)


# ---- the collide instance: names equal in their first 63 characters


def test_long_names_distinct(side):
    """Names equal in their first 63 characters, or equal once
    sanitized, still give distinct identifiers, each the sanitized name
    + _FNV1a32 (from the csv, which has them whole)."""
    c = side.collide
    dirs = sorted(d[len("smaps-"):] for d in c.csv_files()
                  if d.startswith("smaps-"))
    want = [expected_ids(n.encode()) for n in cf.COLLIDE]
    got = [[i for i in ids if i in dirs] for ids in want]
    assert len(dirs) == len(cf.COLLIDE) and all(got), "%d long or " \
        "truncated names -> %d distinct identifiers: got %s; wanted one " \
        "of each %s" % (len(cf.COLLIDE), len(cf.COLLIDE), dirs, want)


def test_collide_quiet_log(side):
    quiet_log(side.collide, "collide")
