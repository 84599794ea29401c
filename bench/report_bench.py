"""report_bench.py - size and opening time of `smapwatch report` for a
process of N mappings (bench/manymaps), in Debian's headless chromium.

usage: report_bench.py SMAPWATCH MANYMAPS [N]

Prints the time smapwatch takes to write the page, its size, and, over
several openings in one browser, the load time (navigation start to the
load event: reading and parsing the file, the JSON, drawing the treemap
and the first 500 table rows, all synchronous before load) and the
page's own time from its script's start to the end of drawing. Also a
snapshot file of the same process, for scale."""
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "report"))
import cdp  # noqa: E402

RUNS = 7


def main():
    smapwatch, manymaps = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
    tmp = tempfile.mkdtemp(prefix="sw-report-bench-")
    helper = subprocess.Popen([manymaps, str(n)], stdout=subprocess.PIPE)
    try:
        line = helper.stdout.readline().decode()
        if not line.startswith("ready"):
            sys.exit("report_bench: manymaps did not start")
        html, snapfile = os.path.join(tmp, "r.html"), os.path.join(tmp, "s.json")
        diffhtml = os.path.join(tmp, "d.html")
        t0 = time.monotonic()
        subprocess.run([smapwatch, "report", "-o", html, str(helper.pid)], check=True)
        t_write = time.monotonic() - t0
        subprocess.run([smapwatch, "snapshot", "-o", snapfile, str(helper.pid)], check=True)
        subprocess.run([smapwatch, "report", "-o", diffhtml, snapfile, str(helper.pid)], check=True)
        with cdp.Browser() as b:
            one, rows = opening(b, html, n)
            two, _ = opening(b, diffhtml, n)
        size, snap_size = os.path.getsize(html), os.path.getsize(snapfile)
        print("report of %s mappings (bench/manymaps), chromium %s:" % (rows, chromium_version()))
        print("  smapwatch report (look + write)   %8.0f ms" % (t_write * 1e3))
        print("  page size                         %8.2f MB   (snapshot file of the same: %.2f MB)"
              % (size / 1e6, snap_size / 1e6))
        show("open", one)
        print("  comparison (snapshot, then live): %8.2f MB" % (os.path.getsize(diffhtml) / 1e6))
        show("open", two)
    finally:
        helper.kill()
        helper.wait()
        for f in os.listdir(tmp):
            os.unlink(os.path.join(tmp, f))
        os.rmdir(tmp)


def opening(b, path, n):
    """Load and render times of RUNS openings of path in one browser."""
    loads, renders = [], []
    for _ in range(RUNS):
        b.open("about:blank")
        loads.append(b.open("file://" + path))
        renders.append(float(b.eval("document.documentElement.dataset.renderMs")))
        rows = b.eval("document.getElementById('maps-summary').getAttribute('data-count')")
        if b.problems or int(rows) < n:
            sys.exit("report_bench: %s: page problems %s, %s mappings" % (path, b.problems, rows))
    return (loads, renders), rows


def show(what, times):
    loads, renders = times
    print("  %s: load event                  %8.0f ms   median of %d (min %.0f, max %.0f)"
          % (what, statistics.median(loads) * 1e3, RUNS, min(loads) * 1e3, max(loads) * 1e3))
    print("  %s: page script, parse to drawn %8.0f ms   median of %d"
          % (what, statistics.median(renders), RUNS))


def chromium_version():
    out = subprocess.run([cdp.CHROMIUM, "--version"], capture_output=True, text=True).stdout
    return out.split()[1] if len(out.split()) > 1 else "?"


if __name__ == "__main__":
    main()
