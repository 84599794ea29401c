"""Every option of `smapwatch --help` (and of each subcommand's --help) and
of `smaps.plugin --help` is in its man page and in docs/reference.md, in a
table row of the options it is given with; every configuration key
plugins/collectd/conf.c accepts is in collectd-smaps(5) and in an example
block of docs/collectd.md."""
import os
import re
import subprocess
from functools import lru_cache

from docslib import (BUILD, ROOT, code_blocks, has_word, help_items, help_options,
                     man_items, man_tags, man_text, read, section, table_rows, ticks)

SMAPWATCH = os.path.join(BUILD, "smapwatch")
PLUGIN = os.path.join(BUILD, "smaps.plugin")


def run_help(argv):
    p = subprocess.run(argv + ["--help"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=10)
    assert p.returncode == 0, "%s --help: exit %d" % (argv, p.returncode)
    return p.stdout.decode()


@lru_cache(maxsize=1)
def subcommands():
    """The subcommands smapwatch --help names (`or: smapwatch a|b|c ...`)."""
    m = re.search(r"or: smapwatch ([a-z|]+)", run_help([SMAPWATCH]))
    assert m, "smapwatch --help names no subcommands"
    return m.group(1).split("|")


def first_cell_words(row):
    return [w for t in ticks(row[0]) for w in t.split()]


def row_of(g, rows, sub=None):
    """The row that holds the option group g whole (each option as a word
    of a `code` span of its first cell); for a subcommand, the row must
    name it too (or say it is every subcommand's). None if there is none."""
    for r in rows:
        words = first_cell_words(r)
        if sub and sub not in words and "each subcommand" not in r[0]:
            continue
        if not sub and any(w in subcommands() for w in words[:1]):
            continue
        if all(o in words for o in g):
            return r
    return None


def missing_in_rows(groups, rows, sub=None):
    return [g for g in groups if row_of(g, rows, sub) is None]


def man_differs(text, rel):
    """Options whose --help text gives a number that their man page item
    does not (an option documented in prose only is left alone)."""
    items, out = man_items(rel), []
    for g, desc in help_items(text):
        body = [b for t, b in items if all(has_word(t, o) for o in g)]
        if body and numbers(desc) - numbers(body[0]):
            out.append("%s: --help says %r, %s %r" % (g, desc, rel,
                                                       body[0][:300]))
    return out


def numbers(text):
    return set(re.findall(r"(?<![\w.-])\d+(?![\w.])", text))


def defaults_differ(text, rows, sub=None):
    """Options whose --help text gives a number (a default, a bound) that
    their reference row does not."""
    out = []
    for g, desc in help_items(text):
        r = row_of(g, rows, sub)
        if r is not None and numbers(desc) - numbers(" ".join(r)):
            out.append("%s%s: --help says %r, the row %r" % (
                sub + " " if sub else "", g, desc, r[-1]))
    return out



def test_smapwatch_options():
    subs = subcommands()
    assert len(subs) >= 4, subs
    man = man_text("cli/smapwatch.1")
    tags = man_tags("cli/smapwatch.1")
    rows = table_rows(section(read("docs/reference.md"),
                              "## smapwatch options"))
    helps = {None: run_help([SMAPWATCH])}
    for s in subs:
        helps[s] = run_help([SMAPWATCH, s])
    n, no_man, no_ref = 0, [], []
    for sub, text in helps.items():
        groups = help_options(text)
        assert groups, "no option in smapwatch %s --help" % (sub or "")
        n += sum(len(g) for g in groups)
        # the command's own options as items of OPTIONS; the
        # subcommands' in their section's text
        no_man += ["%s %s" % (sub or "", o) for g in groups for o in g
                   if not has_word(tags if sub is None else man, o)]
        no_ref += ["%s %s" % (sub or "", g)
                   for g in missing_in_rows(groups, rows, sub)]
    assert not no_man, "not in cli/smapwatch.1: %s" % no_man
    assert not no_ref, "no row of docs/reference.md's smapwatch options " \
        "holds: %s" % no_ref
    differ = [d for sub, text in helps.items()
              for d in defaults_differ(text, rows, sub)] + man_differs(
                  helps[None], "cli/smapwatch.1")
    assert not differ, "\n".join(differ)
    assert n >= 40, "only %d options read from the --help texts" % n


def test_plugin_options():
    groups = help_options(run_help([PLUGIN]))
    opts = [o for g in groups for o in g]
    assert len(opts) >= 18, opts
    tags = man_tags("plugins/netdata/smaps.plugin.1")
    missing = [o for o in opts if not has_word(tags, o)]
    assert not missing, "no item of plugins/netdata/smaps.plugin.1 for: %s" \
        % missing
    rows = table_rows(section(read("docs/reference.md"),
                              "## smaps.plugin options"))
    bad = missing_in_rows(groups, rows)
    assert not bad, "no row of docs/reference.md's smaps.plugin options " \
        "holds: %s" % bad
    differ = defaults_differ(run_help([PLUGIN]), rows) + man_differs(
        run_help([PLUGIN]), "plugins/netdata/smaps.plugin.1")
    assert not differ, "\n".join(differ)


def collectd_keys():
    """The keys conf.c compares a config item's key with."""
    keys = set()
    for f in os.listdir(os.path.join(ROOT, "plugins", "collectd")):
        if f.endswith(".c"):
            keys |= set(re.findall(
                r'strcasecmp\(\s*(?:k|ci->key)\s*,\s*"(\w+)"\s*\)',
                read(os.path.join("plugins", "collectd", f))))
    return keys


def test_collectd_keys():
    keys = collectd_keys()
    assert len(keys) >= 20, sorted(keys)
    tags = man_tags("plugins/collectd/collectd-smaps.5")
    missing = sorted(k for k in keys if not has_word(tags, k))
    assert not missing, "no item of collectd-smaps.5 for: %s" % missing
    # each key as a line of an example block (indented code) of the page
    first = {b.split()[0] for _, blk in code_blocks(read("docs/collectd.md"))
             for b in blk if b.strip()}
    missing = sorted(k for k in keys if k not in first)
    assert not missing, "no example line of docs/collectd.md starts with: " \
        "%s" % missing
    ref = section(read("docs/reference.md"), "## collectd configuration keys")
    missing = sorted(k for k in keys if "`%s`" % k not in ref)
    assert not missing, "not in docs/reference.md's collectd keys: %s" % \
        missing
