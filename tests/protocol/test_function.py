"""test_function.py - the smaps function on the run's live workloads: the
drill-down table within the Rss cap (Netdata 1.37.1's calls), and Netdata
2.x's side of the protocol: the registration's access, a caller's access
checked, FUNCTION_PAYLOAD, FUNCTION_PROGRESS, FUNCTION_CANCEL and QUIT,
first as a test writes them, then byte for byte as v2.10.4's
src/plugins.d/pluginsd_functions.c and pluginsd_parser.c write them."""

import json
import os
import subprocess
import time
from types import SimpleNamespace

import pytest

import pluginsd
from plugrun import HOSTILE_GROUP, popen, read_for, results, stop


def hostile_conf(tmp, name):
    conf = os.path.join(tmp, name)
    with open(conf, "wb") as f:
        f.write(HOSTILE_GROUP)
    return conf


@pytest.mark.parametrize("capped", [True, False], ids=["capped", "allow-large"])
def test_function_cap(tmp, pids, capped):
    """The drill-down table keeps to the Rss cap: with a cap of 1 MiB the
    workloads (several MiB each) are capped, the table asked for has no row
    of theirs and each is logged once; with --allow-large it has them."""
    conf = hostile_conf(tmp, "cap.conf")
    call = [(2.2, b'FUNCTION tx-cap 10 "smaps group:hostile"\n'),
            (2.4, b'FUNCTION tx-cap2 10 "smaps group:hostile"\n')]
    extra = [] if capped else ["--allow-large", "hostile"]
    p = popen(["--all-charts", "--config", conf, "--rss-cap-mib", "1",
               "--full-interval", "0"] + extra)
    try:
        out, _ = read_for(p, 3.0, call)
    finally:
        stop(p)
    err = p.stderr.read().decode("utf-8", "replace")
    c = pluginsd.check(out)
    res = results(c)
    assert all(res.get(tx, (0,))[0] == 200 for tx in ("tx-cap", "tx-cap2")), \
        "function: both calls answered 200: %r" % {k: v[0] for k, v in res.items()}
    rows = [{r[1] for r in json.loads(res.get(tx, (0, "", b"{}"))[2])
             .get("data", [])} for tx in ("tx-cap", "tx-cap2")]
    said = [l for l in err.splitlines()
            if "not in the table: Rss over the cap" in l]
    tier = c.charts.get("smaps.hostile_tier", {}).get("values", [{}])[-1]
    status = c.charts.get("smaps.hostile_status", {}).get("values", [{}])[-1]
    n = len(pids)
    assert tier == {"measured": 0 if capped else n,
                    "capped": n if capped else 0, "backed_off": 0} \
        and (status.get("rss") or 0) > n << 20, \
        "tier chart %r; the status chart still counts the capped: %r" \
        % (tier, status)
    if capped:
        skipped = c.charts.get("netdata.smaps_skipped", {}).get(
            "values", [{}])[-1].get("capped")
        assert rows == [set(), set()] and len(said) == n and skipped == n, \
            "function: capped processes not read for the table, each " \
            "logged once over two calls: rows %r, %r, skipped %r" \
            % (rows, said, skipped)
    else:
        assert rows == [set(pids), set(pids)] and not said, \
            "function: --allow-large: the table has them: %r %r" % (rows, said)


@pytest.fixture(scope="module")
def nd2(tmp, workloads):
    """Netdata 2.x's calls, as a test writes them, then QUIT: the run's
    checked output, answers, exit status (None: QUIT not obeyed) and log."""
    conf = hostile_conf(tmp, "nd2.conf")
    src = b'"method=api,role=any,permissions=0x13,ip=127.0.0.1"'
    calls = [(1.2, b'FUNCTION tx-anon 10 "smaps group:hostile" "0x8" ' + src + b"\n"),
             (1.3, b'FUNCTION tx-user 10 "smaps group:hostile" "0x13" ' + src + b"\n"),
             (1.4, b'FUNCTION_PAYLOAD tx-pay 10 "smaps group:hostile" "0x13" '
                   + src + b' "application/json"\n'
                   b'{"selections": {}}\n'
                   b'FUNCTION tx-inside 10 "smaps group:hostile"\n'
                   b"FUNCTION_PAYLOAD_END\n"),
             (1.5, b"FUNCTION_PROGRESS tx-pay\n"),
             (1.6, b"FUNCTION_CANCEL tx-pay\n"),
             (2.0, b"QUIT\n")]
    p = popen(["--all-charts", "--config", conf, "--full-interval", "0"])
    try:
        out, _ = read_for(p, 3.5, calls)
        try:
            rc = p.wait(timeout=3)
        except subprocess.TimeoutExpired:
            rc = None     # QUIT not obeyed
    finally:
        stop(p)
    c = pluginsd.check(out)
    return SimpleNamespace(c=c, res=results(c), rc=rc,
                           err=p.stderr.read().decode("utf-8", "replace"))


def test_netdata2_grammar(nd2):
    assert not nd2.c.problems, "2.x calls: grammar: " + "; ".join(nd2.c.problems[:5])


