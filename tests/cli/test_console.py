"""test_console.py - the leak hunt at the console: smapwatch snapshot,
diff, top and findings, on hand-made proc trees (tests/fixtures/diff,
written by trees.py) and on live processes. Run by `make console-test`."""
import json
import os
import signal
import socket
import subprocess
import time

import pytest

import console_helpers as h
from console_helpers import KIB, MIB, run, run_json, raw

F = h.FIXTURES


@pytest.fixture
def tmp(tmp_path):
    return str(tmp_path)


@pytest.fixture(scope="module")
def sleeper():
    w = h.Workload(["sleep", "600"], ready=False)
    time.sleep(0.2)
    yield w.pid
    w.stop()


# ---------------------------------------------------------------- snapshot

def test_snapshot_of_a_live_process_has_every_field(tmp, sleeper):
    path = os.path.join(tmp, "s.json")
    run("snapshot", "-o", path, sleeper, check_rc=0)
    with open(path) as f:
        doc = json.load(f)
    assert doc["format"] == "smapwatch-snapshot" and doc["version"] == 1
    assert abs(doc["time_unix"] - time.time()) < 30
    assert doc["time"] == time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                        time.gmtime(int(doc["time_unix"])))
    assert doc["kernel"] == os.uname().release
    assert doc["hostname"] == socket.gethostname()
    assert doc["proc_root"] == "/proc"
    assert doc["command"] == "smapwatch snapshot -o %s %d" % (path, sleeper)
    [p] = doc["processes"]
    assert p["pid"] == sleeper and p["comm"] == "sleep"
    assert p["cmdline"] == "sleep 600"
    assert p["exe"] == os.readlink("/proc/%d/exe" % sleeper)
    assert p["start_time"] == h.start_time_of(sleeper)
    assert p["threads"] == 1
    assert set(p["status"]) == {"vm_rss", "rss_anon", "rss_file",
                                "rss_shmem", "vm_swap"}
    assert len(p["maps"]) == h.kernel_maps_count(sleeper)
    assert p["total"]["rss"] == h.kernel_smaps_sum(sleeper, "Rss")
    assert p["total"]["size"] == h.kernel_smaps_sum(sleeper, "Size")
    assert p["total"]["vmas"] == len(p["maps"])
    for key in ("rss", "pss", "private_dirty", "swap", "size"):
        assert sum(c[key] for c in p["categories"].values()) == \
            p["total"][key]
        assert sum(m["counts"][key] for m in p["maps"]) == p["total"][key]
    m = p["maps"][0]
    assert set(m) == {"start", "end", "perms", "offset", "dev", "inode",
                      "category", "name", "vmflags", "counts"}
    # every numeric field of this kernel, by its snake_case key
    assert {"size", "rss", "pss", "pss_dirty", "shared_clean",
            "private_dirty", "anonymous", "lazy_free", "anon_huge_pages",
            "swap_pss", "locked", "uss"} <= set(m["counts"])
    assert int(m["end"], 16) - int(m["start"], 16) == m["counts"]["size"]


def test_snapshot_of_a_saved_tree(tmp):
    doc = h.snapshot_tree(os.path.join(F, "heap", "a"), 42,
                          os.path.join(tmp, "a.json"))
    assert doc["proc_root"] == os.path.join(F, "heap", "a")
    assert "kernel" not in doc    # the tree has no sys/kernel/osrelease
    [p] = doc["processes"]
    assert (p["pid"], p["start_time"], p["comm"]) == (42, 777, "demo")
    assert p["exe"] == "/usr/bin/demo"
    heap = [m for m in p["maps"] if m["name"] == "[heap]"]
    assert heap[0]["counts"]["rss"] == 800 * KIB
    assert p["categories"]["binary"]["vmas"] == 2
    assert p["status"]["vm_rss"] == p["total"]["rss"]


