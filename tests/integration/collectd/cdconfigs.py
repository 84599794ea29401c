"""cdconfigs.py - what the suite's collectd instances are told: their
<Plugin smaps> blocks, the names of the workloads they watch, the config
errors, the proc tree ProcRoot reads. conftest.py starts the instances
from these; the test files import the names to check what came out."""
import os

from cdharness import cq

RATE_KIB = 1024
MAIN_SECONDS = 13          # how long the main instance watches the workloads
GROWTH_WINDOW = 10         # the main instance's GrowthWindow (its minimum)
UNLOAD = ("Initialization of plugin `smaps' failed with status -1. "
          "Plugin will be unloaded.")

HOSTILE1 = b'a b"c/d'            # space, quote, slash
HOSTILE2 = b'a b"c/d\ne'         # and a newline
LONG = "g" * 60 + "/long group name"

# Names equal in their first 63 characters, or equal once sanitized.
COLLIDE = ["g" * 60 + "/long group name", "g" * 60 + "/long other name",
           "h" * 70, "h" * 70 + "x", "h" * 63]

# The stores instance's groups: Process "swstable", PidFile "idle.pid".
STORE_GROUPS = {"swstable": "stable", "idle.pid": "idle"}

FDS_WARNING = ('smaps plugin: group "swidle": the open fds of 1 of its 1 '
               'processes cannot be counted (left out of fds and '
               'sockets); run collectd as root or with '
               'CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE to count them.')


def main_conf(tmp, unit):
    """The main instance: every workload, every field, category and
    signal, the hostile and long names, a Unit when one could be made."""
    units = ('  Unit "swunit" %s\n' % cq(unit)) if unit else ""
    return ("<LoadPlugin smaps>\n  Interval 1\n</LoadPlugin>\n"
            "<Plugin smaps>\n  FullInterval 0\n"
            '  Process "swheap"\n  Process "swmmap"\n'
            '  Process "swexit"\n  Process "swidle"\n'
            '  PidFile "swpid" %s\n' % cq(os.path.join(tmp, "idle.pid")) +
            '  Process "swsock"\n'
            '  Process "swnosuch"\n'
            "  Process %s\n" % cq(HOSTILE1.decode()) +
            "  Process %s\n" % cq(HOSTILE2.decode()) +
            '  ProcessMatch "nl \\"m\\"/x" '
            '"--comm a b\\"c/d[[:cntrl:]]e( |$)"\n'
            '  Process "x/y"\n  Process "x_y"\n'
            "  Process %s\n" % cq(LONG) + units +
            "  CollectLibraries true\n  MaxSubtotals 3\n"
            '  Fields "all"\n  Categories "all"\n  Signals "all"\n'
            "  CountSockets true\n  GrowthWindow %d\n" % GROWTH_WINDOW +
            "</Plugin>\n")


# name: (the <Plugin smaps> body, the option its ERROR names, a text the
# ERROR must hold too or None). One instance each, with load and memory.
ERROR_CASES = {
    "bad-regex": ('ProcessMatch "app" "java (.*"', "ProcessMatch", '"app"'),
    "unknown-option": ('Process "x"\n  Foo 1', '"Foo"', None),
    "wrong-type-bool": ('Process "x"\n  CollectLibraries "yes"',
                        "CollectLibraries", None),
    "wrong-type-number": ('Process "x"\n  MaxSubtotals "ten"',
                          "MaxSubtotals", None),
    "wrong-count": ('ProcessMatch "app"', "ProcessMatch", None),
    "wrong-count-pidfile": ('PidFile "db" "/a" "/b"', "PidFile", None),
    "growth-window-too-small": ('Process "x"\n  GrowthWindow 5',
                                "GrowthWindow", None),
    "warm-up-negative": ('Process "x"\n  WarmUp -1', "WarmUp", None),
    "maps-interval-negative": ('Process "x"\n  MapsInterval -1',
                               "MapsInterval", None),
    "maps-interval-wrong-type": ('Process "x"\n  MapsInterval "10"',
                                 "MapsInterval", None),
    "lowercase-key-wrong-type": ('process "x"\n  collectlibraries 3',
                                 "CollectLibraries", None),
    "unknown-field": ('Process "x"\n  Fields "rss bogus"', "Fields",
                      '"bogus" (known: rss pss uss private_dirty swap '
                      'size, or all)'),
    "unknown-signal": ('Process "x"\n  Signals "leak_rate" "small_vmas"',
                       "Signals", '"small_vmas"'),
    "wrong-type-categories": ('Process "x"\n  categories 3', "categories",
                              "expects one or more strings"),
    # issue 18, defect 20: two blocks merged silently, the second's
    # options applying to the first's groups
    "two-blocks": ('Process "x"\n</Plugin>\n<Plugin smaps>\n  Process "y"\n'
                   '  CollectLibraries true\n</Plugin>\n'
                   '<Plugin smaps>\n  GrowthWindow 60',
                   "second <Plugin smaps> block", None),
}


def error_conf(body):
    return ("LoadPlugin load\nLoadPlugin memory\nLoadPlugin smaps\n"
            "<Plugin smaps>\n" + body + "\n</Plugin>\n")


# Lower-case and upper-case option names; the defaults' tiering
# (FullInterval 60 at Interval 1).
CASE_CONF = ("LoadPlugin smaps\n<Plugin smaps>\n"
             '  process "swidle"\n  PROCESSMATCH "swm" "swmm.p"\n'
             "  collectlibraries true\n  maxsubtotals 1\n"
             "  mapsinterval 0\n"
             "  countsockets false\n  procroot \"/proc\"\n"
             '  fields "RSS" "pss"\n  CATEGORIES "heap total"\n'
             '  signals "steady"\n'
             "</Plugin>\n")

