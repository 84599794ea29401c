"""Config errors (cdconfigs.ERROR_CASES): one collectd per error, each with
the load and memory plugins beside smaps. Bad input gets one clear
ERROR line naming the option, the plugin is unloaded, and nothing else is
lost: collectd keeps running and writing load and memory, and no smaps
value is written."""
import pytest

import cdconfigs as cf
from cdharness import info

CASES = sorted(cf.ERROR_CASES)


@pytest.fixture
def err(side, request):
    """(instance, option, extra text) of one error case."""
    name = request.node.callspec.params["case"]
    _, option, extra = cf.ERROR_CASES[name]
    return side.errs[name], option, extra


@pytest.mark.parametrize("case", CASES)
def test_one_error_line(err, case):
    c, option, extra = err
    errs = [m for s, m in c.log_lines() if s == "error"]
    sm = [m for m in errs if m.startswith("smaps plugin: ")]
    if sm:
        info("%s: %s" % (case, sm[0]))
    assert len(sm) == 1 and option.lower() in sm[0].lower() and \
        (extra is None or extra in sm[0]), "config error %s: one ERROR " \
        "\"smaps plugin: ...%s...\"%s: error lines: %r" % (
            case, option, " with %r" % extra if extra else "", errs)


@pytest.mark.parametrize("case", CASES)
def test_unload_line(err, case):
    c = err[0]
    lines = c.log_lines()
    assert any(m == cf.UNLOAD for _, m in lines), "config error %s: the " \
        "unload line %r: log: %r" % (case, cf.UNLOAD,
                                      [m for _, m in lines][:8])


@pytest.mark.parametrize("case", CASES)
def test_load_and_memory_still_written(err, case):
    c = err[0]
    load = c.csv_series("load", "load")
    mem = c.csv_series("memory", "memory-used")
    assert len(load) >= 2 and mem and load[-1][0] > c.started + 1, \
        "config error %s: load and memory still written: %d load rows " \
        "(last at +%.1f s), %d memory-used rows" % (
            case, len(load), load[-1][0] - c.started if load else 0,
            len(mem))


@pytest.mark.parametrize("case", CASES)
def test_no_smaps_values(err, case):
    files = err[0].csv_files()
    assert not [d for d in files if d.startswith("smaps")], \
        "config error %s: no smaps values: csv has %s" % (case, sorted(files))


@pytest.mark.parametrize("case", CASES)
def test_collectd_still_running(err, case):
    rc = err[0].p.poll()
    assert rc is None, "config error %s: collectd still running: exit %s" % (
        case, rc)
