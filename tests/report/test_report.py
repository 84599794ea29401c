"""smapwatch report: the page rendered in a real headless chromium, its
figures against the snapshot's JSON, sorting, filtering, the drawing."""
import json
import os
import subprocess
import time

import pytest

import png
from conftest import BIN, smapwatch, load_json, display

CATS = ["heap", "stack", "anon", "shmem", "binary", "libs", "files", "kernel"]
COLOR = {"heap": (0xd1, 0x49, 0x5b), "stack": (0xed, 0xae, 0x49), "anon": (0x66, 0xa1, 0x82),
         "shmem": (0x00, 0x79, 0x8c), "binary": (0x8d, 0x6a, 0x9f), "libs": (0x30, 0x63, 0x8e),
         "files": (0xa4, 0x7e, 0x3b), "kernel": (0x7a, 0x7a, 0x7a)}

# A process with something in most categories: a 72 MiB anonymous buffer
# (all dirty: a dirty_region finding), a mapped file, its heap, libraries,
# stack; and a mapping at 0x10000000, whose address has fewer hex digits
# than the others (sorting by address must not compare them as text).
BUSY = r"""
import ctypes, mmap, sys, time
libc = ctypes.CDLL(None); libc.mmap.restype = ctypes.c_void_p
low = libc.mmap(ctypes.c_void_p(0x10000000), 65536, 3, 0x22 | 0x100000, -1, 0)  # MAP_FIXED_NOREPLACE
assert low == 0x10000000, low
ctypes.memset(low, 1, 65536)
buf = bytearray(72 << 20)
for i in range(0, len(buf), 4096): buf[i] = 1
f = open(sys.argv[1], "r+b"); m = mmap.mmap(f.fileno(), 0)
s = sum(m[i] for i in range(0, len(m), 4096))
print("ready", flush=True); time.sleep(300)
"""


@pytest.fixture(scope="module")
def busy(tmp_path_factory):
    d = tmp_path_factory.mktemp("busy")
    data = d / "data.bin"
    data.write_bytes(b"x" * (3 << 20))
    p = subprocess.Popen(["python3", "-c", BUSY, str(data)], stdout=subprocess.PIPE)
    assert p.stdout.readline() == b"ready\n"
    snapfile = d / "busy.json"
    smapwatch("snapshot", "-o", snapfile, p.pid)
    html = d / "busy.html"
    smapwatch("report", "-o", html, snapfile)
    yield {"pid": p.pid, "snap": load_json(snapfile), "snapfile": str(snapfile), "html": str(html)}
    p.kill()
    p.wait()


def kib_text(b):
    """The page's KiB figure for b bytes, as the command's tables print."""
    k = b / 1024
    return "{:,}".format(int(k)) if k == int(k) else "{:,}".format(round(k, 1))


def column(browser, key):
    return browser.eval("Array.from(document.querySelectorAll('#maps tbody tr')).map(function (r) {"
                        " return r.children[%d].textContent; })" % col_index(browser, key))


def col_index(browser, key):
    keys = browser.eval("Array.from(document.querySelectorAll('#maps thead th')).map(function (t) {"
                        " return t.dataset.col; })")
    return keys.index(key)


def summary(browser, what):
    return int(browser.eval("document.getElementById('maps-summary').getAttribute('data-%s')" % what))


def number(text):
    return None if text == "" else float(text.replace(",", ""))


