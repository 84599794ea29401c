"""soakjudge.py - the soak's arithmetic on what a run recorded (soakrun.py):
the thirds of the samples, RSS and fd figures, massif's snapshots, and the
valgrind and sanitizer reports whose stack goes through our code. Pure
functions; test_soak.py states the bounds and asserts."""

import os
import re
import statistics

WARM = 1 / 3        # the first third of a run is warm-up
# A stack through our code: the plugin file, our function prefixes, our
# source files.
OURS = re.compile(r"smaps\.so|smaps\.plugin|\bsw_\w+|\bcd_\w+|"
                  r"\b(common|plugins/collectd|plugins/netdata)/\w+\.[ch]:")


def thirds(samples, t_total):
    """(second third's samples, last third's)."""
    second = [s for s in samples if WARM * t_total <= s.t < 2 * WARM * t_total]
    last = [s for s in samples if s.t >= 2 * WARM * t_total]
    return second, last


def rss(samples, t_total):
    """RSS KiB: medians of the second and last thirds, and the bound of
    their difference, max(2 %, 512 KiB)."""
    second, last = thirds(samples, t_total)
    m2 = statistics.median(s.rss for s in second)
    m3 = statistics.median(s.rss for s in last)
    return {"rss2": m2, "rss3": m3, "bound": max(0.02 * m2, 512),
            "first": samples[0].rss, "min": min(s.rss for s in samples),
            "max": max(s.rss for s in samples)}


def fds(samples, t_total):
    """Held fds: median and least of the second and last thirds; the most
    open in one listing after warm-up; fds held in the last two samples
    but never in the second third (a late leak; one sample alone may
    catch a slow read under valgrind)."""
    second, last = thirds(samples, t_total)
    late = sorted(t for _, t in (last[-1].held & last[-2].held)
                  - set().union(*(s.held for s in second)))
    return {"fd2": statistics.median(s.n_held for s in second),
            "fd3": statistics.median(s.n_held for s in last),
            "low2": min(s.n_held for s in second),
            "low3": min(s.n_held for s in last),
            "fdmax": max(s.n_open for s in second + last), "late": late}


def stale_proc(samples):
    """Kept /proc/PID fds of exited members still open three samples
    running (several seconds): the core closes one at the next cycle."""
    return sorted({t for a, b, c in zip(samples, samples[1:], samples[2:])
                   for _, t in a.dead & b.dead & c.dead})


def transient(samples):
    """The fds seen open for a moment, /proc/PID/ folded."""
    return sorted({re.sub(r"/proc/\d+/", "/proc/PID/", t)
                   for s in samples for t in s.transient})


# ------------------------------------------------------------- massif


def massif_snapshots(path):
    """[(ms, heap bytes, bytes held through our code)] of each detailed
    snapshot of a massif.out file: a tree node whose function is ours
    counts with its subtree, once (the nodes under it are not added)."""
    out, t, heap, ours, inside, stack = [], 0, 0, 0, False, []
    with open(path, errors="replace") as f:
        lines = f.readlines()
    for line in lines:
        if line.startswith("snapshot="):
            if inside:
                out.append((t, heap, ours))
            inside, ours, stack = False, 0, []
        elif line.startswith("time="):
            t = int(line[5:])
        elif line.startswith("mem_heap_B="):
            heap = int(line[11:])
        elif line.startswith("heap_tree="):
            inside = line.strip() != "heap_tree=empty"
        elif inside:
            m = re.match(r"^( *)n\d+: (\d+) (.*)$", line.rstrip("\n"))
            if not m:
                continue
            depth = len(m.group(1))
            del stack[depth:]
            covered = any(stack)
            mine = bool(OURS.search(m.group(3)))
            if mine and not covered:
                ours += int(m.group(2))
            stack.append(mine or covered)
    if inside:
        out.append((t, heap, ours))
    return [(t / 1000.0, h, o) for t, h, o in out]


def massif_thirds(snaps, t_total):
    """The second and last thirds' snapshots. Massif snapshots at
    allocation events only (a plugin that allocates nothing per cycle
    leaves few), so a third also counts the last snapshot before it;
    teardown after the run is not part of it."""
    def third(lo, hi):
        before = [x for x in snaps if x[0] < lo]
        return before[-1:] + [x for x in snaps if lo <= x[0] < hi]
    return (third(WARM * t_total, 2 * WARM * t_total),
            third(2 * WARM * t_total, t_total))


# ------------------------------------------------------------- reports


def records(text):
    """valgrind's log cut into records (blank-line separated)."""
    recs, cur = [], []
    for line in text.splitlines():
        body = re.sub(r"^==\d+== ?", "", line)
        if not body.strip():
            if cur:
                recs.append("\n".join(cur))
            cur = []
        else:
            cur.append(body)
    if cur:
        recs.append("\n".join(cur))
    return recs


def valgrind_log(log):
    """(ERROR SUMMARY's count or "?", definitely lost, indirectly lost,
    the error and definite/indirect leak records whose stack goes through
    our code: smaps.so, sw_*/cd_* functions, common/ or plugins/ files)."""
    with open(log, errors="replace") as f:
        text = f.read()
    ours = []
    for r in records(text):
        head = r.splitlines()[0]
        if head.startswith(("HEAP SUMMARY", "LEAK SUMMARY", "ERROR SUMMARY",
                            "Memcheck", "Copyright", "Using Valgrind",
                            "Command:", "For lists", "Rerun", "To see",
                            "in use at exit", "All heap blocks")):
            continue
        if re.match(r"\d[\d,]* .*bytes in .* blocks are (possibly lost|still "
                    r"reachable)", head):
            continue
        if not re.search(r"^\s+(at|by) 0x", r, re.M):
            continue
        if OURS.search(r):
            ours.append(r)
    m = re.search(r"ERROR SUMMARY: (\d+) errors", text)
    lost = re.search(r"definitely lost: ([\d,]+) bytes", text)
    ind = re.search(r"indirectly lost: ([\d,]+) bytes", text)
    return (m.group(1) if m else "?", lost.group(1) if lost else "0",
            ind.group(1) if ind else "0", ours)


def asan_reports(logdir):
    """ASan/UBSan/LSan reports in log_path files: (all, ours)."""
    allr, ours = [], []
    for fn in sorted(os.listdir(logdir)):
        if not fn.startswith("asan"):
            continue
        with open(os.path.join(logdir, fn), errors="replace") as f:
            text = f.read()
        # LSan reports one record per leak; other reports are one each.
        for part in re.split(r"\n(?=(?:Direct|Indirect) leak of)", text):
            if not re.search(r"^\s+#0 ", part, re.M):
                continue   # the header alone, no stack
            allr.append(part)
            if OURS.search(part):
                ours.append(part)
    return allr, ours
