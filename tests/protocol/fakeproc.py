"""fakeproc.py - proc trees made here, in the kernel's exact format, for
the plugin's --proc-root: one process whose library paths and named
regions carry quotes, spaces, '|', '=' and the kernel's escaped newline
(\\012), a second whose smaps is malformed, and one for the fragmentation
and ratio signals. Shared by test_fake_tree.py, test_ids.py,
test_tiering.py, test_output.py and test_fake_signals.py."""

import os

from plugrun import run_plugin

FAKE_LIBS = [(b"/usr/lib/libc.so.6", 100), (b"/opt/x y/li'b\"q|=.so.1", 40),
             (b"/opt/nl\\012BEGIN x.so", 8)]
FAKE_NAMED = [(b"[anon:my \"region\"|x]", 24), (b"[anon:plain]", 4)]


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def fake_mapping(addr, perms, ino, name, kib, dirty):
    return (b"%012x-%012x %s 00000000 fe:00 %d %s\nSize: %d kB\nRss: %d kB\n"
            b"Private_Clean: %d kB\nPrivate_Dirty: %d kB\nVmFlags: rd mr\n"
            % (addr, addr + kib * 1024, perms, ino, name, kib, kib,
               0 if dirty else kib, kib if dirty else 0))


def proc_dir(root, pid, stat, cmdline, exe=None):
    """ROOT/PID with its fd/, stat, cmdline and (if given) exe link."""
    d = os.path.join(root, str(pid))
    os.makedirs(os.path.join(d, "fd"))
    write(os.path.join(d, "stat"), stat)
    write(os.path.join(d, "cmdline"), cmdline)
    if exe:
        os.symlink(exe, os.path.join(d, "exe"))
    return d


def make_fake_proc(root):
    """Process 42 "fa) ke\\nx" (a heap, FAKE_LIBS, FAKE_NAMED, a socket and
    /dev/null open, a status file) and 43, matched but malformed."""
    d = proc_dir(root, 42, b"42 (fa) ke\nx) S 1 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 "
                 b"20 0 3 0 777 3592192 599\n", b"fakeproc-marker\0--x\0",
                 "/opt/fake/bin/fake")
    os.symlink("socket:[1234]", os.path.join(d, "fd", "3"))
    os.symlink("/dev/null", os.path.join(d, "fd", "0"))
    smaps, addr = fake_mapping(0x55d0c1000000, b"rw-p", 0, b"[heap]", 800, 1), 0x7f0000000000
    for i, (name, kib) in enumerate(FAKE_LIBS):
        smaps += fake_mapping(addr, b"r-xp", 100 + i, name, kib, 0)
        addr += 0x1000000
    for name, kib in FAKE_NAMED:
        smaps += fake_mapping(addr, b"rw-p", 0, name, kib, 1)
        addr += 0x1000000
    write(os.path.join(d, "smaps"), smaps)
    write(os.path.join(d, "status"),
          b"Name:\tfa) ke\nUid:\t0\t0\t0\t0\nVmRSS:\t     900 kB\n"
          b"RssAnon:\t     850 kB\nRssFile:\t      50 kB\nRssShmem:\t"
          b"       0 kB\nVmSwap:\t      12 kB\n")
    # matched, but its smaps is malformed
    bad = proc_dir(root, 43, b"43 (bad) S 1 43 43 0 -1 4194560 0 0 0 0 0 0 0 0 "
                   b"20 0 1 0 778 3592192 599\n", b"fakeproc-marker\0")
    write(os.path.join(bad, "smaps"), b"Size: 4 kB\n")


def fake_tree(tmp):
    """The fake tree and a groups file of its group 'fake', in tmp (made
    once): (proc root, groups file)."""
    tmp = str(tmp)
    root = os.path.join(tmp, "fakeproc")
    if not os.path.isdir(root):
        make_fake_proc(root)
    conf = os.path.join(tmp, "fake.conf")
    with open(conf, "w") as f:
        f.write("fake: *fakeproc-marker*\n")
    return root, conf


def run_fake(tmp, extra, sends=(), all_charts=True):
    """The plugin 2.3 s on the fake tree, checked (plugrun.run_plugin)."""
    root, conf = fake_tree(tmp)
    return run_plugin(["--config", conf, "--proc-root", root]
                      + (["--all-charts"] if all_charts else []) + extra,
                      2.3, sends)


def signal_mapping(addr, perms, offset, ino, name, kib, rss, dirty, swap):
    return (b"%012x-%012x %s %08x fe:00 %d %s\nSize: %d kB\nRss: %d kB\n"
            b"Private_Clean: %d kB\nPrivate_Dirty: %d kB\nSwap: %d kB\n"
            b"VmFlags: rd mr\n" % (addr, addr + kib * 1024, perms, offset, ino,
                                   name, kib, rss, rss - dirty, dirty, swap))


# (perms, offset, inode, name, Size, Rss, Private_Dirty, Swap) in KiB: a
# heap with half its memory swapped and 256 KiB reserved, three anon
# regions (one with 1 MiB reserved), one library loaded twice.
SIGNAL_MAPPINGS = [(b"rw-p", 0, 0, b"[heap]", 768, 256, 256, 256),
                   (b"rw-p", 0, 0, b"", 1088, 64, 64, 0),
                   (b"rw-p", 0, 0, b"", 64, 64, 0, 0),
                   (b"rw-p", 0, 0, b"", 2048, 2048, 2048, 0),
                   (b"r-xp", 0, 7, b"/usr/lib/libdup.so.1", 100, 100, 0, 0),
                   (b"r-xp", 0, 7, b"/usr/lib/libdup.so.1", 100, 100, 0, 0)]


def make_signal_proc(root):
    """Process 50 of SIGNAL_MAPPINGS, command line sigproc-marker."""
    d = proc_dir(root, 50, b"50 (sig) S 1 50 50 0 -1 4194560 0 0 0 0 0 0 0 0 "
                 b"20 0 1 0 779 3592192 599\n", b"sigproc-marker\0",
                 "/opt/fake/bin/sig")
    write(os.path.join(d, "smaps"),
          b"".join(signal_mapping(0x7f0000000000 + i * 0x1000000, *x)
                   for i, x in enumerate(SIGNAL_MAPPINGS)))
