"""cdp.py - a headless Debian chromium driven through its DevTools protocol
over --remote-debugging-pipe (fd 3: our commands, fd 4: its answers and
events, each message JSON ended by a NUL byte). Stdlib only.

    with Browser() as b:
        b.open("file:///.../report.html")
        b.eval("document.title")
        b.screenshot("shot.png")
        b.problems   # console errors, exceptions, failed requests
"""
import base64
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars", "--mute-audio",
         "--remote-debugging-pipe"]


class BrowserError(Exception):
    pass


class Browser:
    def __init__(self, width=1600, height=1200, timeout=30):
        self.timeout = timeout
        self.width, self.height = width, height
        self.profile = tempfile.mkdtemp(prefix="sw-chromium-")
        self.problems = []      # what a person would see in the console
        self.requests = []      # every URL the page asked for
        self._buf = b""
        self._id = 0
        self._events = []
        self._start()

    # -- process and pipe -------------------------------------------------
    def _start(self):
        to_chrome = os.pipe()
        from_chrome = os.pipe()
        # Move our ends out of the way so that dup2 to 3 and 4 in the
        # child cannot overwrite one with the other.
        ends = [os.dup(fd) for fd in (to_chrome[0], from_chrome[1])]
        for fd in (to_chrome[0], from_chrome[1]):
            os.close(fd)
        self._w, self._r = to_chrome[1], from_chrome[0]

        def child():
            os.dup2(ends[0], 3)
            os.dup2(ends[1], 4)
            os.setsid()

        self.proc = subprocess.Popen(
            [CHROMIUM] + FLAGS + ["--user-data-dir=" + self.profile,
                                  "--window-size=%d,%d" % (self.width, self.height),
                                  "about:blank"],
            pass_fds=(3, 4), preexec_fn=child, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for fd in ends:
            os.close(fd)
        os.set_blocking(self._r, False)
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(domain + ".enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": self.width, "height": self.height,
                   "deviceScaleFactor": 1, "mobile": False})

    def close(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()
        for fd in (self._w, self._r):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- messages ---------------------------------------------------------
    def _read(self, deadline):
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("chromium did not answer in %ss" % self.timeout)
            ready, _, _ = select.select([self._r], [], [], left)
            if ready:
                data = os.read(self._r, 1 << 20)
                if not data:
                    raise BrowserError("chromium closed the pipe (exit %s)" % self.proc.poll())
                self._buf += data
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def _note(self, m):
        """Keeps what counts as a problem: console errors, uncaught
        exceptions, log errors (CSP refusals among them), requests."""
        method, p = m.get("method"), m.get("params", {})
        if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            self.problems.append("console.%s: %s" % (p["type"], " ".join(
                str(a.get("value", a.get("description", ""))) for a in p.get("args", []))))
        elif method == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            self.problems.append("exception: %s" % d.get("exception", {}).get("description", d.get("text")))
        elif method == "Log.entryAdded" and p["entry"]["level"] == "error":
            self.problems.append("log: %s" % p["entry"]["text"])
        elif method == "Network.requestWillBeSent":
            self.requests.append(p["request"]["url"])
        self._events.append(m)

    def call(self, method, params=None, session=None):
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            m = self._read(deadline)
            if m.get("id") == self._id:
                if "error" in m:
                    raise BrowserError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self._note(m)

    def send(self, method, params=None):
        """A command to the page's session."""
        return self.call(method, params, self.session)

    def wait_event(self, method, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        for i, m in enumerate(self._events):
            if m.get("method") == method:
                del self._events[i]
                return m
        while True:
            m = self._read(deadline)
            self._note(m)
            if m.get("method") == method:
                self._events.remove(m)
                return m

    # -- what tests use ---------------------------------------------------
    def before_scripts(self, source):
        """Runs source in every new document before the page's scripts."""
        self.send("Page.addScriptToEvaluateOnNewDocument", {"source": source})

    def open(self, url):
        """Loads url, waits for its load event; returns seconds taken."""
        self._events = [m for m in self._events if m.get("method") != "Page.loadEventFired"]
        t0 = time.monotonic()
        self.send("Page.navigate", {"url": url})
        self.wait_event("Page.loadEventFired")
        return time.monotonic() - t0

    def eval(self, expr):
        r = self.send("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                           "awaitPromise": True})
        if "exceptionDetails" in r:
            raise BrowserError("eval %r: %s" % (expr, r["exceptionDetails"]))
        return r["result"].get("value")

    def click(self, selector):
        """A real mouse click in the middle of the element."""
        box = self.eval("(function(){var e=document.querySelector(%s);"
                        "e.scrollIntoView({block:'center'});var r=e.getBoundingClientRect();"
                        "return [r.left+r.width/2, r.top+r.height/2];})()" % json.dumps(selector))
        self.mouse("mouseMoved", box[0], box[1])
        self.mouse("mousePressed", box[0], box[1])
        self.mouse("mouseReleased", box[0], box[1])

    def mouse(self, kind, x, y):
        p = {"type": kind, "x": x, "y": y}
        if kind != "mouseMoved":
            p.update(button="left", clickCount=1)
        self.send("Input.dispatchMouseEvent", p)

    def type_text(self, selector, text):
        self.eval("document.querySelector(%s).focus()" % json.dumps(selector))
        self.send("Input.insertText", {"text": text})

    def screenshot(self, path, clip=None):
        params = {"format": "png"}
        if clip:
            params["clip"] = dict(clip, scale=1)   # document coordinates
            params["captureBeyondViewport"] = True
        data = base64.b64decode(self.send("Page.captureScreenshot", params)["data"])
        with open(path, "wb") as f:
            f.write(data)
        return data