def test_snapshot_read_back_is_byte_exact_with_hostile_names(tmp):
    a = os.path.join(tmp, "a.json")
    doc = h.snapshot_tree(os.path.join(F, "hostile", "a"), 77, a)
    [p] = doc["processes"]
    assert raw(p["comm"]) == h.trees.HOSTILE_COMM
    assert raw(p["cmdline"]) == h.trees.HOSTILE_CMD.rstrip(b"\0").replace(
        b"\0", b" ")
    names = [raw(m["name"]) for m in p["maps"]]
    assert h.trees.HOSTILE_PATH.encode("latin-1") in names
    with open(a, "rb") as f:
        text = f.read()
    assert not h.has_control_bytes(text.replace(b"\n", b""))
    again = run("snapshot", a, check_rc=0).stdout   # read back, rewritten
    assert again == text


def test_snapshot_newer_version_is_refused_with_one_line(tmp):
    a = os.path.join(tmp, "a.json")
    h.snapshot_tree(os.path.join(F, "heap", "a"), 42, a)
    with open(a) as f:
        doc = json.load(f)
    doc["version"] = 2
    v2 = os.path.join(tmp, "v2.json")
    with open(v2, "w") as f:
        json.dump(doc, f)
    for args in (("snapshot", v2), ("diff", v2, a), ("findings", v2)):
        p = run(*args)
        assert p.returncode == 1
        assert p.stderr.decode() == (
            "smapwatch: snapshot %s is format version 2; this smapwatch "
            "reads up to 1: upgrade smapwatch\n" % v2)
        assert p.stdout == b""


