"""The pages themselves: every relative link between README.md and docs/
reaches a file that exists, and an anchor that a heading of it makes;
every figure of docs/performance.md (each table and each code block of
figures) is followed by a `Produced by:` line naming the command that made
it (a make target that exists, or a program of the tree) and the date;
no line is over lintian's 512 characters."""
import os
import re
import subprocess
from functools import lru_cache

from docslib import (ROOT, anchors, code_blocks, pages, read, strip_code)

LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def links(text):
    """The link targets of a page, outside code."""
    return LINK.findall(strip_code(re.sub(r"`[^`]*`", "", text)))


def test_relative_links_and_anchors():
    bad, n = [], 0
    for page in pages():
        text = read(page)
        for target in links(text):
            if re.match(r"[a-z]+:", target):
                continue            # http:, https:, mailto:
            n += 1
            path, _, frag = target.partition("#")
            dest = os.path.normpath(os.path.join(os.path.dirname(page), path)) \
                if path else page
            if not os.path.exists(os.path.join(ROOT, dest)):
                bad.append("%s: %s: no such file" % (page, target))
                continue
            if frag and dest.endswith(".md") and \
                    frag not in anchors(read(dest)):
                bad.append("%s: %s: no heading makes #%s in %s"
                           % (page, target, frag, dest))
    assert not bad, "\n".join(bad)
    assert n >= 30, "only %d relative links" % n


def test_every_page_reached_from_readme():
    text = read("README.md")
    for page in pages()[1:]:
        assert "(%s" % page in text, "README.md has no link to %s" % page


def test_line_length():
    """lintian's very-long-line-length-in-source-file: 512."""
    long = ["%s:%d (%d)" % (p, n + 1, len(l)) for p in pages() + ["NEWS"]
            for n, l in enumerate(read(p).split("\n")) if len(l) > 512]
    assert not long, "lines over 512 characters: %s" % long


@lru_cache(maxsize=1)
def make_targets():
    """Every target of the Makefile's database (make -p, nothing run)."""
    p = subprocess.run(["make", "-C", ROOT, "-pRrq", "-f", "Makefile",
                        "__docs_test_no_such_target__"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       timeout=60)
    return set(re.findall(r"^([^\s:#=%][^\s:=]*):(?!=)",
                          p.stdout.decode(errors="replace"), re.M))


def command_ok(cmd):
    """cmd starts with `make T...` (T targets of the Makefile, VAR=value
    allowed), or with a program of the tree (a make target, such as
    build/bench/bench_leakdetect, or a file, such as bench/peers.py)."""
    words = cmd.split()
    if not words:
        return False
    if words[0] == "make":
        targets = [w for w in words[1:] if "=" not in w and
                   not w.startswith("-")]
        return bool(targets) and all(t in make_targets() for t in targets)
    prog = words[1] if words[0] in ("python3", "sh", "bash") and \
        len(words) > 1 else words[0]
    return prog in make_targets() or os.path.isfile(os.path.join(ROOT, prog))


def figure_blocks(text):
    """[(line number, first line)] of each table and each code block that
    holds a figure (a digit) in docs/performance.md, with the line number
    where the block ends."""
    lines = text.split("\n")
    out = []
    for start, blk in code_blocks(text):
        body = [l for l in blk if l.strip()]
        if any(re.search(r"\d", l) for l in body):
            end = start + len(blk)
            while end > start and not lines[end - 1].strip():
                end -= 1
            out.append((start, end, body[0].strip()))
    n = 0
    while n < len(lines):
        if lines[n].startswith("|"):
            start = n
            while n < len(lines) and lines[n].startswith("|"):
                n += 1
            if any(re.search(r"\d", l) for l in lines[start + 2:n]):
                out.append((start, n, lines[start].strip()))
        n += 1
    return lines, sorted(out)


def test_performance_figures_have_their_command():
    lines, blocks = figure_blocks(read("docs/performance.md"))
    assert len(blocks) >= 6, "only %d figure blocks" % len(blocks)
    bad = []
    for start, end, first in blocks:
        n = end
        while n < len(lines) and not lines[n].strip():
            n += 1
        follow = lines[n] if n < len(lines) else ""
        m = re.match(r"Produced by: `([^`]+)`", follow)
        if not m:
            bad.append("line %d (%s...): not followed by a 'Produced by: "
                       "`COMMAND`' line" % (start + 1, first[:40]))
            continue
        # the Produced by line may run on: take its paragraph
        para = follow
        k = n + 1
        while k < len(lines) and lines[k].strip():
            para += " " + lines[k]
            k += 1
        if not command_ok(m.group(1)):
            bad.append("line %d: `%s` is no make target nor program of the "
                       "tree" % (n + 1, m.group(1)))
        if not re.search(r"\b20\d\d-\d\d-\d\d\b", para):
            bad.append("line %d: 'Produced by' gives no date (YYYY-MM-DD)"
                       % (n + 1))
    assert not bad, "\n".join(bad)


def test_readme_first_commands_are_what_ci_runs():
    """README's two commands: the first installs .ci/deps-build's packages
    and builds; the second is what .ci/run runs (its dependencies, then
    make check). tests/cli/test_cli.sh checks the first one's packages."""
    cmds = [l.split("#")[0].strip() for l in read("README.md").split("\n")[:8]
            if l.startswith("    sh ")]
    assert cmds == ["sh .ci/deps-build && make -j2 && ./build/smapwatch",
                    "sh .ci/deps && make check"], cmds
    ci = read(".ci/run")
    assert re.search(r"\bsh \.ci/deps\b(?!-)", ci), ".ci/run runs no sh .ci/deps"
    assert re.search(r"\bmake check\b", ci), ".ci/run runs no make check"
    assert os.path.isfile(os.path.join(ROOT, ".ci", "deps-build"))
