#!/usr/bin/env python3
"""test_health_keywords.py - the shipped health.d/smaps.conf against the
keywords Netdata 2.x's health parser accepts (CI has only 1.37.1, which
accepts more: `foreach`, which 2.x logs as `unknown keyword` and turns
into one alarm of every dimension's sum).

The lists below were read in v2.10.4's src/health/health_config.c
(health_readfile(): the keys compared with HEALTH_*_KEY of
health_internals.h; health_parse_db_lookup(): the lookup's group method,
then its options up to `of`, where 2.x only strips a ` foreach` after the
dimension list) and src/web/api/queries/query-group-over-time.c (the group
method names). Netdata also reads the text a key's value keeps: a quote in
info or summary is dropped by 1.37's and 2.x's config reader (the text is
checked against what the daemon stores in test_netdata.py), so none here.

Run: pytest tests/integration/netdata/test_health_keywords.py (make
netdata-health-keywords); HEALTH_FILE=PATH checks another file. No pytest
import: test_netdata.py imports entries() from here.
"""

import os
import re


HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
SHIPPED = os.path.join(ROOT, "packaging", "netdata", "health.d", "smaps.conf")
PATH = os.environ.get("HEALTH_FILE", SHIPPED)

# health_readfile()'s keys, v2.10.4 (HEALTH_*_KEY)
KEYS = {"alarm", "template", "on", "os", "hosts", "host labels", "plugin",
        "module", "chart labels", "class", "component", "type", "lookup",
        "every", "green", "red", "calc", "warn", "crit", "exec", "to",
        "units", "summary", "info", "delay", "options", "repeat"}
# group methods of time_grouping_parse()
METHODS = {"average", "avg", "mean", "trimmed-mean", "incremental_sum",
           "incremental-sum", "median", "trimmed-median", "percentile",
           "min", "max", "sum", "stddev", "cv", "rsd",
           "coefficient-of-variation", "ses", "ema", "ewma", "des",
           "countif", "extremes"}
# health_parse_db_lookup()'s options after the duration ("at" and
# "every" take a value; "of" takes the rest of the line)
LOOKUP_OPTIONS = {"absolute", "abs", "absolute_sum", "min2max", "average",
                  "min", "max", "sum", "null2zero", "percentage",
                  "unaligned", "anomaly-bit", "match-ids", "match_ids",
                  "match-names", "match_names"}
DURATION = re.compile(r"^-?\d+[smhdw]?$|^-?\d+(ms|us|mo|y)$")


def entries(text):
    """(line number, key, value) of every entry, continuations joined."""
    out, buf, first = [], "", 0
    for n, line in enumerate(text.split("\n"), 1):
        s = line.strip()
        if not buf and (not s or s.startswith("#")):
            continue
        if not buf:
            first = n
        if s.endswith("\\"):
            buf += s[:-1] + " "
            continue
        buf += s
        key, sep, value = buf.partition(":")
        out.append((first, key.strip().lower() if sep else None, value.strip()))
        buf = ""
    return out


def lookup_problems(value):
    """What 2.x's lookup parser would refuse or read otherwise."""
    words = value.split()
    if len(words) < 2 or words[0].lower() not in METHODS:
        return ["group method %r unknown" % (words[:1],)]
    if not DURATION.match(words[1]):
        return ["duration %r" % words[1]]
    bad, i = [], 2
    while i < len(words):
        w = words[i].lower()
        if w in ("at", "every"):
            if i + 1 >= len(words) or not DURATION.match(words[i + 1]):
                bad.append("%s needs a duration" % w)
            i += 2
            continue
        if w == "of":
            dims = words[i + 1:]
            if not dims:
                bad.append("of: no dimension")
            if any(d.lower() == "foreach" for d in dims):
                bad.append("foreach (gone in 2.x)")
            break
        if w not in LOOKUP_OPTIONS:
            bad.append("unknown lookup option %r" % words[i])
        i += 1
    return bad


def problems(text):
    bad, alarms = [], 0
    for n, key, value in entries(text):
        if key is None:
            bad.append("line %d: no key: %r" % (n, value[:60]))
        elif key not in KEYS:
            bad.append("line %d: unknown keyword %r" % (n, key))
        elif key == "lookup":
            bad += ["line %d: lookup: %s" % (n, p) for p in lookup_problems(value)]
        elif key in ("info", "summary") and re.search("['\"`]", value):
            bad.append("line %d: %s holds a quote Netdata drops: %r"
                       % (n, key, value))
        alarms += key in ("alarm", "template")
    return bad, alarms


def shipped():
    with open(PATH) as f:
        return f.read()


def test_shipped_file_accepted():
    bad, alarms = problems(shipped())
    assert not bad and alarms >= 15, \
        "%s: %d alarms (want >= 15), every keyword one 2.x's health parser " \
        "accepts: %s" % (os.path.basename(PATH), alarms,
                         "; ".join(bad) or "none refused")


# The checker itself refuses what 2.x refuses: the shipped file, mutated.
def refused(old, new, why):
    text = shipped()
    mutant = text.replace(old, new, 1)
    assert mutant != text, "the mutation for %s applies: %r not in %s" \
        % (why, old, PATH)
    assert problems(mutant)[0], "the check refuses %s" % why
    print("info: the check refuses %s: %s" % (why, problems(mutant)[0][0]))


def test_refuses_foreach():
    refused("of heap", "foreach *", "foreach")


def test_refuses_a_misspelt_key():
    refused("  every:", "  evry:", "a misspelt key")


def test_refuses_of_dim_foreach():
    refused("unaligned of heap", "unaligned of heap foreach", "of DIM foreach")


def test_refuses_an_unknown_group_method():
    refused("lookup: min -1m", "lookup: least -1m", "an unknown group method")


def test_refuses_an_apostrophe_in_info():
    refused("info: steady", "info: the group's steady", "an apostrophe in info")
