"""A report of processes and paths with hostile names (quotes, <, </script>,
&, newlines, invalid UTF-8) runs no script, adds no element, and shows
every name as text."""
import json
import os
import shutil
import subprocess
import time

import pytest

from conftest import smapwatch, load_json, display

SCRIPTISH = b"</script><img src=x onerror=pwn()><script>pwn()</script>"
MAPPER = r"""
import ctypes, mmap, sys, time
ctypes.CDLL(None).prctl(15, b'</script><i>"\n', 0, 0, 0)
f = open(sys.argv[1], "rb"); m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ); m[0]
print("ready", flush=True); time.sleep(300)
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    d = bytes(tmp_path_factory.mktemp("hostile"))
    # "<" is a directory, so paths below it hold "</script>...".
    lt = os.path.join(d, b"<")
    os.mkdir(lt)
    lib = os.path.join(lt, b"script><img src=x onerror=pwn()>\"'&\n\xff.so")
    with open(lib, "wb") as f:
        f.write(b"\0" * 8192)
    exe = os.path.join(lt, b"script>&'\"sl\xffeep")
    shutil.copy(shutil.which("sleep"), exe)
    procs = [subprocess.Popen([SCRIPTISH + b"&\"'\n\xff", b"300"], executable=exe),
             subprocess.Popen([b"python3", b"-c", MAPPER, lib, SCRIPTISH + b"\n&amp;\"'"],
                              stdout=subprocess.PIPE)]
    assert procs[1].stdout.readline() == b"ready\n"
    time.sleep(0.1)
    snapfile = os.path.join(d, b"hostile.json")
    smapwatch("snapshot", "-o", snapfile.decode("latin-1"), procs[0].pid, procs[1].pid)
    html = os.path.join(d, b"report.html")
    smapwatch("report", "-o", html.decode("latin-1"), snapfile.decode("latin-1"))
    yield {"snap": load_json(snapfile), "html": html.decode("latin-1"), "lib": lib, "exe": exe,
           "snapfile": snapfile.decode("latin-1")}
    for p in procs:
        p.kill()
        p.wait()


def test_names_are_data_never_markup(browser, page, hostile):
    with open(hostile["html"], "rb") as f:
        raw = f.read()
    # Only the page's own two script elements end; nothing of the data does.
    assert raw.count(b"</script") == 2 and b"<img" not in raw
    page(hostile["html"])
    for i in range(len(hostile["snap"]["processes"])):
        show_process(browser, i)
        browser.eval("new Promise(function (done) { setTimeout(done, 50); })")  # an onerror would have run
        assert browser.eval("window.__pwned") == 0
        assert browser.eval("document.querySelectorAll('img, i, iframe, object, embed, svg').length") == 0
        assert browser.eval("document.scripts.length") == 2


def show_process(browser, i):
    browser.eval("var s = document.getElementById('proc'); s.value = '%d';"
                 " s.dispatchEvent(new Event('change'))" % i)


def test_names_shown_escaped(browser, page, hostile):
    page(hostile["html"])
    procs = hostile["snap"]["processes"]
    assert len(procs) == 2
    findings = json.loads(smapwatch("findings", "-j", hostile["snapfile"]).stdout)
    for i, p in enumerate(procs):
        show_process(browser, i)
        ident = browser.eval("['comm','cmdline','exe'].map(function (k) {"
                             " return document.getElementById('id-' + k).textContent; })")
        assert ident == [display(p["comm"]), display(p["cmdline"]), display(p["exe"])]
        names = browser.eval("Array.from(document.querySelectorAll('#maps td.name')).map("
                             "function (td) { return td.textContent; })")
        assert sorted(names) == sorted(display(m["name"]) for m in p["maps"])
        # Each process's own findings, a count of the others'.
        ids = browser.eval("Array.from(document.querySelectorAll('#findings li')).map("
                           "function (li) { return li.dataset.id; })")
        mine = [f["id"] for f in findings if f["process"] == p["pid"]]
        assert ids == mine
        note = browser.eval("(document.getElementById('findings-others') || {}).textContent")
        assert (note or "").startswith("%d more" % (len(findings) - len(mine))) or len(findings) == len(mine)
    assert findings, "the python process has its allocator note"
    # What a person reads: the bytes that are not text as \xNN, the
    # newline the kernel wrote as \012, the rest as it is.
    comms = [display(p["comm"]) for p in procs]
    assert "</script><i>\"\\x0a" in comms
    assert "script>&'\"sl\\xffee" in comms
    mapper = procs[[display(p["comm"]) for p in procs].index("</script><i>\"\\x0a")]
    lib = [display(m["name"]) for m in mapper["maps"] if "onerror" in m["name"]]
    assert len(lib) == 1 and lib[0].endswith("/</script><img src=x onerror=pwn()>\"'&\\012\\xff.so")
    assert "</script><img src=x onerror=pwn()><script>pwn()</script>\\x0a&amp;\"'" in display(mapper["cmdline"])


def test_hostile_names_in_a_comparison(browser, page, tmp_path):
    """i13a's hostile/ fixture pair (spaces, newlines, quotes, '<', bytes
    that are not UTF-8 in comm, cmdline and paths) through report A B."""
    tree = os.path.join(os.path.dirname(__file__), "..", "fixtures", "diff", "hostile")
    for side in "ab":
        smapwatch("snapshot", "-r", os.path.join(tree, side), "-o", tmp_path / (side + ".json"), 77)
    smapwatch("report", "-o", tmp_path / "h.html", tmp_path / "a.json", tmp_path / "b.json")
    want = json.loads(smapwatch("diff", "-j", "-a", tmp_path / "a.json", tmp_path / "b.json").stdout)
    page(str(tmp_path / "h.html"))
    assert browser.eval("window.__pwned") == 0
    proc = load_json(tmp_path / "b.json")["processes"][0]
    assert browser.eval("document.getElementById('id-comm').textContent") == display(proc["comm"])
    names = browser.eval("Array.from(document.querySelectorAll('#maps td.name')).map("
                         "function (td) { return td.textContent; })")
    rows = want["processes"][0]["maps"]
    assert sorted(names) == sorted(display((r["b"] or r["a"])["name"]) for r in rows)
    assert any("\\x" in n for n in names) and any("<" in n for n in names)