def test_netdata2_registration(nd2):
    """The registration asks for a signed-in user allowed to see sensitive
    data (access 0x13, what 2.x's own `processes` function asks)."""
    f = nd2.c.functions[0] if nd2.c.functions else []
    assert len(f) == 9 and f[2] == b"smaps" and f[5] == b"top" and f[6] == b"0x13", \
        "registered with tags top and access 0x13: %r" % (f,)


def test_netdata2_access_refused(nd2):
    got = nd2.res.get("tx-anon", (0, "", b""))
    assert got[0] == 403 and b"signed-in" in got[2], \
        "a caller without sensitive-data access gets 403: %r" % (got[:2],)


def test_netdata2_calls_answered(nd2):
    """A call with the access bits, and a FUNCTION_PAYLOAD call answered
    at FUNCTION_PAYLOAD_END."""
    rows = {tx: len(json.loads(nd2.res[tx][2]).get("data", []))
            for tx in ("tx-user", "tx-pay") if nd2.res.get(tx, (0,))[0] == 200}
    assert rows.get("tx-user", 0) > 0 and rows.get("tx-pay", 0) > 0, \
        "a signed-in call and a payload call answered with rows: %r %r" \
        % (rows, {k: v[0] for k, v in nd2.res.items()})


def test_netdata2_payload_is_not_a_call(nd2):
    assert "tx-inside" not in nd2.res, \
        "a payload line is not a call: %r" % sorted(nd2.res)


def test_netdata2_quit(nd2):
    assert nd2.rc == 0 and "asked the plugin to quit" in nd2.err, \
        "QUIT: exit %r, said so: %r" % (nd2.rc, nd2.err[-300:])


def test_netdata2_keywords_not_errors(nd2):
    """FUNCTION_CANCEL and FUNCTION_PROGRESS are not logged as errors."""
    assert "not FUNCTION" not in nd2.err and "malformed" not in nd2.err, \
        "no error logged for 2.x's keywords: %r" % nd2.err[-300:]


@pytest.fixture(scope="module")
def nd2_written(tmp, workloads):
    """Every line 2.x writes to a plugin's stdin, byte for byte as v2.10.4
    writes them: transactions are compact UUIDs; FUNCTION with the access
    as 0x%x and the source user_auth_to_source_buffer() makes;
    FUNCTION_PAYLOAD with a content type, the payload, then
    "\\nFUNCTION_PAYLOAD_END\\n"; FUNCTION_PROGRESS and FUNCTION_CANCEL of
    a transaction; and QUIT with no newline (PLUGINSD_CALL_QUIT is
    "QUIT"), then the pipe closed."""
    conf = hostile_conf(tmp, "nd2w.conf")
    tx = [b"%032x" % (0x5eed << 64 | k) for k in range(3)]
    src = (b'"method=NC,role=admin,permissions=0x1f,user=Jane Doe,'
           b'account=0123456789abcdef0123456789abcdef,ip=10.1.2.3,'
           b'forwarded_for=192.0.2.7"')
    calls = [(1.2, b"FUNCTION " + tx[0] + b' 10 "smaps group:hostile" "0x13" '
              + src + b"\n"),
             (1.3, b"FUNCTION_PAYLOAD " + tx[1] + b' 10 "smaps group:hostile"'
              b' "0x13" ' + src + b' "application/json"\n'
              b'{"query":"x"}\nFUNCTION_PAYLOAD_END\n'),
             (1.4, b"FUNCTION_PROGRESS " + tx[1] + b"\n"),
             (1.5, b"FUNCTION_CANCEL " + tx[2] + b"\n"),
             (1.8, b"QUIT")]
    p = popen(["--all-charts", "--config", conf, "--full-interval", "0"])
    try:
        out, _ = read_for(p, 2.0, calls)
        p.stdin.close()          # what spawn_popen_kill() does next
        t0 = time.monotonic()
        try:
            rc = p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            rc = None
        took = time.monotonic() - t0
    finally:
        stop(p)
    out += p.stdout.read()
    res = results(pluginsd.check(out))
    return SimpleNamespace(
        got={t.decode(): res.get(t.decode(), (0,))[0] for t in tx},
        tx=[t.decode() for t in tx], rc=rc, took=took,
        err=p.stderr.read().decode("utf-8", "replace"))


def test_netdata2_as_written_answered(nd2_written):
    tx = nd2_written.tx
    assert nd2_written.got == {tx[0]: 200, tx[1]: 200, tx[2]: 0}, \
        "2.x's calls as written: answered by transaction: %r" % nd2_written.got


def test_netdata2_as_written_bare_quit(nd2_written):
    """The plugin must still quit at once, with status 0."""
    w = nd2_written
    assert w.rc == 0 and w.took < 1.0 and "asked the plugin to quit" in w.err, \
        "a bare QUIT, then the pipe closed: exit %r after %.2f s, said so: %r" \
        % (w.rc, w.took, w.err[-300:])


def test_netdata2_as_written_no_error(nd2_written):
    err = nd2_written.err
    assert "not FUNCTION" not in err and "malformed" not in err, \
        "no error logged for 2.x's lines: %r" % err[-300:]
