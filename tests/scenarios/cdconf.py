"""cdconf.py - what the collectd scenario suites share: a collectd.conf
for one run (Interval 1, logfile, csv, the smaps block given, then the
shipped threshold alarms, packaging/collectd/smaps-threshold.conf), and
the rows of collectd's csv files."""
import glob
import os

from shapes import ROOT

HEAD = """Hostname "%(host)s"
BaseDir "%(t)s"
PIDFile "%(t)s/collectd.pid"
PluginDir "%(t)s/plugins"
TypesDB "/usr/share/collectd/types.db"
Interval 1
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "%(t)s/log"
</Plugin>
LoadPlugin csv
<Plugin csv>
  DataDir "%(t)s/csv"
</Plugin>
LoadPlugin smaps
<Plugin smaps>
"""


def write_conf(tmp, host, smaps_lines):
    """tmp/collectd.conf for collectd run in tmp (its plugins in
    tmp/plugins, its csv in tmp/csv, its log tmp/log); smaps_lines: the
    <Plugin smaps> block's lines. Returns its path."""
    path = os.path.join(tmp, "collectd.conf")
    with open(path, "w") as f:
        f.write(HEAD % dict(host=host, t=tmp))
        f.write("".join(l + "\n" for l in smaps_lines))
        f.write("</Plugin>\n")
        f.write(open(os.path.join(ROOT, "packaging", "collectd",
                                  "smaps-threshold.conf")).read())
    return path


def csv_rows(pattern):
    """Sorted [(time, value)] of the csv files PATTERN-* (one per day)."""
    rows = []
    for f in glob.glob(pattern + "-*"):
        with open(f) as fh:
            for line in fh:
                if line[:1].isdigit():
                    t, v = line.strip().split(",")[:2]
                    rows.append((float(t), float(v)))
    return sorted(rows)
