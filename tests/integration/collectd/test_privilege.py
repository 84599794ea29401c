"""collectd run as nobody beside root's processes: the idle process's
smaps unreadable (EACCES: one WARNING saying what it needs, not one per
cycle; ps_state-unreadable), and its fds uncounted (issue 18, defect 8:
not a 0; ps_state-fds_uncounted says how many, file_handles not
dispatched when none was counted, one WARNING for the group), also with
CAP_SYS_PTRACE, which makes smaps readable but not /proc/PID/fd."""
import pytest

import cdconfigs as cf
from cdharness import info


@pytest.fixture(scope="session")
def nobody(side):
    if not side.nobody:
        pytest.skip("EACCES (unreadable process): needs root, to run one "
                    "collectd as nobody beside our processes")
    return side


@pytest.fixture(scope="session")
def eacces(nobody):
    c = nobody.nobody
    warns = [m for s, m in c.log_lines() if s == "warning" and
             m.startswith("smaps plugin: ") and m != cf.FDS_WARNING]
    rows = c.csv_series("smaps-swidle", "ps_state-unreadable")
    if warns:
        info("eacces: %s" % warns[0])
    info("eacces: ps_count of the unreadable process's group: %s (not in "
         "the contract)" % c.csv_last("smaps-swidle", "ps_count"))
    return c, warns, rows


def test_eacces_one_warning(eacces):
    _, warns, rows = eacces
    assert len(warns) == 1 and len(rows) >= 3, "EACCES: one WARNING for " \
        "the process over %d cycles (>= 3): warnings %r" % (len(rows), warns)


def test_eacces_warning_says_what_it_needs(eacces):
    _, warns, _ = eacces
    assert warns and "with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH to " \
        "include it" in warns[0], "EACCES: the WARNING says what it " \
        "needs: %r" % warns[:1]


def test_eacces_unreadable(eacces):
    _, _, rows = eacces
    assert rows and all(v == [1.0] for _, v in rows), \
        "EACCES: ps_state-unreadable = 1: rows %s" % [v for _, v in rows]


def test_eacces_no_error(eacces):
    c = eacces[0]
    errs = [m for s, m in c.log_lines() if s == "error"]
    assert not errs, "EACCES: no ERROR: %r" % errs


# instance: the ps_state-unreadable it must show
FDS = {"eacces": 1, "nofds": 0}


@pytest.fixture(scope="session", params=sorted(FDS))
def fds(request, nobody):
    name = request.param
    return (nobody.nobody if name == "eacces" else nobody.nofds), name


def test_fds_uncounted(fds):
    c, name = fds
    rows = c.csv_series("smaps-swidle", "ps_state-fds_uncounted")
    assert len(rows) >= 3 and all(v == [1.0] for _, v in rows), \
        "fds uncounted (%s): ps_state-fds_uncounted = 1: rows %s" % (
            name, [v for _, v in rows])


def test_fds_no_false_zero(fds):
    c, name = fds
    types = c.csv_files().get("smaps-swidle", ())
    assert not [t for t in types if t.startswith("file_handles")], \
        "fds uncounted (%s): no file_handles dispatched (no false 0): " \
        "%r" % (name, sorted(types))


def test_fds_one_warning(fds):
    c, name = fds
    lines = c.log_lines()
    said = [m for s, m in lines if m == cf.FDS_WARNING]
    assert len(said) == 1 and all(s == "warning" for s, m in lines
                                  if m == cf.FDS_WARNING), \
        "fds uncounted (%s): one WARNING for the group %r: %r" % (
            name, cf.FDS_WARNING, [ln for ln in lines if "fds" in ln[1]])


def test_fds_unreadable_state(fds):
    c, name = fds
    rows = c.csv_series("smaps-swidle", "ps_state-unreadable")
    assert rows and all(v == [float(FDS[name])] for _, v in rows), \
        "fds uncounted (%s): ps_state-unreadable = %d: rows %s" % (
            name, FDS[name], [v for _, v in rows])
