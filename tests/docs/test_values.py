"""docs/reference.md against what the plugins really send: smaps.plugin run
on a live process of the test (its default charts, then --all-charts
--libs --named) and a real collectd (Debian's) loading smaps.so with every
field, category and signal, on that process and on a hand-made proc tree
holding an [anon:NAME] region (this kernel names none). Both ways: each
chart, family, unit and dimension sent is in the page's row of its
context, each row's context and dimensions are sent; each collectd value
received is in the page's tables, each name there is received."""
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pytest

from docslib import BUILD, expand_braces, read, section, table_rows, ticks

PLUGIN = os.path.join(BUILD, "smaps.plugin")
SMAPS_SO = os.path.join(BUILD, "smaps.so")
COLLECTD = "/usr/sbin/collectd"
STOCK = "/usr/lib/collectd"
TYPESDB = "/usr/share/collectd/types.db"
GROUP = "docsgrp"


@pytest.fixture(scope="module")
def tmp():
    d = tempfile.mkdtemp(prefix="sw-docs-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def target(tmp):
    """A live process of the test, known by a pidfile (so that no other
    process on this shared machine joins the group)."""
    p = subprocess.Popen([sys.executable, "-c",
                          "import time, socket\n"
                          "s = socket.socket()\n"
                          "b = bytearray(4 << 20)\n"
                          "time.sleep(120)\n"])
    pidfile = os.path.join(tmp, "target.pid")
    with open(pidfile, "w") as f:
        f.write("%d\n" % p.pid)
    time.sleep(0.2)
    yield pidfile
    p.kill()
    p.wait()


def fake_proc(root):
    """A proc tree of one process, pid 42, comm docsfake, with [heap], a
    library and a named anonymous region, in the kernel's formats."""
    d = os.path.join(root, "42")
    os.makedirs(os.path.join(d, "fd"))

    def w(name, data):
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    w("stat", b"42 (docsfake) S 1 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 "
      b"1 0 777 3592192 599\n")
    w("cmdline", b"docsfake\0")
    w("status", b"Name:\tdocsfake\nUid:\t0\t0\t0\t0\nThreads:\t1\n"
      b"VmSize:\t    2000 kB\nVmRSS:\t     900 kB\nRssAnon:\t     850 kB\n"
      b"RssFile:\t      50 kB\nRssShmem:\t       0 kB\nVmSwap:\t       0 kB\n")
    os.symlink("/usr/bin/docsfake", os.path.join(d, "exe"))
    os.symlink("/dev/null", os.path.join(d, "fd", "0"))
    maps = b""
    for addr, perms, ino, name in (
            (0x55d0c1000000, b"rw-p", 0, b"[heap]"),
            (0x7f0000000000, b"r-xp", 101, b"/usr/lib/libdocs.so.1"),
            (0x7f0001000000, b"rw-p", 0, b"[anon:docs_region]")):
        maps += (b"%012x-%012x %s 00000000 %s %d %s\nSize: 64 kB\n"
                 b"Rss: 64 kB\nPss: 64 kB\nPrivate_Clean: 0 kB\n"
                 b"Private_Dirty: 64 kB\nSwap: 0 kB\nSwapPss: 0 kB\n"
                 b"VmFlags: rd wr mr\n"
                 % (addr, addr + 0x10000, perms,
                    b"fe:00" if ino else b"00:00", ino, name))
    w("smaps", maps)


def start_plugin(tmp, pidfile, extra):
    conf = os.path.join(tmp, "groups.conf")
    with open(conf, "w") as f:
        f.write("%s: pidfile:%s\n" % (GROUP, pidfile))
    return subprocess.Popen([PLUGIN, "1", "--config", conf] + extra,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def plugin_charts(p, extra):
    """{context: (id, family, units, [dimension ids], [named dims])} of
    the CHART and DIMENSION lines of one smaps.plugin run (2.5 s)."""
    try:
        out, err = p.communicate(timeout=2.5)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    charts, cur = {}, None
    for line in out.decode("utf-8", "replace").split("\n"):
        if line.startswith("CHART "):
            w = shlex.split(line)
            cur = charts.setdefault(w[6], (w[1], w[5], w[4], [], []))
        elif line.startswith("DIMENSION ") and cur:
            w = shlex.split(line)
            (cur[4] if w[2] else cur[3]).append(w[1])
        elif not line.startswith(("CLABEL", "DIMENSION")):
            cur = None
    assert charts, "smaps.plugin %s sent no chart: %s" % (extra, err[-500:])
    return charts


@pytest.fixture(scope="module")
def charts(tmp, target):
    """The default charts and every chart, two runs side by side."""
    runs = [[], ["--all-charts", "--libs", "--named"]]
    procs = [start_plugin(tmp, target, extra) for extra in runs]
    return tuple(plugin_charts(p, extra) for p, extra in zip(procs, runs))


def ref_chart_rows():
    """{context: (subsection, row)} of docs/reference.md's chart tables."""
    text = section(read("docs/reference.md"), "## Netdata charts")
    out, sub = {}, None
    for part in re.split(r"^(### .*)$", text, flags=re.M):
        if part.startswith("### "):
            sub = part[4:]
            continue
        for r in table_rows(part):
            t = ticks(r[0])
            assert len(t) == 1, "a chart row names one context: %s" % r[0]
            assert t[0] not in out, "%s has two rows" % t[0]
            out[t[0]] = (sub, r)
    return out


def doc_dims(cell):
    return {t for t in ticks(cell) if re.fullmatch(r"[a-z_]+", t)}


def test_charts_in_reference(charts):
    default, everything = charts
    rows = ref_chart_rows()
    bad = []
    for ctx, (cid, family, units, dims, named) in everything.items():
        if ctx not in rows:
            bad.append("%s: no row" % ctx)
            continue
        sub, r = rows[ctx]
        docid = cid.replace("smaps.%s_" % GROUP, "smaps.GROUP_")
        docfam = "GROUP" if family == GROUP else family
        if ticks(r[1]) != [docid]:
            bad.append("%s: id %s, the row says %s" % (ctx, docid, r[1]))
        if ticks(r[2]) != [docfam]:
            bad.append("%s: family %s, the row says %s" % (ctx, docfam, r[2]))
        if r[3] != units:
            bad.append("%s: units %s, the row says %s" % (ctx, units, r[3]))
        if set(dims) != doc_dims(r[4]):
            bad.append("%s: dimensions %s, the row says %s"
                       % (ctx, dims, sorted(doc_dims(r[4]))))
        where = ("The plugin's own cost" if ctx.startswith("netdata.") else
                 "The default charts" if ctx in default else None)
        if where and sub != where or not where and sub == "The default charts":
            bad.append("%s: in '%s'; sent %s" % (
                ctx, sub, "by default" if ctx in default else
                "with --all-charts, --libs or --named only"))
    for ctx in rows:
        if ctx not in everything:
            bad.append("%s: in the page, never sent" % ctx)
    # the counts the pages and the man page give
    n_def = len([c for c in default if c.startswith("smaps.")])
    n_all = len([c for c in everything if c.startswith("smaps.") and
                 c not in ("smaps.libs_rss", "smaps.named_rss")])
    said = "%d charts a group instead of %d" % (n_all, n_def)
    if said not in read("docs/reference.md"):
        bad.append("docs/reference.md's --all-charts row does not say '%s'"
                   % said)
    man = " ".join(read("plugins/netdata/smaps.plugin.1").split())
    if "per group %d charts instead of %d" % (n_all, n_def) not in man:
        bad.append("smaps.plugin.1 does not say 'per group %d charts "
                   "instead of %d'" % (n_all, n_def))
    assert not bad, "\n".join(bad)
    assert len(everything) >= 30 and len(default) >= 15, \
        (len(everything), len(default))


def collectd_ids(tmp, pidfile):
    """{"GROUP/type-instance"} a real collectd received from smaps.so once
    its growth fits are sent, read back from its csv files: group `docsgrp` (the live
    process) in one daemon, group `docsfake` (the hand-made tree) in
    another, both with every field, category, signal and sub-total."""
    if not os.path.exists(COLLECTD):
        pytest.fail("%s missing (Debian's collectd-core, .ci/deps)" % COLLECTD)
    procs, dirs = [], []
    fake = os.path.join(tmp, "fakeproc")
    fake_proc(fake)
    for name, sel, root in (("live", 'PidFile "%s" "%s"' % (GROUP, pidfile),
                             "/proc"),
                            ("fake", 'Process "docsfake"', fake)):
        d = os.path.join(tmp, "collectd-" + name)
        plug = os.path.join(d, "plugins")
        os.makedirs(plug)
        # collectd loads regular files only: copies, not links
        for so in ("csv", "logfile"):
            shutil.copy(os.path.join(STOCK, so + ".so"), plug)
        shutil.copy(SMAPS_SO, plug)
        conf = os.path.join(d, "collectd.conf")
        with open(conf, "w") as f:
            f.write("\n".join([
                'Hostname "docs"', "FQDNLookup false",
                'BaseDir "%s"' % d, 'PIDFile "%s/collectd.pid"' % d,
                'PluginDir "%s"' % plug, 'TypesDB "%s"' % TYPESDB,
                "Interval 1", "AutoLoadPlugin false",
                "LoadPlugin logfile",
                '<Plugin logfile>\n  File "%s/log"\n</Plugin>' % d,
                "LoadPlugin csv",
                '<Plugin csv>\n  DataDir "%s/csv"\n</Plugin>' % d,
                "LoadPlugin smaps", "<Plugin smaps>", "  " + sel,
                '  ProcRoot "%s"' % root,
                '  Fields "all"', '  Categories "all"', '  Signals "all"',
                "  CollectLibraries true", "  CollectNamedRegions true",
                "  FullInterval 0", "  GrowthWindow 10", "  WarmUp 0",
                "</Plugin>", ""]))
        dirs.append(d)
        with open(os.path.join(d, "stdout"), "wb") as out:
            procs.append(subprocess.Popen([COLLECTD, "-f", "-C", conf],
                                          stdout=out,
                                          stderr=subprocess.STDOUT))
    def fitted(d):
        """Whether the growth fits have been sent (3 points in): by then
        every value has been."""
        base = os.path.join(d, "csv", "docs")
        return os.path.isdir(base) and any(
            f.startswith("gauge-heap_growth")
            for pdir in os.listdir(base) if pdir.startswith("smaps-")
            for f in os.listdir(os.path.join(base, pdir)))
    try:
        # 4 to 5 s on a quiet machine; a loaded one gets up to 30 s
        end = time.monotonic() + 30
        while time.monotonic() < end and not all(fitted(d) for d in dirs) \
                and all(p.poll() is None for p in procs):
            time.sleep(0.25)
        time.sleep(1.2)      # one more interval: its values all written
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    ids = set()
    for d in dirs:
        base = os.path.join(d, "csv", "docs")
        assert os.path.isdir(base), "collectd wrote no csv: %s %s" % (
            "".join(open(os.path.join(d, f), errors="replace").read()[-800:]
                    for f in ("stdout", "log")
                    if os.path.exists(os.path.join(d, f))), procs)
        for pdir in os.listdir(base):
            for f in os.listdir(os.path.join(base, pdir)):
                ids.add("%s/%s" % (pdir, re.sub(r"-\d{4}-\d\d-\d\d\Z", "", f)))
    return ids


def doc_patterns():
    """[(regex, name as written)] of the first-column names of
    docs/reference.md's collectd tables, braces expanded, NAME any name,
    a group's values under smaps-GROUP/, the own ones as written."""
    rows = table_rows(section(read("docs/reference.md"), "## collectd values"))
    out = []
    for r in rows:
        for t in ticks(r[0]):
            for name in expand_braces(t):
                full = name if name.startswith("smaps_self/") else \
                    "smaps-GROUP/" + name
                rx = re.escape(full).replace("NAME", ".+").replace(
                    "GROUP", r"(docsgrp|docsfake)")
                out.append((re.compile(rx + r"\Z"), full))
    return out


def test_collectd_values_in_reference(tmp, target):
    ids = collectd_ids(tmp, target)
    pats = doc_patterns()
    missing = sorted(i for i in ids if not any(p.match(i) for p, _ in pats))
    assert not missing, "received, not in docs/reference.md: %s" % missing
    never = sorted(n for p, n in pats if not any(p.match(i) for i in ids))
    assert not never, "in docs/reference.md, never received: %s" % never
    # every name of one group (sub-totals aside): the count collectd.md
    # and collectd-smaps(5) give (ps_count is two series in a store)
    n = len([i for i in ids if i.startswith("smaps-docsgrp/") and
             "-lib_" not in i and "-named_" not in i])
    assert "**%d** with every field" % (n + 1) in read("docs/collectd.md"), n
    man = " ".join(read("plugins/collectd/collectd-smaps.5").split())
    assert "every name %d (%d series)" % (n, n + 1) in man, n
    # what makes this test worth having: a real run, both groups, sub-totals
    assert any(i.startswith("smaps-docsgrp/gauge-heap_growth") for i in ids)
    assert any("named_docs_region" in i for i in ids), sorted(ids)[:20]
    assert len(ids) > 150, len(ids)