def test_figures_equal_the_snapshot_json(browser, page, busy):
    page(busy["html"])
    proc = busy["snap"]["processes"][0]
    cells = browser.eval("Array.from(document.querySelectorAll('#cats tbody tr')).map(function (r) {"
                         " var o = {cat: r.dataset.cat}; r.querySelectorAll('td[data-f]').forEach("
                         " function (td) { o[td.dataset.f] = td.textContent; }); return o; })")
    shown = {c["cat"]: c for c in cells}
    assert set(shown) == set(CATS) | {"total"}
    for cat in CATS + ["total"]:
        want = proc["total"] if cat == "total" else proc["categories"][cat]
        for key in ("size", "rss", "pss", "uss", "private_dirty", "swap"):
            assert shown[cat][key] == kib_text(want[key]), (cat, key)
        assert shown[cat]["vmas"] == "{:,}".format(want["vmas"]), cat
    assert proc["categories"]["anon"]["rss"] >= 72 << 20   # the data is real
    ident = browser.eval("['pid','comm','cmdline','exe','time-0','kernel-0','command-0','report-command']"
                         ".map(function (k) { return document.getElementById('id-' + k).textContent; })")
    snap = busy["snap"]
    assert ident[:4] == [str(proc["pid"]), display(proc["comm"]), display(proc["cmdline"]), display(proc["exe"])]
    assert "\\x0aimport ctypes, mmap" in ident[2]   # the newline of python's -c argument, escaped
    assert ident[4] == snap["time"] and ident[5] == snap["kernel"] and ident[6] == snap["command"]
    assert ident[7] == "smapwatch report -o %s %s" % (busy["html"], busy["snapfile"])
    assert browser.eval("document.title") == "smapwatch report: %s %d" % (display(proc["comm"]), proc["pid"])


def test_every_mapping_in_the_table(browser, page, busy):
    page(busy["html"])
    maps = busy["snap"]["processes"][0]["maps"]
    assert summary(browser, "count") == len(maps)
    assert summary(browser, "sum") == sum(m["counts"]["rss"] for m in maps)
    starts = column(browser, "start")
    assert sorted(starts) == sorted(m["start"] for m in maps)


@pytest.mark.parametrize("key", ["start", "end", "perms", "offset", "dev", "inode", "category",
                                 "name", "size", "rss", "pss", "uss", "private_dirty", "swap"])
def test_sort_by_every_column(browser, page, busy, key):
    page(busy["html"])
    numeric = key in ("inode", "size", "rss", "pss", "uss", "private_dirty", "swap")
    hexa = key in ("start", "end", "offset")

    def value(t):
        return number(t) if numeric else (len(t), t) if hexa else t

    for want_dir in ("ascending", "descending"):
        for _ in range(2):   # the first click on a column picks its own direction
            if browser.eval("document.querySelector('#maps th[data-col=%s]').getAttribute('aria-sort')" % key) == want_dir:
                break
            browser.click("#maps th[data-col=%s]" % key)
        got = [value(t) for t in column(browser, key)]
        assert len(got) == len(busy["snap"]["processes"][0]["maps"])
        assert got == sorted(got, reverse=want_dir == "descending"), (key, want_dir, got[:8])
        assert len(set(map(str, got))) > 1 or key in ("swap", "dev"), key   # a real ordering was checked


def test_filter_by_category_and_size(browser, page, busy):
    page(busy["html"])
    maps = busy["snap"]["processes"][0]["maps"]
    browser.eval("var s = document.getElementById('filter-cat'); s.value = 'libs';"
                 " s.dispatchEvent(new Event('change'))")
    libs = [m for m in maps if m["category"] == "libs"]
    assert set(column(browser, "category")) == {"libs"}
    assert len(column(browser, "category")) == len(libs) > 0
    assert summary(browser, "sum") == \
        sum(m["counts"]["rss"] for m in libs)
    browser.eval("var s = document.getElementById('filter-cat'); s.value = '';"
                 " s.dispatchEvent(new Event('change'))")
    browser.type_text("#filter-size", "1M")
    big = [m for m in maps if m["counts"]["size"] >= 1 << 20]
    sizes = [number(t) for t in column(browser, "size")]
    assert len(sizes) == len(big) and 0 < len(big) < len(maps)
    assert min(sizes) >= 1024


def canvas_box(browser):
    """The canvas in document coordinates, as Page.captureScreenshot's clip."""
    return browser.eval("(function () { var r = document.getElementById('treemap').getBoundingClientRect();"
                        " return {x: r.left + window.scrollX, y: r.top + window.scrollY,"
                        " width: r.width, height: r.height}; })()")


