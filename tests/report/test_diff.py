"""smapwatch report A B: a process that grows one region, shrinks another,
drops a file and maps a new one between two looks; the page against
`smapwatch diff -j A B`."""
import json
import os
import subprocess
import time

import pytest

import png
from conftest import smapwatch, load_json, display
from test_report import canvas_box, column, number

MIB = 1 << 20
CHANGER = r"""
import ctypes, mmap, sys
def touch(m, n):
    for i in range(0, n, 4096): m[i] = 1
def addr(m): return "%x" % ctypes.addressof(ctypes.c_char.from_buffer(m))
grow = mmap.mmap(-1, 64 << 20, flags=mmap.MAP_PRIVATE)      # private anon
shrink = mmap.mmap(-1, 32 << 20, flags=mmap.MAP_SHARED)       # shmem: never merged with grow
fg = open(sys.argv[1], "rb"); gone = mmap.mmap(fg.fileno(), 0, prot=mmap.PROT_READ)
touch(grow, 8 << 20); touch(shrink, 16 << 20); s = sum(gone[i] for i in range(0, len(gone), 4096))
print(addr(grow), addr(shrink), flush=True); sys.stdin.readline()
touch(grow, 40 << 20); shrink.madvise(mmap.MADV_DONTNEED, 4 << 20, 12 << 20); gone.close()
fn = open(sys.argv[2], "rb"); new = mmap.mmap(fn.fileno(), 0, prot=mmap.PROT_READ)
s = sum(new[i] for i in range(0, len(new), 4096))
print("done", flush=True); sys.stdin.readline()
"""


