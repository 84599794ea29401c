"""docslib.py - what the docs tests read: the pages (sections, tables,
code blocks), the man pages as plain text, and option lists out of a
program's --help. The truth always comes from the built programs and the
sources, never from a list kept here."""
import os
import re

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
DOCS = os.path.join(ROOT, "docs")


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


def pages():
    """README.md and every docs/*.md, as paths relative to ROOT."""
    return ["README.md"] + sorted(
        os.path.join("docs", f) for f in os.listdir(DOCS) if f.endswith(".md"))


def man_text(rel):
    """A man page's roff source as plain text: fonts dropped, \\- as -."""
    t = read(rel)
    t = re.sub(r"\\f[BIRP]|\\f\(..|\\f\[[^]]*\]", "", t)
    t = t.replace("\\-", "-").replace("\\(em", "--").replace("\\&", "")
    t = re.sub(r'^\.(B|I|BI|BR|IR|RB|IB|TP|PP|IP|SH|SS)\b ?', "", t,
               flags=re.M)
    return t.replace('"', " ")


def man_tags(rel):
    """The tag lines of a man page's .TP items (where its options are
    documented), as plain text, one string."""
    lines = read(rel).split("\n")
    tags = [lines[n + 1] for n, l in enumerate(lines[:-1])
            if l.startswith(".TP")]
    t = "\n".join(tags)
    t = re.sub(r"\\f[BIRP]", "", t).replace("\\-", "-")
    return t.replace('"', " ")


def man_items(rel):
    """[(tag, body)] of a man page's .TP items, as plain text."""
    lines = read(rel).split("\n")
    out, cur = [], None
    for n, l in enumerate(lines):
        if l.startswith(".TP"):
            cur = [l, []]
            out.append(cur)
            cur[0] = lines[n + 1] if n + 1 < len(lines) else ""
            cur.append(n + 1)
        elif cur and re.match(r"\.(SH|SS|PP)\b", l):
            cur = None
        elif cur and n != cur[2]:
            cur[1].append(l)

    def plain(t):
        t = re.sub(r"\\f[BIRP]|\\f\(..", "", t).replace("\\-", "-")
        t = re.sub(r"^\.(B|I|BI|BR|IR|RB|IB)\b ?", "", t, flags=re.M)
        return t.replace('"', " ")
    return [(plain(t), plain("\n".join(b))) for t, b, _ in out]


def has_word(text, word):
    """word in text, not as part of a longer option or identifier."""
    return re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(word), text) \
        is not None


def strip_code(text):
    """text without its fenced and indented code blocks (for headings)."""
    out, fence = [], False
    for line in text.split("\n"):
        if line.startswith("```"):
            fence = not fence
            continue
        if not fence and not line.startswith("    "):
            out.append(line)
    return "\n".join(out)


def section(text, heading):
    """The lines under the heading line `heading` (exact, with its #s) up
    to the next heading of the same or a higher level."""
    lines = text.split("\n")
    level = len(heading) - len(heading.lstrip("#"))
    try:
        i = lines.index(heading)
    except ValueError:
        raise AssertionError("no heading %r" % heading)
    out = []
    for line in lines[i + 1:]:
        m = re.match(r"(#+) ", line)
        if m and len(m.group(1)) <= level:
            break
        out.append(line)
    return "\n".join(out)


def table_rows(text):
    """[[cell, ...]] of the body rows of every Markdown table in text (a
    header line, a separator line, then rows)."""
    rows, lines, body = [], text.split("\n"), False
    for n, line in enumerate(lines):
        if not line.startswith("|"):
            body = False
            continue
        if re.fullmatch(r"\|( *:?-+:? *\|)+", line.strip()):
            body = True
            continue
        if body:
            rows.append([c.strip() for c in
                         re.split(r"(?<!\\)\|", line.strip())[1:-1]])
    return rows


def ticks(cell):
    """The `code` spans of a cell."""
    return re.findall(r"`([^`]+)`", cell)


def expand_braces(s):
    """a{b,c}d{e,f} -> [abde, abdf, acde, acdf] (no nesting)."""
    m = re.search(r"\{([^{}]*)\}", s)
    if not m:
        return [s]
    return [x for alt in m.group(1).split(",")
            for x in expand_braces(s[:m.start()] + alt + s[m.end():])]


def help_items(text):
    """[(options, description)] of a --help text: each option line's
    options, in the groups the line gives them (`-m, --maps` is one
    group), and its description with the lines that continue it."""
    items = []
    for line in text.split("\n"):
        s = line.lstrip()
        if not re.match(r" {1,6}-", line):   # deeper: a description's
            if items and line.startswith("        ") and s:
                items[-1][1].append(s)      # a description's next line
            elif not s or line == s:
                items.append(None)          # a paragraph: no item goes on
            continue
        group = []
        while True:
            m = re.match(r"(--?[A-Za-z][\w-]*)( [A-Z][A-Z.]*)?(, ?)?", s)
            if not m:
                break
            group.append(m.group(1))
            s = s[m.end():]
            if not m.group(3):
                break
        if group:
            items.append((group, [s.strip()]))
    return [(g, " ".join(d)) for g, d in (i for i in items if i)]


def help_options(text):
    """[[option, ...]] of a --help text (help_items without the text)."""
    return [g for g, _ in help_items(text)]


def code_blocks(text):
    """[(first line number, [lines])] of the indented code blocks."""
    blocks, cur, start, prev_blank = [], [], 0, True
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if line.startswith("    ") and (cur or prev_blank):
            if not cur:
                start = n
            cur.append(line)
        elif cur and not line.strip():
            cur.append(line)
        else:
            if cur:
                blocks.append((start, cur))
            cur = []
        prev_blank = not line.strip()
    if cur:
        blocks.append((start, cur))
    return [(s, [x for x in b]) for s, b in blocks]


def slug(heading):
    """GitHub's anchor of a heading: lower case, punctuation but - and _
    dropped, spaces to -."""
    h = heading.strip().lower()
    h = re.sub(r"[^\w\- ]", "", h)
    return h.replace(" ", "-")


def anchors(text):
    """Every anchor of a page's headings (repeats get -1, -2...)."""
    seen, out = {}, set()
    for line in strip_code(text).split("\n"):
        m = re.match(r"#{1,6} (.*)", line)
        if not m:
            continue
        s = slug(m.group(1))
        n = seen.get(s, 0)
        out.add(s if n == 0 else "%s-%d" % (s, n))
        seen[s] = n + 1
    return out