def hover_point(browser, dx, dy):
    """Scrolls the canvas into view; the viewport point dx, dy inside it."""
    r = browser.eval("(function () { var c = document.getElementById('treemap'); c.scrollIntoView();"
                     " var r = c.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()")
    return (r[0] + (dx if dx >= 0 else r[2] + dx), r[1] + (dy if dy >= 0 else r[3] + dy))


def test_treemap_drawn_to_scale(browser, page, busy, tmp_path):
    page(busy["html"])
    box = canvas_box(browser)
    shot = png.read(browser.screenshot(str(tmp_path / "treemap.png"), clip=box))
    counts = png.colour_counts(shot)
    area = shot[0] * shot[1]
    assert counts.get((255, 255, 255), 0) < area * 0.2, "mostly blank"
    cats = busy["snap"]["processes"][0]["categories"]
    rss = {c: cats[c]["rss"] for c in CATS}
    drawn = {c: counts.get(COLOR[c], 0) for c in CATS}
    biggest = max(rss, key=rss.get)
    assert max(drawn, key=drawn.get) == biggest, (drawn, rss)
    # Area is size: the largest category's share of the pixels is its share
    # of Rss, within what borders and labels take.
    share_drawn = drawn[biggest] / sum(drawn.values())
    share_rss = rss[biggest] / sum(rss.values())
    assert abs(share_drawn - share_rss) < 0.1, (share_drawn, share_rss)


def test_hover_shows_the_mappings_fields(browser, page, busy):
    page(busy["html"])
    maps = busy["snap"]["processes"][0]["maps"]
    cats = busy["snap"]["processes"][0]["categories"]
    biggest = max(CATS, key=lambda c: cats[c]["rss"])
    top = max((m for m in maps if m["category"] == biggest), key=lambda m: m["counts"]["rss"])
    # Squarified: the largest category, and in it the largest mapping,
    # start at the top left corner (below its label strip).
    x, y = hover_point(browser, 8, 24)
    browser.mouse("mouseMoved", x, y)
    text = browser.eval("document.getElementById('details').innerText")
    assert top["start"] + "-" + top["end"] in text
    assert kib_text(top["counts"]["rss"]) in text and "private_dirty" in text
    browser.mouse("mousePressed", x, y)
    browser.mouse("mouseReleased", x, y)
    browser.mouse("mouseMoved", *hover_point(browser, -3, -3))
    assert top["start"] in browser.eval("document.getElementById('details').innerText"), "click keeps it"


def test_pss_switch(browser, page, busy):
    page(busy["html"])
    maps = busy["snap"]["processes"][0]["maps"]
    browser.click("#metric-pss")
    assert browser.eval("document.getElementById('metric-pss').checked")
    assert summary(browser, "sum") == \
        sum(m["counts"]["pss"] for m in maps)


def test_findings_equal_the_findings_command(browser, page, busy):
    page(busy["html"])
    want = json.loads(smapwatch("findings", "-j", busy["snapfile"]).stdout)
    assert "dirty_region" in [f["id"] for f in want]
    got = browser.eval("Array.from(document.querySelectorAll('#findings li')).map(function (li) {"
                       " return [li.dataset.id, li.querySelector('.text').textContent,"
                       " li.querySelector('.ev').textContent, li.querySelector('.next').textContent]; })")
    assert [g[0] for g in got] == [f["id"] for f in want]
    for g, f in zip(got, want):
        assert g[1] == display(f["text"]) and g[3] == "Next: " + display(f["next"])
        assert g[2] == "  \u00b7  ".join("%s: %s" % (k, json.dumps(v)) for k, v in f["evidence"].items())


