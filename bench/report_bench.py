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
        t0 = time.monotonic()
        subprocess.run([smapwatch, "report", "-o", html, str(helper.pid)], check=True)
        t_write = time.monotonic() - t0
        subprocess.run([smapwatch, "snapshot", "-o", snapfile, str(helper.pid)], check=True)
        loads, renders = [], []
        with cdp.Browser() as b:
            for _ in range(RUNS):
                b.open("about:blank")
                loads.append(b.open("file://" + html))
                renders.append(float(b.eval("document.documentElement.dataset.renderMs")))
                rows = b.eval("document.getElementById('maps-summary').getAttribute('data-count')")
                if b.problems or int(rows) < n:
                    sys.exit("report_bench: page problems %s, %s mappings" % (b.problems, rows))
        size, snap_size = os.path.getsize(html), os.path.getsize(snapfile)
        print("report of %s mappings (bench/manymaps), chromium %s:" % (rows, chromium_version()))
        print("  smapwatch report (look + write)   %8.0f ms" % (t_write * 1e3))
        print("  page size                         %8.2f MB   (snapshot file of the same: %.2f MB)"
              % (size / 1e6, snap_size / 1e6))
        print("  open: load event                  %8.0f ms   median of %d (min %.0f, max %.0f)"
              % (statistics.median(loads) * 1e3, RUNS, min(loads) * 1e3, max(loads) * 1e3))
        print("  open: page script, parse to drawn %8.0f ms   median of %d"
              % (statistics.median(renders), RUNS))
    finally:
        helper.kill()
        helper.wait()
        for f in os.listdir(tmp):
            os.unlink(os.path.join(tmp, f))
        os.rmdir(tmp)


def chromium_version():
    out = subprocess.run([cdp.CHROMIUM, "--version"], capture_output=True, text=True).stdout
    return out.split()[1] if len(out.split()) > 1 else "?"


if __name__ == "__main__":
    main()