def test_snapshot_malformed_file_one_clear_line(tmp):
    a = os.path.join(tmp, "a.json")
    h.snapshot_tree(os.path.join(F, "heap", "a"), 42, a)
    with open(a, "rb") as f:
        text = f.read()
    cut = os.path.join(tmp, "cut.json")
    with open(cut, "wb") as f:
        f.write(text[:len(text) // 2])
    p = run("diff", cut, a)
    assert p.returncode == 1
    err = p.stderr.decode()
    assert err.count("\n") == 1
    assert err.startswith("smapwatch: snapshot %s: byte " % cut)
    other = os.path.join(tmp, "other.json")
    with open(other, "w") as f:
        f.write('{"format":"something-else","version":1}')
    p = run("findings", other)
    assert p.returncode == 1 and b"not a smapwatch snapshot" in p.stderr


def test_snapshot_output_is_whole_or_absent(tmp, sleeper):
    out = os.path.join(tmp, "s.json")
    p = run("snapshot", "-o", out, "4194000")
    assert p.returncode == 1
    assert p.stderr.decode() == "smapwatch: 4194000: No such process\n"
    assert os.listdir(tmp) == []           # no file, no temporary left
    p = run("snapshot", "-o", "/dev/full", sleeper)
    assert p.returncode == 1
    assert p.stderr.decode() == \
        "smapwatch: /dev/full: No space left on device\n"
    assert os.path.exists("/dev/full") and not os.path.isfile("/dev/full")
    p = subprocess.run("%s snapshot %d > /dev/full" % (h.BIN, sleeper),
                       shell=True, stderr=subprocess.PIPE)
    assert p.returncode == 1 and b"No space left on device" in p.stderr


def test_snapshot_of_a_pid_and_a_name_lists_it_once(tmp, sleeper):
    doc = run_json("snapshot", sleeper, "sleep")
    pids = [p["pid"] for p in doc["processes"]]
    assert pids.count(sleeper) == 1


def test_snapshot_by_name_skips_a_process_gone_meanwhile(tmp):
    """A process found by name that exits before its smaps is read is
    left out quietly (the name did not promise it); a pid is an error."""
    import shutil
    root = os.path.join(tmp, "proc")
    shutil.copytree(os.path.join(F, "heap", "a", "42"),
                    os.path.join(root, "42"), symlinks=True)
    shutil.copytree(os.path.join(F, "heap", "a", "42"),
                    os.path.join(root, "43"), symlinks=True)
    os.unlink(os.path.join(root, "43", "smaps"))     # 43 is exiting
    p = run("snapshot", "-r", root, "demo", check_rc=0)
    assert p.stderr == b""
    assert [x["pid"] for x in json.loads(p.stdout)["processes"]] == [42]
    p = run("snapshot", "-r", root, "43")
    assert p.returncode == 1
    assert p.stderr == b"smapwatch: 43: No such file or directory\n"
    p = run("findings", "-r", root, "demo", check_rc=0)
    assert p.stdout == b"42: demo: nothing suspicious\n"


def test_snapshot_of_20000_mappings_round_trips(tmp):
    root = os.path.join(tmp, "proc")
    h.trees.many_maps(root, 300, 20000)
    h.trees.many_maps(root, 301, 2000)
    text, peak20k = h.run_peak("snapshot", "-r", root, 300)
    _, peak2k = h.run_peak("snapshot", "-r", root, 301)
    doc = json.loads(text)
    [p] = doc["processes"]
    assert len(p["maps"]) == 20000 + 8
    assert p["categories"]["anon"]["vmas"] == 20000
    a = os.path.join(tmp, "a.json")
    with open(a, "wb") as f:
        f.write(text)
    again, read_peak = h.run_peak("snapshot", a)
    assert again == text
    # The writer streams: ten times the mappings, the same peak memory
    # (measured 5.6 MB for both; 8.9 MB for 20,000 when it kept one
    # process's mappings). The reader holds the file and the mappings
    # once (18 MB for a 10 MB file).
    if not h.SANITIZED:     # ASan's shadow memory is not ours
        assert peak20k - peak2k < 1 * MIB, (peak20k, peak2k)
        assert read_peak < 2 * len(text) + 16 * MIB, (read_peak, len(text))


def test_snapshot_of_a_live_20000_mapping_process(tmp):
    with h.Workload([os.path.join(h.PLAIN, "manymaps"), "20000"]) \
            as w:
        os.kill(w.pid, signal.SIGSTOP)     # its maps stay still
        try:
            a = os.path.join(tmp, "a.json")
            run("snapshot", "-o", a, w.pid, check_rc=0)
            n = h.kernel_maps_count(w.pid)
            rss = h.kernel_smaps_sum(w.pid, "Rss")
        finally:
            os.kill(w.pid, signal.SIGCONT)
    with open(a) as f:
        doc = json.load(f)
    assert n >= 20000
    assert len(doc["processes"][0]["maps"]) == n
    assert doc["processes"][0]["total"]["rss"] == rss


# ---------------------------------------------------------------- diff

def diff_json(*args):
    return run_json("diff", "--json", *args)


def rows(doc, pid=None):
    return doc["processes"][0]["maps"]


def test_diff_heap_extended_in_place(tmp):
    a, b = h.fixture_pair(tmp, "heap")
    t = time.time()
    h.set_time(a, t - 7200)          # A two hours before B
    h.set_time(b, t)
    doc = diff_json(a, b)
    assert doc["format"] == "smapwatch-diff" and doc["version"] == 1
    assert abs(doc["seconds"] - 7200) < 0.01
    [r] = rows(doc)                  # the one mapping that changed
    assert (r["change"], r["match"], r["category"]) == ("grew", "start",
                                                         "heap")
    assert r["a"]["start"] == r["b"]["start"] == "55d0c1000000"
    assert r["delta"]["rss"] == (33 * 1024 - 224 - 800) * KIB
    assert r["delta"]["size"] == 32 * MIB
    assert r["rate_per_hour"]["rss"] == pytest.approx(r["delta"]["rss"] / 2,
                                                      abs=1)
    heap = doc["processes"][0]["categories"]["heap"]
    assert heap["delta"]["rss"] == r["delta"]["rss"]
    assert heap["a"]["rss"] == 800 * KIB
    assert doc["processes"][0]["categories"]["libs"]["delta"]["rss"] == 0
    ids = [f["id"] for f in doc["findings"]]
    assert ids == ["category_grew", "region_grew"]
    text = run("diff", a, b, check_rc=0).stdout.decode()
    assert ("heap region 55d0c1000000-55d0c3100000 [heap] grew 32 MiB in "
            "2 h 0 min, 16 MiB/h") in text
    assert "(2 h 0 min later)" in text
    line = [l for l in text.splitlines() if l.startswith("heap ")][0]
    assert line.split() == ["heap", "800", "33568", "+32768", "+16384",
                            "+32768", "+0", "+32768", "1", "1"]


def test_diff_without_times_has_no_rate(tmp):
    a, b = h.fixture_pair(tmp, "heap")
    h.set_time(b, 0)                 # unknown
    doc = diff_json(a, b)
    assert doc["seconds"] is None
    assert rows(doc)[0]["rate_per_hour"] is None
    assert "in 2 h" not in doc["findings"][1]["text"]


def test_diff_split_and_merged_regions(tmp):
    a, b = h.fixture_pair(tmp, "split")
    doc = diff_json(a, b)
    by = {r["match"]: r for r in rows(doc)}
    assert set(by) == {"split", "merged"}
    s = by["split"]
    assert s["pieces"] == {"a": 1, "b": 3}
    assert (s["a"]["start"], s["a"]["end"]) == ("7f0000000000", "7f0000400000")
    assert (s["b"]["start"], s["b"]["end"]) == ("7f0000000000", "7f0000400000")
    assert s["change"] == "shrank" and s["delta"]["rss"] == -1 * MIB
    m = by["merged"]
    assert m["pieces"] == {"a": 2, "b": 1}
    assert m["change"] == "grew" and m["delta"]["rss"] == 1 * MIB
    # nothing else appeared or vanished: the pieces were all matched
    assert [r["change"] for r in rows(doc)] == ["grew", "shrank"]


def test_diff_vanished_library_and_a_file_remapped(tmp):
    a, b = h.fixture_pair(tmp, "library")
    doc = diff_json(a, b)
    lib = h.trees.LIBDEMO
    # the file moved, unchanged, first (growth 0); then the library's
    # pieces by growth: the smallest loss first
    moved, *gone = rows(doc)
    assert (moved["change"], moved["match"]) == ("same", "path_inode")
    assert (moved["a"]["start"], moved["b"]["start"]) == \
        ("7f3000000000", "7f4000000000")
    assert moved["a"]["name"] == moved["b"]["name"] == h.trees.DATA
    assert [(r["change"], r["a"]["name"], r["b"]) for r in gone] == \
        [("vanished", lib, None)] * 4
    assert [r["delta"]["rss"] for r in gone] == \
        [-8 * KIB, -16 * KIB, -16 * KIB, -64 * KIB]
    allrows = rows(diff_json("--all", a, b))
    assert len(allrows) == 5 + 8       # and the 8 unchanged ones


def test_diff_reused_pid_is_refused(tmp):
    a, b = h.fixture_pair(tmp, "reused")
    p = run("diff", a, b)
    assert p.returncode == 1
    assert p.stderr.decode().splitlines() == [
        "smapwatch: pid 42 was reused (start time 777 in A, 9999 in B): "
        "refusing to compare",
        "smapwatch: no process in both looks to compare"]
    assert p.stdout == b""


def copy_tree(tmp, name, side):
    import shutil
    root = os.path.join(tmp, "proc")
    shutil.copytree(os.path.join(F, name, side), root, symlinks=True)
    return root


def test_diff_interval_refuses_a_pid_reused_meanwhile(tmp):
    root = copy_tree(tmp, "reused", "a")
    p = subprocess.Popen([h.BIN, "diff", "-i", "2", "-r", root, "42"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(0.7)                 # between the two looks: another 42
    for f in ("stat", "smaps"):
        with open(os.path.join(F, "reused", "b", "42", f), "rb") as src, \
                open(os.path.join(root, "42", f + ".new"), "wb") as dst:
            dst.write(src.read())
        os.rename(os.path.join(root, "42", f + ".new"),
                  os.path.join(root, "42", f))
    out, err = p.communicate(timeout=30)
    assert p.returncode == 1
    assert err.decode().splitlines() == [
        "smapwatch: pid 42 was reused (start time 777, now 9999): "
        "refusing to compare"]
    assert out == b""


def test_top_batch_when_the_process_exits(tmp):
    root = copy_tree(tmp, "heap", "a")
    p = subprocess.Popen([h.BIN, "top", "-b", "-d", "1", "-r", root, "42"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(0.5)
    import shutil
    shutil.rmtree(os.path.join(root, "42"))
    out, err = p.communicate(timeout=30)
    assert p.returncode == 1
    assert err.decode() == "smapwatch: pid 42 exited\n"
    assert len(tables(out.decode())) == 1


def test_diff_filters_apply(tmp):
    a, b = h.fixture_pair(tmp, "split")
    assert rows(diff_json("-c", "heap", a, b)) == []
    only = rows(diff_json("-c", "anon,heap", "-s", "3M", a, b))
    assert [r["match"] for r in only] == ["split"]     # 4 MiB, not 2 MiB
    text = run("diff", "-n", "1", a, b, check_rc=0).stdout.decode()
    assert "(KiB; 1 of 2 shown)" in text
    assert "merged" in text and "split " not in text.split("shown")[1]
    p = run("diff", "-s", " -5", a, b)
    assert p.returncode == 2 and b"bad size ' -5'" in p.stderr
    p = run("diff", a)
    assert p.returncode == 2


def test_diff_sort_field(tmp):
    a, b = h.fixture_pair(tmp, "split")
    doc = diff_json("-S", "size", "--all", a, b)
    assert doc["sort"] == "size"
    assert run("diff", "-S", "nosuch", a, b).returncode == 2


def expect_rate(rate, kib_per_s, tolerance=0.10):
    want = kib_per_s * KIB * 3600
    assert abs(rate - want) <= tolerance * want, (rate, want)


def test_diff_live_rate_of_a_growing_heap(tmp):
    """grow_heap adds 2 MiB/s to [heap]: diff -i measures it to 10%."""
    with h.workload("grow_heap", "--rate", "2048") as w:
        time.sleep(0.5)
        doc = diff_json("-i", "4", w.pid)
    assert 3.9 < doc["seconds"] < 6
    heap = doc["processes"][0]["categories"]["heap"]
    expect_rate(heap["rate_per_hour"]["rss"], 2048)
    top = rows(doc)[0]
    assert (top["category"], top["match"], top["b"]["name"]) == \
        ("heap", "start", "[heap]")
    expect_rate(top["rate_per_hour"]["private_dirty"], 2048)


def test_diff_snapshot_against_the_live_process(tmp):
    """grow_mmap adds one 200 KiB mapping every 100 ms: the kernel merges
    them into one region growing downwards (match "overlap")."""
    with h.workload("grow_mmap", "--rate", "2048") as w:
        time.sleep(0.5)
        a = os.path.join(tmp, "a.json")
        run("snapshot", "-o", a, w.pid, check_rc=0)
        time.sleep(3)
        doc = diff_json(a, w.pid)
    anon = doc["processes"][0]["categories"]["anon"]
    expect_rate(anon["rate_per_hour"]["rss"], 2048)
    top = rows(doc)[0]
    assert top["category"] == "anon" and top["change"] == "grew"
    assert top["match"] in ("overlap", "start")
    expect_rate(top["rate_per_hour"]["rss"], 2048)


SPLITTER = r"""
import ctypes, mmap, sys
libc = ctypes.CDLL(None, use_errno=True)
size = 4 << 20
m = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
m.write(b"x" * size)                          # every page resident
addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
print("ready %x" % addr, flush=True)
for line in sys.stdin:
    if line.startswith("mprotect"):       # the middle MiB read-only
        assert libc.mprotect(ctypes.c_void_p(addr + (1 << 20)), 1 << 20, 1) == 0
    print("done", flush=True)
"""


def test_diff_live_region_split_by_mprotect(tmp):
    """A real 4 MiB anonymous region cut in three by mprotect: one row,
    match split, the pieces' union the same range, nothing appeared."""
    w = h.Workload(["/usr/bin/python3", "-c", SPLITTER], ready=False)
    try:
        addr = int(w.p.stdout.readline().split()[1], 16)
        a = os.path.join(tmp, "a.json")
        run("snapshot", "-o", a, w.pid, check_rc=0)
        w.p.stdin.write(b"mprotect\n")
        w.p.stdin.flush()
        assert w.p.stdout.readline() == b"done\n"
        doc = diff_json("-c", "anon", a, w.pid)
    finally:
        w.stop()
    hit = [r for r in rows(doc) if r["a"] and int(r["a"]["start"], 16) <= addr
           < int(r["a"]["end"], 16)]
    assert len(hit) == 1, rows(doc)
    r = hit[0]
    assert r["match"] == "split" and r["pieces"]["b"] == r["pieces"]["a"] + 2
    assert (r["a"]["start"], r["a"]["end"]) == (r["b"]["start"], r["b"]["end"])
    assert abs(r["delta"]["rss"]) < 256 * KIB    # the same pages
    assert not [x for x in rows(doc) if x["change"] == "appeared" and
                int(x["b"]["start"], 16) <= addr < int(x["b"]["end"], 16)]


def redis_pipe(sock, n, size):
    """n SETs of size-byte values through redis-cli --pipe."""
    val = b"v" * size
    cmds = b"".join(b"*3\r\n$3\r\nSET\r\n$%d\r\nkey:%d\r\n$%d\r\n%s\r\n" %
                    (len(b"key:%d" % i), i, size, val) for i in range(n))
    subprocess.run(["redis-cli", "-s", sock, "--pipe"], input=cmds,
                   stdout=subprocess.DEVNULL, check=True, timeout=60)


def test_diff_of_redis_filling_up(tmp):
    """A real service with jemalloc: 64 MiB of values land in anon, not
    in [heap]; diff says so and names the allocator."""
    sock = os.path.join(tmp, "r.sock")
    redis = h.Workload(["redis-server", "--port", "0", "--unixsocket", sock,
                        "--save", "", "--appendonly", "no"], ready=False)
    try:
        for _ in range(100):
            if os.path.exists(sock):
                break
            time.sleep(0.1)
        a = os.path.join(tmp, "a.json")
        run("snapshot", "-o", a, redis.pid, check_rc=0)
        redis_pipe(sock, 64 * 1024, 1000)
        doc = diff_json(a, redis.pid)
    finally:
        redis.stop()
    cats = doc["processes"][0]["categories"]
    assert cats["anon"]["delta"]["rss"] > 64 * MIB
    assert abs(cats["heap"]["delta"]["rss"]) < 1 * MIB
    ids = [(f["id"], f["evidence"].get("category") or
            f["evidence"].get("runtime")) for f in doc["findings"]]
    assert ("category_grew", "anon") in ids
    assert ("allocator", "jemalloc") in ids
    assert ("category_grew", "heap") not in ids


def test_diff_of_a_process_that_exited(tmp):
    w = h.workload("grow_heap", "--rate", "64")
    a = os.path.join(tmp, "a.json")
    run("snapshot", "-o", a, w.pid, check_rc=0)
    w.stop()
    p = run("diff", a, w.pid)
    assert p.returncode == 1
    assert p.stderr.decode() == "smapwatch: %d: No such process\n" % w.pid


# ---------------------------------------------------------------- findings

PATTERNS = {100: [], 110: [], 101: ["large_anon_region"],
            103: ["fragmentation"],
            104: ["library_loaded_twice"], 105: ["dirty_region"],
            106: ["swapped_region"], 107: ["swapped_process"],
            108: ["allocator"]}


def test_findings_each_pattern_and_none():
    root = os.path.join(F, "findings")
    doc = run_json("findings", "-j", "-r", root, *sorted(PATTERNS))
    got = {}
    for f in doc:
        got.setdefault(f["process"], []).append(f["id"])
        assert f["text"] and f["next"] and isinstance(f["evidence"], dict)
    assert {pid: got.get(pid, []) for pid in PATTERNS} == PATTERNS
    ev = {f["id"]: f["evidence"] for f in doc}
    assert ev["large_anon_region"]["rss"] == 300 * MIB
    assert ev["fragmentation"]["size"] == 8 * 256 * MIB + 1 * MIB
    assert ev["library_loaded_twice"] == {"path": h.trees.LIBC, "loads": 2}
    assert ev["dirty_region"]["private_dirty"] == 122 * MIB
    assert ev["swapped_region"]["swap"] == 51 * MIB
    assert ev["swapped_process"]["swap"] == 96 * MIB
    text = run("findings", "-r", root, "100", "105", check_rc=0).stdout
    assert text.decode().splitlines() == [
        "100: clean: nothing suspicious",
        "warning dirty_region 105: anon region 7f0000000000-7f0008000000 "
        "is 95% Private_Dirty (122 MiB of 128 MiB written and owned by this "
        "process). next: memory written and never given back: if it grows "
        "over time it is the leak (smapwatch diff)"]


def test_findings_many_anon_regions(tmp):
    root = os.path.join(tmp, "proc")
    h.trees.many_anon(root, 102, 1200)
    h.trees.many_anon(root, 109, 900)          # under the threshold
    doc = run_json("findings", "-j", "-r", root, "102", "109")
    assert [(f["process"], f["id"]) for f in doc] == \
        [(102, "many_anon_regions")]
    assert doc[0]["evidence"] == {"anon_vmas": 1200, "threads": 4}


def test_findings_from_a_snapshot_file(tmp):
    a = os.path.join(tmp, "a.json")
    h.snapshot_tree(os.path.join(F, "findings"), 105, a)
    doc = run_json("findings", "-j", a)
    assert [f["id"] for f in doc] == ["dirty_region"]


def test_allocators_and_runtimes():
    doc = run_json("findings", "-j", "-r", os.path.join(F, "runtimes"),
                   "201", "202", "203", "204")
    notes = {f["process"]: f for f in doc if f["id"] == "allocator"}
    assert notes[201]["evidence"] == {"runtime": "Go", "mapping": "",
                                      "start": "c000000000"}
    assert notes[201]["text"].startswith("Go (static binary): the Go heap")
    assert notes[202]["evidence"]["runtime"] == "JVM"
    assert notes[202]["evidence"]["mapping"].endswith("/libjvm.so")
    assert notes[203]["evidence"] == {"runtime": "Python", "mapping": None}
    assert "libpython" not in notes[203]["text"]     # python3.11 is static
    assert notes[204]["evidence"]["mapping"].endswith("libpython3.11.so.1.0")
    assert notes[204]["text"].endswith(
        "; the interpreter is in libpython (libs), so binary is small")


def test_allocator_of_live_redis_and_python(tmp):
    sock = os.path.join(tmp, "r.sock")
    redis = h.Workload(["redis-server", "--port", "0", "--unixsocket", sock,
                        "--save", "", "--appendonly", "no"], ready=False)
    py = h.Workload(["/usr/bin/python3", "-c",
                     "import time; print('ready'); import sys; "
                     "sys.stdout.flush(); time.sleep(600)"])
    try:
        for _ in range(50):
            if os.path.exists(sock):
                break
            time.sleep(0.1)
        doc = run_json("findings", "-j", redis.pid, py.pid)
    finally:
        redis.stop()
        py.stop()
    notes = {f["process"]: f["evidence"]["runtime"] for f in doc
             if f["id"] == "allocator"}
    assert notes == {redis.pid: "jemalloc", py.pid: "Python"}


# ---------------------------------------------------------------- top

def tables(out):
    return [t for t in out.split("smapwatch top  ") if t]


def test_top_batch_in_a_pipe():
    with h.workload("grow_heap", "--rate", "2048") as w:
        p = subprocess.run([h.BIN, "top", "-d", "1", "-n", "3", str(w.pid)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
    assert p.returncode == 0, p.stderr
    assert b"\x1b" not in p.stdout           # no terminal codes in a pipe
    ts = tables(p.stdout.decode())
    assert len(ts) == 3
    last = ts[-1].splitlines()
    heap = [l for l in last if l.startswith("heap ")][0].split()
    assert int(heap[2]) > 1024               # grew over a MiB since start
    rows_ = [l for l in last if l.strip().startswith(str(w.pid))]
    assert rows_[0].split()[1:3] == ["grew", "heap"]   # sorted by growth
    assert len(rows_) == 15


def test_top_batch_names_escaped():
    p = run("top", "-b", "-n", "1", "-r", os.path.join(F, "hostile", "b"),
            "77", check_rc=0)
    assert not h.has_control_bytes(p.stdout)
    assert b"/opt/we ird/<data> \"q\"\\\\012\\xff.bin" in p.stdout


def top_in_tmux(pid, extra=""):
    t = h.Tmux()
    out = os.path.join(t.dir, "after")
    cmd = ("stty -g > %s.before; %s top -d 1 %s %d; echo \"rc=$?\" > %s; "
           "stty -g > %s.stty; stty -a >> %s; sleep 60" %
           (out, h.sh_quote(h.BIN), extra, pid, out, out, out))
    t.start(cmd)
    return t, out


def read(path, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        if os.path.exists(path) and os.path.getsize(path):
            time.sleep(0.2)
            with open(path) as f:
                return f.read()
        time.sleep(0.1)
    raise AssertionError("no " + path)


def test_top_live_view_in_tmux():
    with h.workload("grow_heap", "--rate", "2048") as w:
        t, out = top_in_tmux(w.pid)
        try:
            s = t.wait_for(r"^smapwatch top .* sort rss +category all")
            assert "keys: q quit  s/S sort column  c category" in s
            assert "CATEGORY" in s and "PID CHANGE" in s
            # after a look or two the heap leads the mapping rows
            s = t.wait_for(r"^ *%d grew +heap .*\[heap\]" % w.pid)
            for cat in ("heap", "stack", "anon", "libs", "total"):
                assert any(l.startswith(cat + " ") for l in s.splitlines())
            t.keys("s")
            s = t.wait_for(r"sort pss +category all")
            assert "pss KiB" in s
            t.keys("S", "S")
            t.wait_for(r"sort size +category all")
            t.keys("c")
            s = t.wait_for(r"category heap")
            rows_ = [l for l in s.splitlines() if l.strip().startswith(str(w.pid))]
            assert rows_ and all(l.split()[2] == "heap" for l in rows_)
            t.keys("q")
            after = read(out)
            assert after.startswith("rc=0")
            assert read(out + ".stty") .startswith(read(out + ".before").strip())
            assert " icanon " in after and " echo " in after
            s = t.screen()
            assert "CATEGORY" not in s       # the alternate screen is gone
        finally:
            t.close()


def test_top_on_the_terminal_escapes_hostile_names(tmp):
    a, _ = h.fixture_pair(tmp, "hostile")
    t, out = top_in_tmux(77, "-r " + h.sh_quote(os.path.join(F, "hostile", "b")))
    try:
        s = t.wait_for(r"files .*/opt/we ird/")
        line = [l for l in s.splitlines() if "/opt/we ird/" in l][0]
        assert line.rstrip().endswith('/opt/we ird/<data> "q"\\\\012\\xff.bin')
        assert "\ufffd" not in s                  # no raw byte reached it
        t.keys("q")
        assert read(out).startswith("rc=0")
    finally:
        t.close()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_top_restores_the_terminal_on_a_signal(sig):
    with h.workload("grow_heap", "--rate", "256") as w:
        t, out = top_in_tmux(w.pid)
        try:
            t.wait_for(r"^smapwatch top ")
            mine = t.children("smapwatch")
            assert len(mine) == 1
            os.kill(mine[0], sig)
            after = read(out)
            assert after.startswith("rc=0")
            assert read(out + ".stty").strip() == \
                read(out + ".before").strip()
        finally:
            t.close()


# ---------------------------------------------------------------- hostile

def test_hostile_names_through_diff_and_findings(tmp):
    a, b = h.fixture_pair(tmp, "hostile")
    text = run("diff", a, b, check_rc=0).stdout
    assert not h.has_control_bytes(text)
    assert b'77: a\\x0ab"<\\xff\\xfe  /opt/we ird/srv --name=<x> "q"\\x0a' \
        b'\\xc3(' in text
    assert b'/opt/we ird/<data> "q"\\\\012\\xff.bin' in text
    doc = diff_json(a, b)
    p = doc["processes"][0]
    assert raw(p["comm"]) == h.trees.HOSTILE_COMM
    names = {raw(r["b"]["name"]) for r in rows(doc)}
    assert h.trees.HOSTILE_PATH.encode("latin-1") in names
    grew = [f for f in doc["findings"] if f["id"] == "region_grew" and
            f["evidence"]["category"] == "files"]
    assert raw(grew[0]["evidence"]["name"]) == \
        h.trees.HOSTILE_PATH.encode("latin-1")
    assert '\\x0ab' not in grew[0]["text"]       # a path, not the comm
    assert '<data> "q"\\\\012\\xff.bin grew 20 MiB' in grew[0]["text"]
    ftext = run("findings", b, check_rc=0).stdout
    assert not h.has_control_bytes(ftext)


def test_usage():
    for args in (("snapshot",), ("diff",), ("top",), ("findings",),
                 ("top", "-d", "0", "1"), ("snapshot", "--bogus", "1")):
        p = run(*args)
        assert p.returncode == 2, args
        assert b"Usage: smapwatch " in p.stderr
    assert run("diff", "--help", check_rc=0).stdout.startswith(
        b"Usage: smapwatch diff")