def test_live_pid_and_errors(browser, page, sleeper, tmp_path):
    out = tmp_path / "live.html"
    smapwatch("report", "-o", out, sleeper.pid)
    page(str(out))
    assert browser.eval("document.getElementById('id-comm').textContent") == "sleep"
    # A live look equals smapwatch --json's of the same (idle) process.
    want = json.loads(smapwatch("-j", sleeper.pid).stdout)["processes"][0]["categories"]
    cells = browser.eval("Array.from(document.querySelectorAll('#cats tbody tr')).map(function (r) {"
                         " return [r.dataset.cat, r.querySelector('td[data-f=rss]').textContent,"
                         " r.querySelector('td[data-f=size]').textContent]; })")
    assert {c[0]: c[1:] for c in cells if c[0] != "total"} == \
        {c: [kib_text(v["rss"]), kib_text(v["size"])] for c, v in want.items()}
    r = smapwatch("report", "-o", tmp_path / "x.html", 4194000, check=False)
    assert r.returncode == 1 and not (tmp_path / "x.html").exists()
    assert b"no such process" in r.stderr.lower() and r.stderr.count(b"\n") == 1
    assert smapwatch("report", check=False).returncode == 2
    r = smapwatch("report", "-o", "/dev/full", sleeper.pid, check=False)
    assert r.returncode == 1 and b"No space left" in r.stderr


def test_many_rows_paged_and_keyboard_sort(browser, page, tmp_path):
    helper = subprocess.Popen([os.path.join(os.path.dirname(BIN), "bench", "manymaps"), "1500"],
                              stdout=subprocess.PIPE)
    try:
        assert helper.stdout.readline().startswith(b"ready")
        smapwatch("report", "-o", tmp_path / "many.html", helper.pid)
    finally:
        helper.kill()
        helper.wait()
    page(str(tmp_path / "many.html"))
    total = summary(browser, "count")
    assert total > 1500
    assert len(column(browser, "start")) == 500
    browser.click("#maps-more")
    assert len(column(browser, "start")) == total
    assert browser.eval("document.getElementById('maps-more').hidden")
    # Sorting from the keyboard: Enter on a focused header.
    browser.eval("document.querySelector('#maps th[data-col=start]').focus()")
    for kind in ("keyDown", "keyUp"):
        browser.send("Input.dispatchKeyEvent", {"type": kind, "key": "Enter", "code": "Enter",
                                                "windowsVirtualKeyCode": 13})
    starts = column(browser, "start")
    assert browser.eval("document.querySelector('#maps th[data-col=start]').getAttribute('aria-sort')") == "ascending"
    assert starts == sorted(starts, key=lambda s: (len(s), s)) and len(starts) == total


def test_to_stdout_and_bad_snapshots(browser, page, busy, tmp_path):
    out = tmp_path / "stdout.html"
    with open(out, "wb") as f:
        subprocess.run([BIN, "report", busy["snapfile"]], stdout=f, check=True)
    page(str(out))
    assert summary(browser, "count") == len(busy["snap"]["processes"][0]["maps"])
    cut = tmp_path / "cut.json"
    cut.write_bytes(open(busy["snapfile"], "rb").read()[:5000])
    newer = tmp_path / "newer.json"
    newer.write_bytes(open(busy["snapfile"], "rb").read().replace(b'"version":1', b'"version":2', 1))
    for bad in (cut, newer):
        r = smapwatch("report", "-o", tmp_path / "bad.html", bad, check=False)
        assert r.returncode == 1 and r.stderr.count(b"\n") == 1 and str(bad).encode() in r.stderr
        assert not (tmp_path / "bad.html").exists()
    r = smapwatch("report", "-o", tmp_path / "bad.html", newer, check=False)
    assert b"version 2" in r.stderr


def test_saved_trees_of_every_finding(browser, page, tmp_path):
    """i13a's findings/ proc tree (one process per pattern, pid 100 clean)
    read with -r: each page opens clean and lists that process's findings."""
    tree = os.path.join(os.path.dirname(__file__), "..", "fixtures", "diff", "findings")
    seen = set()
    for pid in sorted(os.listdir(tree)):
        out = tmp_path / (pid + ".html")
        smapwatch("report", "-r", tree, "-o", out, pid)
        page(str(out))
        want = [f["id"] for f in json.loads(smapwatch("findings", "-j", "-r", tree, pid).stdout)]
        got = browser.eval("Array.from(document.querySelectorAll('#findings li')).map("
                           "function (li) { return li.dataset.id; })")
        assert got == want, pid
        seen.update(want)
    assert {"large_anon_region", "fragmentation", "library_loaded_twice", "dirty_region",
            "swapped_process"} <= seen, seen
