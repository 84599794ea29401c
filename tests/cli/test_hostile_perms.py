"""test_hostile_perms.py - every byte a saved proc tree puts in a mapping
reaches the outputs escaped (issue 18, defect 14): the permissions column,
paths and VmFlags of tests/fixtures/hostile-perms (hostile_perms.py) in the
CLI's text and JSON and in the Netdata function's JSON.

    BUILD=build python3 -m pytest -q tests/cli/test_hostile_perms.py
"""
import json
import os
import select
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(os.path.dirname(HERE), "fixtures")
sys.path.insert(0, FIXTURES)
import hostile_perms as hp  # noqa: E402

BUILD = os.environ.get("BUILD", "build")
TREE = os.path.join(FIXTURES, "hostile-perms")
SMAPWATCH = os.path.join(BUILD, "smapwatch")
PLUGIN = os.path.join(BUILD, "smaps.plugin")

# What the kernel-format header of each hostile mapping carries, by start.
HOSTILE = {
    "55d0c1000000": (hp.PERMS[0], "[heap]", "heap"),
    "7f0000000000": (hp.PERMS[1], "", "anon"),
    "7f0000100000": (hp.PERMS[2], "", "anon"),
    "7f0000200000": ("rw-p", hp.PATH, "files"),
}


def latin1(b):
    return b.decode("latin-1")


def assert_printable(out, what):
    """Only printable ASCII and newlines: nothing a terminal acts on."""
    bad = sorted({c for c in out if c != 0x0a and not 0x20 <= c < 0x7f})
    assert not bad, "%s: raw bytes %r" % (what, [hex(c) for c in bad])


def escaped(s):
    """sw_escape's form of the bytes s holds (as latin-1 text)."""
    out = ""
    for c in s.encode("latin-1"):
        if c == 0x5c:
            out += "\\\\"
        elif 0x20 <= c < 0x7f:
            out += chr(c)
        else:
            out += "\\x%02x" % c
    return out