@pytest.fixture(scope="module")
def changed(tmp_path_factory):
    d = tmp_path_factory.mktemp("diff")
    gone, new = d / "gone.bin", d / "new.bin"
    gone.write_bytes(b"g" * (2 * MIB))
    new.write_bytes(b"n" * (3 * MIB))
    p = subprocess.Popen(["python3", "-c", CHANGER, str(gone), str(new)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    grow, shrink = p.stdout.readline().decode().split()
    a, b, html = d / "a.json", d / "b.json", d / "diff.html"
    smapwatch("snapshot", "-o", a, p.pid)
    p.stdin.write(b"go\n")
    p.stdin.flush()
    assert p.stdout.readline() == b"done\n"
    time.sleep(1.2)   # past diff's DIFF_RATE_MIN_SECONDS: rates per hour shown
    smapwatch("snapshot", "-o", b, p.pid)
    smapwatch("report", "-o", html, a, b)
    diff = json.loads(smapwatch("diff", "-j", "-a", a, b).stdout)
    yield {"html": str(html), "diff": diff, "a": load_json(a), "b": load_json(b),
           "grow": grow, "shrink": shrink, "gone": str(gone), "new": str(new)}
    p.kill()
    p.wait()


def row_of(browser, start):
    """The table row of the mapping that starts at start, as {col: text}."""
    return browser.eval("(function () { var keys = Array.from(document.querySelectorAll('#maps thead th'))"
                        ".map(function (t) { return t.dataset.col; });"
                        " var rows = Array.from(document.querySelectorAll('#maps tbody tr')).map(function (r) {"
                        " var o = {}; Array.from(r.children).forEach(function (td, i) { o[keys[i]] = td.textContent; });"
                        " return o; }); return rows.filter(function (o) { return o.start === %s; }); })()"
                        % json.dumps(start))


def test_categories_equal_diff_json(browser, page, changed):
    page(changed["html"])
    cats = changed["diff"]["processes"][0]["categories"]
    cells = browser.eval("Array.from(document.querySelectorAll('#cats tbody tr')).map(function (r) {"
                         " var o = {cat: r.dataset.cat}; r.querySelectorAll('td[data-f]').forEach("
                         " function (td) { o[td.dataset.f] = td.textContent; }); return o; })")
    shown = {c["cat"]: c for c in cells}
    kib = lambda b: "{:,}".format(b // 1024)
    signed = lambda b: ("+" if b > 0 else "") + kib(b) if b >= 0 else "-" + kib(-b)
    for cat, want in cats.items():
        if cat not in shown:
            assert want["a"]["rss"] == want["b"]["rss"] == 0 and want["a"]["vmas"] == want["b"]["vmas"] == 0
            continue
        for f in ("rss", "pss"):
            assert shown[cat][f + "_a"] == kib(want["a"][f]), (cat, f)
            assert shown[cat][f + "_b"] == kib(want["b"][f]), (cat, f)
            assert shown[cat][f + "_delta"] == signed(want["delta"][f]), (cat, f)
        assert shown[cat]["vmas_a"] == str(want["a"]["vmas"]) and shown[cat]["vmas_b"] == str(want["b"]["vmas"])
        rate = want["rate_per_hour"]["rss"]
        assert abs(number(shown[cat]["rss_per_hour"]) - rate / 1024) <= 1, (cat, rate)
    assert cats["anon"]["delta"]["rss"] >= 30 * MIB   # the data is real
    ident = browser.eval("[0, 1].map(function (i) { return document.getElementById('id-time-' + i).textContent; })")
    assert ident == [changed["a"]["time"], changed["b"]["time"]]


def test_rows_grew_shrank_appeared_vanished(browser, page, changed):
    page(changed["html"])
    grow = row_of(browser, changed["grow"])
    assert len(grow) == 1 and grow[0]["change"] == "grew" and grow[0]["rss_delta"] == "+32,768"
    assert grow[0]["match"] == "start"
    shrink = row_of(browser, changed["shrink"])
    assert len(shrink) == 1 and shrink[0]["change"] == "shrank" and shrink[0]["rss_delta"] == "-12,288"
    names = dict(zip(column(browser, "name"), column(browser, "change")))
    assert names[changed["gone"]] == "vanished" and names[changed["new"]] == "appeared"
    # The table is sorted by growth: the grown region first.
    assert column(browser, "start")[0] == changed["grow"]
    # Every row of the comparison is in the table, with its change.
    rows = changed["diff"]["processes"][0]["maps"]
    assert int(browser.eval("document.getElementById('maps-summary').getAttribute('data-count')")) == len(rows)
    assert int(browser.eval("document.getElementById('maps-summary').getAttribute('data-sum')")) == \
        sum(r["b"]["counts"]["rss"] for r in rows if r["b"]) == changed["b"]["processes"][0]["total"]["rss"]
    assert sorted(column(browser, "change")) == sorted(r["change"] for r in rows)


def test_findings_on_top_with_evidence(browser, page, changed):
    page(changed["html"])
    order = browser.eval("['findings', 'cats', 'treemap', 'maps'].map(function (id) {"
                         " var e = document.getElementById(id); return e.getBoundingClientRect().top + window.scrollY; })")
    assert order == sorted(order), order
    want = [f for f in changed["diff"]["findings"] if f["id"] == "region_grew"]
    assert want, changed["diff"]["findings"]
    got = browser.eval("Array.from(document.querySelectorAll('#findings li[data-id=region_grew]')).map("
                       "function (li) { return [li.querySelector('.text').textContent, li.querySelector('.ev').textContent]; })")
    assert [g[0] for g in got] == [display(f["text"]) for f in want]
    for k in want[0]["evidence"]:
        assert k + ": " in got[0][1]


def test_coloured_by_growth(browser, page, changed, tmp_path):
    page(changed["html"])
    shot = png.read(browser.screenshot(str(tmp_path / "diff.png"), clip=canvas_box(browser)))
    counts = png.colour_counts(shot)
    red = sum(n for (r, g, b), n in counts.items() if r > 150 and g < 90 and b < 90)
    blue = sum(n for (r, g, b), n in counts.items() if b > 120 and r < 90 and g < 140)
    assert counts.get((0xff, 0x6f, 0x00), 0) > 100, "appeared"
    assert counts.get((0x9e, 0x9e, 0x9e), 0) > 100, "vanished"
    area = shot[0] * shot[1]
    # The grown region is 40 MiB of the process's ~70 MiB at most: a large
    # share of the drawing, and the largest coloured one.
    assert red > area * 0.2 and red > blue > 100, (red, blue, area)


def test_split_and_merged_regions(browser, page, tmp_path):
    """The split/ fixture pair (a region cut in three by mprotect, two
    joined): one row each, its pieces in the fields shown on a click."""
    tree = os.path.join(os.path.dirname(__file__), "..", "fixtures", "diff", "split")
    for side in "ab":
        smapwatch("snapshot", "-r", os.path.join(tree, side), "-o", tmp_path / (side + ".json"), 42)
    smapwatch("report", "-o", tmp_path / "split.html", tmp_path / "a.json", tmp_path / "b.json")
    want = json.loads(smapwatch("diff", "-j", "-a", tmp_path / "a.json", tmp_path / "b.json").stdout)
    grouped = [m for m in want["processes"][0]["maps"] if m["match"] in ("split", "merged")]
    assert sorted(m["match"] for m in grouped) == ["merged", "split"]
    page(str(tmp_path / "split.html"))
    for m in grouped:
        row = row_of(browser, m["b"]["start"])
        assert len(row) == 1 and row[0]["match"] == m["match"] and row[0]["change"] == m["change"]
        assert row[0]["end"] == m["b"]["end"] and number(row[0]["rss_delta"]) == m["delta"]["rss"] / 1024
        browser.click("#maps tbody tr[data-item='%s']" % browser.eval(
            "Array.from(document.querySelectorAll('#maps tbody tr')).filter(function (r) {"
            " return r.children[1].textContent === %s; })[0].dataset.item" % json.dumps(m["b"]["start"])))
        text = browser.eval("document.getElementById('details').innerText")
        assert "%d in A, %d in B" % (m["pieces"]["a"], m["pieces"]["b"]) in text
        assert "matched by " + m["match"] in text


def test_no_process_in_both(changed, tmp_path):
    other = tmp_path / "other.json"
    smapwatch("snapshot", "-o", other, os.getpid())
    a = changed["html"].replace("diff.html", "a.json")
    r = smapwatch("report", "-o", tmp_path / "none.html", a, other, check=False)
    assert r.returncode == 1 and b"no process in both" in r.stderr
    assert not (tmp_path / "none.html").exists()