IDLE_ONLY_CONF = 'LoadPlugin smaps\n<Plugin smaps>\n  Process "swidle"\n' \
    '</Plugin>\n'


def procroot_conf(root):
    return ("LoadPlugin smaps\n<Plugin smaps>\n"
            '  Process "fake"\n  ProcRoot %s\n'
            "  CollectLibraries true\n  CollectNamedRegions true\n"
            '  Fields "all"\n  Categories "all"\n'
            "  MaxSubtotals 10\n</Plugin>\n" % cq(root))


def collide_conf():
    return ("LoadPlugin smaps\n<Plugin smaps>\n" +
            "".join("  Process %s\n" % cq(n) for n in COLLIDE) +
            "</Plugin>\n")


def net_server_conf(port):
    return ("LoadPlugin network\n<Plugin network>\n"
            "  Listen \"127.0.0.1\" \"%d\"\n</Plugin>\n" % port)


def net_client_conf(port):
    return ("LoadPlugin smaps\n<Plugin smaps>\n  Process \"swidle\"\n"
            "  Process \"swsock\"\n"
            "  Process %s\n</Plugin>\nLoadPlugin network\n"
            "<Plugin network>\n  Server \"127.0.0.1\" \"%d\"\n"
            "</Plugin>\n" % (cq(HOSTILE1.decode()), port))


def stores_conf(tmp, prom_port, plain_port, separate_port, influx_udp):
    """Every other interval a full read (fresh points for the signals,
    GrowthWindow 10 fits within seconds), so figures_age is 0 or 0.5:
    seconds, not intervals."""
    body = ("<LoadPlugin smaps>\n  Interval 0.5\n</LoadPlugin>\n"
            "<Plugin smaps>\n"
            '  Process "swstable"\n  PidFile "idle.pid" %s\n'
            "  GrowthWindow 10\n  FullInterval 1\n</Plugin>\n" % cq(
                os.path.join(tmp, "idle.pid")) +
            "LoadPlugin write_prometheus\n<Plugin write_prometheus>\n"
            '  Host "127.0.0.1"\n  Port "%d"\n</Plugin>\n' % prom_port +
            "LoadPlugin write_graphite\n<Plugin write_graphite>\n"
            '  <Node "plain">\n    Host "127.0.0.1"\n    Port "%d"\n'
            '  </Node>\n  <Node "separate">\n    Host "127.0.0.1"\n'
            '    Port "%d"\n    SeparateInstances true\n  </Node>\n'
            "</Plugin>\n" % (plain_port, separate_port))
    if influx_udp:
        body += ("LoadPlugin network\n<Plugin network>\n"
                 '  Server "127.0.0.1" "%d"\n</Plugin>\n' % influx_udp)
    return body


def build_proc_tree(tmp):
    """A proc tree with one process, 42 "fake": named regions (which this
    kernel cannot make live) and libraries of known sizes."""
    root = os.path.join(tmp, "fakeproc")
    d = os.path.join(root, "42")
    os.makedirs(os.path.join(d, "fd"))
    with open(os.path.join(d, "stat"), "w") as f:
        f.write("42 (fake) S 1 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 3 "
                "0 777 3592192 599\n")
    with open(os.path.join(d, "cmdline"), "wb") as f:
        f.write(b"fake\0--serve\0")
    os.symlink("/opt/fake/bin/fake", os.path.join(d, "exe"))
    for fd, target in (("0", "/dev/null"), ("1", "/dev/null"),
                       ("3", "socket:[4242]")):
        os.symlink(target, os.path.join(d, "fd", fd))
    maps = [
        ("55d0c0000000-55d0c0004000 r-xp 00000000 fe:00 1234", "/opt/fake/bin/fake", 16, 12, 12, 0),
        ("55d0c1000000-55d0c1100000 rw-p 00000000 00:00 0", "[heap]", 1024, 800, 0, 800),
        ("7f0000000000-7f0000200000 rw-p 00000000 00:00 0", "[anon:swbuf]", 2048, 1536, 0, 1536),
        ("7f0000200000-7f0000280000 rw-p 00000000 00:00 0", '[anon:a b|c "q"]', 512, 256, 0, 256),
        ("7f0000300000-7f0000340000 rw-p 00000000 00:00 0", "[anon:swbuf]", 256, 64, 0, 64),
        ("7f1000000000-7f1000064000 r-xp 00000000 fe:00 55", "/usr/lib/libfoo.so.1", 400, 300, 300, 0),
        ("7f1000100000-7f1000132000 r-xp 00000000 fe:00 56", "/usr/lib/libbar.so", 200, 100, 100, 0),
        ("7f1000200000-7f1000204000 rw-p 00010000 fe:00 55", "/usr/lib/libfoo.so.1", 16, 16, 0, 16),
        ("7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0", "[stack]", 132, 20, 0, 20),
        ("7ffd10000000-7ffd10002000 r-xp 00000000 00:00 0", "[vdso]", 8, 4, 0, 0),
    ]
    with open(os.path.join(d, "smaps"), "w") as f:
        for hdr, path, size, rss, pclean, pdirty in maps:
            f.write("%-72s %s\n" % (hdr, path))
            f.write("Size:           %8d kB\nRss:            %8d kB\n"
                    "Pss:            %8d kB\nPrivate_Clean:  %8d kB\n"
                    "Private_Dirty:  %8d kB\nSwap:           %8d kB\n"
                    "VmFlags: rd wr mr mw me\n" % (
                        size, rss, rss, pclean, pdirty, 0))
    return root
