"""pluginsd.py - a checker for the lines smaps.plugin writes, following
the rules of Netdata 1.37.1's plugins.d parser (read from its source, not
copied): words split at blanks and '=', a word starting with ' or " runs to
the same quote, a backslash keeps the byte after it; lines are at most
15360 bytes; after FUNCTION_RESULT_BEGIN everything up to a line whose
first word is FUNCTION_RESULT_END is payload.

check(data) -> (charts, problems): charts maps chart id -> dict with the
CHART words, its dimensions and labels; problems lists every line that
breaks the grammar (empty when the output is clean)."""

import re

LINE_MAX = 15360
ID = re.compile(rb"^[A-Za-z0-9_-]+$")
# the groups' charts, and the plugin's own cost (netdata.smaps_*)
CHART_ID = re.compile(rb"^(smaps\.[A-Za-z0-9_-]+|netdata\.smaps_[a-z_]+)$")
INT = re.compile(rb"^-?[0-9]+$")
# bytes Netdata keeps unchanged in a label value (and that cannot end a quote)
LABEL_OK = re.compile(rb"^[A-Za-z0-9 ()+\-./:@_]*$")
# and in a chart's title and units (json_fix_string keeps these too)
TEXT_OK = re.compile(rb"^[A-Za-z0-9 ()+\-./:@_%,]*$")
SPACE = b" \t\r\n="


def split_words(line):
    words, i, n = [], 0, len(line)
    while i < n:
        while i < n and line[i] in SPACE:
            i += 1
        if i >= n:
            break
        quote = line[i] if line[i] in b"'\"" else None
        if quote:
            i += 1
        start = i
        while i < n:
            c = line[i]
            if c == 0x5C and i + 1 < n:      # backslash: keep the next byte
                i += 2
                continue
            if quote is not None and c == quote:
                break
            if quote is None and c in SPACE:
                break
            i += 1
        words.append(line[start:i])
        i += 1
    return words


class Checker:
    def __init__(self):
        self.charts, self.problems, self.results = {}, [], []
        self.current = None      # chart of the last CHART or BEGIN
        self.in_begin = False
        self.payload = None      # (words, lines) inside a function result
        self.functions = []

    def bad(self, lineno, line, why):
        self.problems.append("line %d: %s: %r" % (lineno, why, line[:120]))

    def line(self, lineno, line):
        if len(line) + 1 > LINE_MAX:
            self.bad(lineno, line, "longer than Netdata's line limit")
        if self.payload is not None:
            w = split_words(line)
            if w[:1] == [b"FUNCTION_RESULT_END"]:
                self.results.append(self.payload)
                self.payload = None
            else:
                self.payload[1].append(line)
            return
        if any(c < 0x20 or c > 0x7E for c in line):
            self.bad(lineno, line, "byte outside printable ASCII")
        w = split_words(line)
        if not w:
            return self.bad(lineno, line, "empty line")
        handler = getattr(self, "kw_" + w[0].decode("ascii", "replace"), None)
        if handler is None:
            return self.bad(lineno, line, "unknown keyword")
        why = handler(w)
        if why:
            self.bad(lineno, line, why)

    def kw_CHART(self, w):
        if len(w) != 13:
            return "CHART with %d words, not 13" % len(w)
        if not CHART_ID.match(w[1]):
            return "bad chart id"
        if w[7] not in (b"line", b"area", b"stacked"):
            return "bad chart type"
        if not (INT.match(w[8]) and INT.match(w[9])):
            return "bad priority or update_every"
        for k in (3, 4, 5, 6):
            if not (TEXT_OK if k in (3, 4) else LABEL_OK).match(w[k]):
                return "text Netdata would alter"
        c = self.charts.setdefault(w[1].decode(), {"dims": {}, "labels": {}})
        c["words"] = w
        self.current = w[1].decode()
        self.in_begin = False

    def kw_DIMENSION(self, w):
        if self.current is None or self.in_begin:
            return "DIMENSION outside a chart definition"
        if len(w) != 6 or not ID.match(w[1]) or w[3] != b"absolute":
            return "malformed DIMENSION"
        if not (INT.match(w[4]) and INT.match(w[5])):
            return "bad multiplier or divisor"
        if not LABEL_OK.match(w[2]):
            return "dimension name Netdata would alter"
        self.charts[self.current]["dims"][w[1].decode()] = w

    def kw_CLABEL(self, w):
        if self.current is None or len(w) != 4 or w[3] != b"1":
            return "malformed CLABEL"
        if not ID.match(w[1]) or not LABEL_OK.match(w[2]):
            return "label Netdata would alter"
        self.charts[self.current]["labels"][w[1].decode()] = w[2]

    def kw_CLABEL_COMMIT(self, w):
        if self.current is None or len(w) != 1:
            return "CLABEL_COMMIT without a chart"

    def kw_BEGIN(self, w):
        if self.in_begin:
            return "BEGIN inside BEGIN"
        if len(w) not in (2, 3) or w[1].decode() not in self.charts:
            return "BEGIN of an undefined chart"
        if len(w) == 3 and not INT.match(w[2]):
            return "bad microseconds"
        self.current, self.in_begin = w[1].decode(), True
        self.charts[self.current].setdefault("values", []).append({})
        if len(w) == 3:
            self.charts[self.current].setdefault("dt", []).append(int(w[2]))

    def kw_SET(self, w):
        if not self.in_begin:
            return "SET outside BEGIN/END"
        if len(w) not in (2, 3) or w[1].decode() not in self.charts[self.current]["dims"]:
            return "SET of an unknown dimension"
        if len(w) == 3 and not INT.match(w[2]):
            return "SET value is not an integer"
        self.charts[self.current]["values"][-1][w[1].decode()] = \
            int(w[2]) if len(w) == 3 else None

    def kw_END(self, w):
        if not self.in_begin or len(w) != 1:
            return "END without BEGIN"
        self.in_begin = False

    def kw_FUNCTION(self, w):
        # 1.37.1: FUNCTION GLOBAL NAME TIMEOUT HELP; 2.x reads four more:
        # TAGS ACCESS (hex) PRIORITY VERSION
        if len(w) not in (5, 9) or w[1] != b"GLOBAL" or not INT.match(w[3]) \
                or (len(w) == 9 and not (re.fullmatch(rb"0x[0-9a-f]+", w[6])
                                         and INT.match(w[7]) and INT.match(w[8]))):
            return "malformed FUNCTION"
        self.functions.append(w)

    def kw_FUNCTION_RESULT_BEGIN(self, w):
        if self.in_begin:
            return "function result inside BEGIN/END"
        if len(w) != 5 or not ID.match(w[1]) or not INT.match(w[2]) \
                or not INT.match(w[4]):
            return "malformed FUNCTION_RESULT_BEGIN"
        self.payload = (w, [])

    def kw_DISABLE(self, w):
        if len(w) != 1:
            return "malformed DISABLE"


def check(data):
    """Check every complete line of data (bytes)."""
    c = Checker()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for i, line in enumerate(lines, 1):
        c.line(i, line)
    return c
