"""Shared fixtures of the report tests: the smapwatch binary, one headless
chromium for the whole run, and live processes to draw."""
import json
import os
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(__file__))
import cdp  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.join(ROOT, os.environ.get("BUILD", "build"), "smapwatch")


def smapwatch(*args, check=True):
    r = subprocess.run([BIN] + [str(a) for a in args], capture_output=True)
    if check and r.returncode != 0:
        raise AssertionError("smapwatch %s: exit %d: %s" % (
            " ".join(map(str, args)), r.returncode, r.stderr.decode(errors="replace")))
    return r


@pytest.fixture(scope="session")
def browser():
    if not os.access(cdp.CHROMIUM, os.X_OK):
        pytest.fail("%s not found: the report tests need Debian's chromium (.ci/deps)" % cdp.CHROMIUM)
    with cdp.Browser() as b:
        # A name that ran as script would call this: a test reads the count.
        b.before_scripts("window.__pwned = 0; window.pwn = function () { window.__pwned++; };")
        yield b


@pytest.fixture
def page(browser):
    """Opens a report file; fails the test on any console problem or any
    request but the file itself."""
    def open_page(path):
        del browser.problems[:]
        del browser.requests[:]
        seconds = browser.open("file://" + path)
        assert browser.eval("document.documentElement.dataset.ready") == "1"
        assert browser.problems == [], browser.problems
        assert browser.requests == ["file://" + path], browser.requests
        return seconds
    return open_page


def start(argv, **kw):
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, **kw)
    return p


@pytest.fixture
def sleeper():
    p = subprocess.Popen(["sleep", "300"])
    time.sleep(0.2)
    yield p
    p.kill()
    p.wait()


def display(s):
    """How the page must show a name from the JSON (one char per byte
    outside printable ASCII): UTF-8 when valid, else byte by byte; other
    control bytes and invalid ones as \\xNN, as the command's text does."""
    raw = s.encode("latin-1")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "".join(chr(c) if 0x20 <= c < 0x7f else "\\x%02x" % c for c in raw)
    return "".join(c if ord(c) >= 0x20 and ord(c) != 0x7f else "\\x%02x" % ord(c) for c in text)


def load_json(path):
    with open(path, "rb") as f:
        return json.load(f)
