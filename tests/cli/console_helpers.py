"""console_helpers.py - shared by the console tests (test_console.py):
running smapwatch, reading its JSON, the hand-made proc trees, the
workloads, and a tmux session to drive the live view like a person.

JSON names are raw bytes with each byte outside printable ASCII as
\\u00XX: json.loads then .encode("latin-1") gives the bytes back."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(TOP, os.environ.get("BUILD", "build"))
BIN = os.path.join(BUILD, "smapwatch")
# Workloads built without sanitizers (tests/check.mk): plain processes.
PLAIN = os.path.join(TOP, os.environ.get("SW_PLAIN", "build/plain"))
SANITIZED = bool(os.environ.get("SW_SANITIZED"))
FIXTURES = os.path.join(TOP, "tests", "fixtures", "diff")
sys.path.insert(0, FIXTURES)
import trees  # noqa: E402  (the fixture generator)

KIB = 1024
MIB = 1024 * 1024


def run(*args, check_rc=None, input=None, timeout=120):
    """smapwatch ARGS; returns the CompletedProcess (bytes)."""
    p = subprocess.run([BIN] + [str(a) for a in args], input=input,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    if check_rc is not None:
        assert p.returncode == check_rc, (p.returncode, p.stderr.decode(
            "latin-1"))
    return p


# Run from a fresh, small interpreter: a child forked from this (large)
# test process would count this process's pages in its ru_maxrss.
PEAK = """
import os, sys
out = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
pid = os.fork()
if pid == 0:
    os.dup2(out, 1)
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def run_peak(*args):
    """smapwatch ARGS; (stdout, peak resident bytes of that process)."""
    with tempfile.NamedTemporaryFile() as out:
        p = subprocess.run(["/usr/bin/python3", "-c", PEAK, out.name, BIN] +
                           [str(a) for a in args], stdout=subprocess.PIPE,
                           check=True)
        rc, peak = map(int, p.stdout.split())
        assert rc == 0, rc
        return out.read(), peak * KIB


def run_json(*args):
    p = run(*args, check_rc=0)
    return json.loads(p.stdout.decode("ascii"))


def raw(s):
    """A JSON-decoded name back to its raw bytes."""
    return s.encode("latin-1")


def snapshot_tree(root, pid, out):
    """smapwatch snapshot -r ROOT PID -o OUT; returns the parsed file."""
    run("snapshot", "-r", root, "-o", out, pid, check_rc=0)
    with open(out, "rb") as f:
        return json.loads(f.read().decode("ascii"))


def set_time(path, time_unix):
    """Moves a snapshot file to another time (a look taken earlier)."""
    with open(path) as f:
        doc = json.load(f)
    doc["time_unix"] = time_unix
    doc["time"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time_unix))
    with open(path, "w") as f:
        json.dump(doc, f)


def fixture_pair(tmp, name):
    """Snapshots of the fixture pair NAME (a, b): their paths."""
    out = []
    for side in ("a", "b"):
        root = os.path.join(FIXTURES, name, side)
        pid = sorted(os.listdir(root))[0]
        path = os.path.join(tmp, "%s-%s.json" % (name, side))
        snapshot_tree(root, pid, path)
        out.append(path)
    return out


def kernel_smaps_sum(pid, key):
    """Sum of KEY over /proc/PID/smaps, in bytes, read here."""
    total = 0
    with open("/proc/%d/smaps" % pid, "rb") as f:
        for line in f:
            if line.startswith(key.encode() + b":"):
                total += int(line.split()[1]) * KIB
    return total


def kernel_maps_count(pid):
    with open("/proc/%d/smaps" % pid, "rb") as f:
        return sum(1 for l in f if l.startswith(b"VmFlags:"))


def start_time_of(pid):
    with open("/proc/%d/stat" % pid, "rb") as f:
        s = f.read()
    return int(s[s.rindex(b")") + 2:].split()[19])


class Workload:
    """A workload from $(BUILD)/workloads or any command, stopped at exit;
    waits for its "ready PID" line when it prints one."""

    def __init__(self, argv, ready=True):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE)
        self.pid = self.p.pid
        if ready:
            line = self.p.stdout.readline().decode()
            assert line.startswith("ready"), line

    def stop(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def workload(name, *args):
    return Workload([os.path.join(PLAIN, "workloads", name)] + list(args))


def has_control_bytes(data):
    """Any byte a terminal would act on or that is not ASCII, but \\n."""
    return any((b < 0x20 and b != 0x0a) or b >= 0x7f for b in data)


class Tmux:
    """A detached tmux server of its own (socket in a temp dir), one
    session of a fixed size: what a person at a terminal would see."""

    def __init__(self, cols=150, rows=45):
        self.dir = tempfile.mkdtemp(prefix="sw-tmux-")
        self.sock = os.path.join(self.dir, "sock")
        self.name = "sw" + uuid.uuid4().hex[:8]
        self.cols, self.rows = cols, rows

    def tmux(self, *args, check=True):
        return subprocess.run(["tmux", "-S", self.sock] + list(args),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              check=check, timeout=20)

    def start(self, shell_command):
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", self.name,
                  "-x", str(self.cols), "-y", str(self.rows),
                  "sh", "-c", shell_command)
        self.tmux("set-option", "-t", self.name, "remain-on-exit", "on")

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", self.name).stdout.decode(
            "utf-8", "replace")

    def keys(self, *keys):
        self.tmux("send-keys", "-t", self.name, *keys)

    def wait_for(self, pattern, timeout=15):
        """The screen once it matches pattern (a regex); fails with the
        last screen after timeout."""
        end = time.time() + timeout
        text = ""
        while time.time() < end:
            text = self.screen()
            if re.search(pattern, text, re.M):
                return text
            time.sleep(0.1)
        raise AssertionError("%r not on screen:\n%s" % (pattern, text))

    def children(self, comm):
        """Pids of the pane's shell's children called comm."""
        shell = int(self.tmux("display-message", "-p", "-t", self.name,
                              "#{pane_pid}").stdout)
        found = []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % d, "rb") as f:
                    st = f.read()
            except OSError:
                continue
            name = st[st.index(b"(") + 1:st.rindex(b")")]
            ppid = int(st[st.rindex(b")") + 2:].split()[1])
            if ppid == shell and name == comm.encode():
                found.append(int(d))
        return found

    def close(self):
        self.tmux("kill-server", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)


def sh_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"