def run(*args):
    r = subprocess.run([SMAPWATCH, "-r", TREE] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_cli_text_escapes_every_column():
    out = run("-m", str(hp.PID))
    assert_printable(out, "smapwatch -m")
    rows = {}
    for line in latin1(out).splitlines():
        if line[:12] in HOSTILE or line[:12] == "55d0c1000000":
            rows[line[:12]] = line
    assert sorted(rows) == sorted(HOSTILE)
    for start, (perms, name, cat) in HOSTILE.items():
        cols = rows[start].split(None, 3)
        assert cols[1] == escaped(perms), rows[start]
        assert cols[2] == cat, rows[start]
        assert rows[start].endswith("  " + escaped(name)), rows[start]
    # the process line too: comm carries ESC
    assert ("%d: %s " % (hp.PID, escaped(latin1(hp.COMM)))) in latin1(out)


def json_maps(doc):
    procs = doc["processes"] if "processes" in doc else doc
    (proc,) = [p for p in procs if p["pid"] == hp.PID]
    return proc, {m["start"]: m for m in proc["maps"]}


def test_cli_json_parses_with_the_bytes_given():
    out = run("-m", "-j", str(hp.PID))
    assert_printable(out, "smapwatch -m -j")
    proc, maps = json_maps(json.loads(out))
    assert proc["comm"] == latin1(hp.COMM)
    for start, (perms, name, cat) in HOSTILE.items():
        assert maps[start]["perms"] == perms
        assert maps[start]["name"] == name
        assert maps[start]["category"] == cat
    assert maps["7f0000200000"]["vmflags"] == hp.VMFLAGS


def read_until(proc, marker, seconds):
    """The plugin's stdout up to and including the line `marker`."""
    buf, end = b"", time.monotonic() + seconds
    while marker not in buf:
        left = end - time.monotonic()
        assert left > 0, "no %r in %d s: %r" % (marker, seconds, buf[-400:])
        if select.select([proc.stdout], [], [], left)[0]:
            chunk = os.read(proc.stdout.fileno(), 65536)
            assert chunk, "plugin exited: %r" % buf[-400:]
            buf += chunk
    return buf


def test_function_json_parses_with_the_bytes_given(tmp_path):
    conf = tmp_path / "g.conf"
    conf.write_bytes(b"hostile: *hostileperms*\n")
    proc = subprocess.Popen([PLUGIN, "1", "--config", str(conf),
                             "--proc-root", TREE, "--full-interval", "0"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    try:
        read_until(proc, b"\nEND\n", 20)  # one cycle charted
        proc.stdin.write(b'FUNCTION tx-hp 10 "smaps pid:%d"\n' % hp.PID)
        proc.stdin.flush()
        out = read_until(proc, b"\nFUNCTION_RESULT_END\n", 20)
    finally:
        proc.kill()
        proc.wait()
    body = out.split(b"FUNCTION_RESULT_BEGIN tx-hp 200 application/json")[1]
    body = body.split(b"\n", 1)[1].split(b"\nFUNCTION_RESULT_END\n")[0]
    assert_printable(body, "the function's JSON")
    doc = json.loads(body)
    cols = {k: v["index"] for k, v in doc["columns"].items()}
    rows = {r[cols["Start"]]: r for r in doc["data"]}
    assert sorted(HOSTILE) == sorted(s for s in rows if s in HOSTILE)
    for start, (perms, name, cat) in HOSTILE.items():
        r = rows[start]
        assert r[cols["Perms"]] == perms
        assert r[cols["Name"]] == name
        assert r[cols["Category"]] == cat
        assert r[cols["Process"]] == latin1(hp.COMM)
    assert rows["7f0000200000"][cols["VmFlags"]] == hp.VMFLAGS


def test_snapshot_file_parses_and_reads_back(tmp_path):
    """A snapshot of the tree is valid JSON with the bytes given, and the
    CLI's own reader takes it back (diff of it against itself)."""
    snap = tmp_path / "hp.json"
    run_sub = [SMAPWATCH, "snapshot", "-r", TREE, "-o", str(snap),
               str(hp.PID)]
    subprocess.run(run_sub, check=True, timeout=30)
    raw = snap.read_bytes()
    assert_printable(raw, "the snapshot file")
    proc, maps = json_maps(json.loads(raw))
    for start, (perms, name, cat) in HOSTILE.items():
        assert maps[start]["perms"] == perms
        assert maps[start]["name"] == name
    r = subprocess.run([SMAPWATCH, "diff", str(snap), str(snap)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    assert r.returncode == 0, r.stderr
    assert_printable(r.stdout, "smapwatch diff")


HOSTILE_TIME = '\x1b[2J"t\\'   # 6 bytes: fits the 31 a time may have


def test_snapshot_time_from_the_file_is_escaped(tmp_path):
    """A snapshot's "time" is read back as any bytes: diff's text and JSON
    and a rewritten (upgraded) snapshot escape it too."""
    snap = tmp_path / "hp.json"
    subprocess.run([SMAPWATCH, "snapshot", "-r", TREE, "-o", str(snap),
                    str(hp.PID)], check=True, timeout=30)
    doc = json.loads(snap.read_bytes())
    doc["time"] = HOSTILE_TIME
    bad = tmp_path / "bad-time.json"
    bad.write_text(json.dumps(doc))
    r = subprocess.run([SMAPWATCH, "diff", str(bad), str(bad)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    assert r.returncode == 0, r.stderr
    assert_printable(r.stdout, "smapwatch diff of a hostile time")
    assert ("  %s\n" % escaped(HOSTILE_TIME)) in latin1(r.stdout)
    r = subprocess.run([SMAPWATCH, "diff", "-j", str(bad), str(bad)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    assert r.returncode == 0, r.stderr
    assert_printable(r.stdout, "smapwatch diff -j of a hostile time")
    out = json.loads(r.stdout)
    assert out["a"]["time"] == HOSTILE_TIME == out["b"]["time"]
    up = tmp_path / "upgraded.json"
    subprocess.run([SMAPWATCH, "snapshot", "-o", str(up), str(bad)],
                   check=True, timeout=30)
    assert_printable(up.read_bytes(), "a rewritten snapshot")
    assert json.loads(up.read_bytes())["time"] == HOSTILE_TIME
