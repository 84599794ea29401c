#!/bin/sh
# test_cli.sh - the smapwatch command against live processes and a proc
# tree built here. Each check compares with an independent reading (awk
# over the same /proc files), so a wrong figure fails.
set -u
BIN=${BUILD:-build}/smapwatch
TMP=$(mktemp -d); [ -n "${KEEP:-}" ] && echo "TMP=$TMP"
pass=0 failn=0
ok() { pass=$((pass + 1)); }
bad() { failn=$((failn + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }
say() { printf '%s\n' "$1"; }  # dash's echo would expand backslashes
cleanup() { kill $SLEEPER $ODD $ODD2 $HOSTILE $HOSTILE2 $HOSTCMD 2>/dev/null; wait 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$TMP"; }

sleep 300 & SLEEPER=$!
# Names are unique to the run (U): this test may run several times at once
# on one host, and by-name checks must see only their own processes.
U=$(($$ % 100000))
WEIRD="we ird$U"
cp "$(command -v sleep)" "$TMP/$WEIRD"
"$TMP/$WEIRD" 300 & ODD=$!
"$TMP/$WEIRD" 301 & ODD2=$!
# Two processes that name themselves a\nb"|U (prctl PR_SET_NAME = 15).
NAMEIT="import ctypes,time; ctypes.CDLL(None).prctl(15, b'a\\nb\"|$U', 0, 0, 0); time.sleep(300)"
HNAME=$(printf 'a\nb"|%s' $U)
python3 -c "$NAMEIT" & HOSTILE=$!
python3 -c "$NAMEIT" & HOSTILE2=$!
# One with a non-UTF-8 name and a command line of escape codes, a newline,
# quotes and bytes that are not UTF-8.
python3 -c 'import ctypes,time; ctypes.CDLL(None).prctl(15, b"\xff\xfe q\x1b", 0, 0, 0); time.sleep(300)' \
	"$(printf 'x\033[31my\nz "q"')" "$(printf '\377\376')" & HOSTCMD=$!
trap cleanup EXIT
sleep 0.3

# Rss of every mapping summed, in kB, read straight from the kernel.
awk_sum() { awk -v k="$2:" '$1 == k { t += $2 } END { print t + 0 }' "$1"; }
# py CODE ARGS...: a Python check; the JSON document on stdin as J.
py() { c=$1; shift; python3 -c "import json,sys,time,calendar
J = json.load(sys.stdin)
$c" "$@"; }
# A table's "total" row, column $2 (2 = Rss), from text on stdin.
total_col() { awk -v c="$1" '$1 == "total" { print $c }'; }
# Lines with a byte outside printable ASCII (a raw escape, newline in a
# name, UTF-8 or not): must be none.
raw_bytes() { LC_ALL=C grep -c '[^ -~]'; }

ver=$(sed -n 's/.*SW_VERSION "\(.*\)"/\1/p' include/smapwatch/version.h)
check "--version" '[ "$($BIN --version)" = "smapwatch $ver" ]'
check "--help lists --maps" '$BIN --help | grep -q -- "--maps"'
check "--help gives the exit statuses" '$BIN --help | grep -q "^Exit status: 0 all read, 1 "'

# Usage errors: exit 2 and one line on stderr saying what is wrong.
usage_err() { # name, expected stderr line (a grep -x pattern), args...
	n=$1 want=$2; shift 2
	$BIN "$@" >"$TMP/uo" 2>"$TMP/ue"; rc=$?
	check "$n: exit 2" '[ $rc -eq 2 ]'
	check "$n: one line" '[ "$(wc -l < "$TMP/ue")" = 1 ] && [ ! -s "$TMP/uo" ]'
	check "$n: says why ($(cat "$TMP/ue"))" 'grep -qx -- "$want" "$TMP/ue"'
}
usage_err "bad option" "smapwatch: unknown option '--bogus' (see --help)" --bogus
usage_err "missing argument" "smapwatch: option '-c' needs an argument (see --help)" $SLEEPER -c
usage_err "missing argument, long" "smapwatch: option '--min-size' needs an argument (see --help)" $SLEEPER --min-size
usage_err "unknown letter in a bundle" "smapwatch: unknown option '-X' (see --help)" -mX $SLEEPER
usage_err "unknown long option with a value" "smapwatch: unknown option '--nope' (see --help)" --nope=3
usage_err "bad category" "smapwatch: bad category list 'nosuch'" -m -c nosuch $SLEEPER
usage_err "-c without --maps" "smapwatch: -c/--category and -s/--min-size filter --maps: add -m (see --help)" -c heap $SLEEPER
usage_err "-s without --maps" "smapwatch: -c/--category and -s/--min-size filter --maps: add -m (see --help)" -s 1M $SLEEPER
usage_err "--maps without a target" "smapwatch: -m/--maps and -l/--libs need a PID or NAME (see --help)" -m
usage_err "-s ' -5' does not wrap" "smapwatch: bad size ' -5'" -m -s " -5" $SLEEPER
usage_err "-s -5" "smapwatch: bad size '-5'" -m -s -5 $SLEEPER
usage_err "-s 1X" "smapwatch: bad size '1X'" -m -s 1X $SLEEPER
usage_err "-n ' -5'" "smapwatch: bad number ' -5'" -n " -5"
usage_err "-n wrapping to 5" "smapwatch: bad number '-18446744073709551611'" -n -18446744073709551611

out=$($BIN $SLEEPER)
check "table exit 0" '[ $? -eq 0 ]'
rss=$(awk_sum /proc/$SLEEPER/smaps Rss)
size=$(awk_sum /proc/$SLEEPER/smaps Size)
check "total Rss = kernel's ($rss kB)" \
	'[ "$(say "$out" | awk "\$1==\"total\"{print \$2}")" = "$rss" ]'
check "total Size = kernel's ($size kB)" \
	'[ "$(say "$out" | awk "\$1==\"total\"{print \$7}")" = "$size" ]'
check "eight category rows" \
	'[ "$(say "$out" | grep -cE "^(heap|stack|anon|shmem|binary|libs|files|kernel) ")" = 8 ]'
cat_sum=$(say "$out" | awk '$1 ~ /^(heap|stack|anon|shmem|binary|libs|files|kernel)$/ { t += $2 } END { print t }')
check "categories sum to the total" '[ "$cat_sum" = "$rss" ]'
check "header has the command line" '[ "$(say "$out" | head -1)" = "$SLEEPER: sleep  threads 1  cmdline: sleep 300" ]'

# JSON: one object, a timestamp, snake_case keys (sw_field_key), figures
# in bytes, absent fields absent.
json=$($BIN -j -l -m $SLEEPER)
check "JSON parses" 'say "$json" | python3 -m json.tool >/dev/null'
check "JSON total rss in bytes" \
	'say "$json" | py "assert J[\"processes\"][0][\"total\"][\"rss\"] == int(sys.argv[1]) * 1024" $rss'
# (a dirty page the shell still shares copy-on-write turns private when
# either writes it: Private_Dirty + Shared_Dirty is what stays)
check "JSON total private_dirty + shared_dirty in bytes" \
	'say "$json" | py "t = J[\"processes\"][0][\"total\"]; assert t[\"private_dirty\"] + t[\"shared_dirty\"] == (int(sys.argv[1]) + int(sys.argv[2])) * 1024" $(awk_sum /proc/$SLEEPER/smaps Private_Dirty) $(awk_sum /proc/$SLEEPER/smaps Shared_Dirty)'
KEYS='
def keys(v, path=""):
    if isinstance(v, dict):
        for k, x in v.items():
            yield path + "/" + k, k
            yield from keys(x, path + "/" + k)
    elif isinstance(v, list):
        for x in v:
            yield from keys(x, path + "[]")
import re
bad = [p for p, k in keys(J) if not re.fullmatch("[a-z][a-z0-9_]*", k)]
assert not bad, bad[:5]
assert len(list(keys(J))) > 100'
check "JSON: every key snake_case (-m -l)" 'say "$json" | py "$KEYS"'
SNAKE='import re
snake = lambda k: re.sub("(?<=[a-z])(?=[A-Z])", "_", k).lower()
kern = {}
for line in open("/proc/%s/smaps" % sys.argv[1]):
    f = line.split()
    if len(f) == 3 and f[2] == "kB" and not f[0].endswith("PageSize:"):
        kern[snake(f[0][:-1])] = kern.get(snake(f[0][:-1]), 0) + int(f[1]) * 1024
t = J["processes"][0]["total"]
assert set(t) - {"uss", "vmas"} == set(kern), (sorted(t), sorted(kern))
'
check "JSON: total has each field the kernel printed, snake_case, summed" \
	'say "$json" | py "$SNAKE
for k in (\"rss\", \"size\", \"swap\", \"locked\"): assert t[k] == kern[k], k
# a clean page moves between shared and private as other processes map
# and unmap the same file: their sum is what stays
assert t[\"private_clean\"] + t[\"shared_clean\"] == kern[\"private_clean\"] + kern[\"shared_clean\"]" $SLEEPER'
check "JSON: a mapping's counts have no vmas" \
	'say "$json" | py "m = J[\"processes\"][0][\"maps\"]; assert len(m) > 5 and all(\"vmas\" not in x[\"counts\"] and \"rss\" in x[\"counts\"] for x in m)"'
TIMECHK='
t = calendar.timegm(time.strptime(J["time"], "%Y-%m-%dT%H:%M:%SZ"))
assert list(J)[:2] == ["time", "time_unix"], list(J)
assert abs(t - time.time()) < 300 and 0 <= J["time_unix"] - t < 1, (t, J["time_unix"])'
check "JSON: time (ISO 8601 UTC) and time_unix first" 'say "$json" | py "$TIMECHK"'
ojson=$($BIN -j -n 65536 2>/dev/null)
check "overview JSON: time first" 'say "$ojson" | py "$TIMECHK"'
check "overview JSON: every key snake_case" 'say "$ojson" | py "$KEYS"'
check "overview JSON: rollup has no vmas (and no size: smaps_rollup has neither)" \
	'say "$ojson" | py "r = [p[\"rollup\"] for p in J[\"processes\"]]; assert r and all(\"vmas\" not in x and \"size\" not in x and \"pss\" in x for x in r)"'
check "overview JSON: the sleeper's rss is its rollup's" \
	'say "$ojson" | py "p = [p for p in J[\"processes\"] if p[\"pid\"] == int(sys.argv[1])]; assert p[0][\"rollup\"][\"rss\"] == int(sys.argv[2]) * 1024" $SLEEPER $(awk "\$1==\"Rss:\"{print \$2}" /proc/$SLEEPER/smaps_rollup)'

# --maps: the column header above the first row; -c/-s: what was listed,
# and a summary that says it covers the whole process.
maps=$($BIN -m $SLEEPER)
check "--maps: column header right under the process line" \
	'[ "$(say "$maps" | sed -n 2p | tr -s " ")" = "Address (KiB) Perm Cat Rss Pss USS Priv_Dirty Swap Size Mapping" ] && say "$maps" | sed -n 3p | grep -qE "^[0-9a-f]+-[0-9a-f]+ "'
heap=$($BIN -m -c heap,stack $SLEEPER | awk '/^[0-9a-f]+-[0-9a-f]+ /{print $3}' | sort -u | tr '\n' ' ')
check "--maps -c heap,stack lists only those ($heap)" '[ "$heap" = "heap stack " ] || [ "$heap" = "stack " ]'
nmaps=$(say "$maps" | grep -cE '^[0-9a-f]+-[0-9a-f]+ ')
check "--maps lists every mapping" '[ "$nmaps" = "$(grep -c VmFlags /proc/$SLEEPER/smaps)" ]'
check "--maps unfiltered: no 'listed' line" '! say "$maps" | grep -q "^listed "'
big=$($BIN -m -s 1M $SLEEPER | awk '/^[0-9a-f]+-[0-9a-f]+ / && $9 < 1024' | wc -l)
check "--min-size 1M drops smaller mappings" '[ "$big" = 0 ]'
flt=$($BIN -m -c libs -s 8K $SLEEPER)
rows=$(say "$flt" | grep -cE '^[0-9a-f]+-[0-9a-f]+ ')
rowrss=$(say "$flt" | awk '/^[0-9a-f]+-[0-9a-f]+ / { t += $4 } END { print t + 0 }')
check "-c/-s: says how many of how many were listed ($rows of $nmaps, Rss $rowrss)" \
	'say "$flt" | grep -qx "listed $rows of $nmaps mappings (KiB): Rss $rowrss Pss .*"'
check "-c/-s: says the table is the whole process" \
	'say "$flt" | grep -qx "the table below covers the whole process"'
check "-c/-s: the table's total is still the whole process's" '[ "$(say "$flt" | total_col 2)" = "$rss" ]'
check "-c/-s: JSON 'listed' has the rows' count" \
	'$BIN -j -m -c libs -s 8K $SLEEPER | py "p = J[\"processes\"][0]; assert p[\"listed\"][\"vmas\"] == len(p[\"maps\"]) == int(sys.argv[1]) and p[\"listed\"][\"rss\"] == sum(m[\"counts\"][\"rss\"] for m in p[\"maps\"]) and p[\"total\"][\"vmas\"] == int(sys.argv[2])" $rows $nmaps'

# Names: every process of the name, then their sum; a list of pids, its
# sum; a pid named twice is shown once.
odd=$($BIN "$WEIRD")
check "by name with a space: both processes" \
	'[ "$(say "$odd" | grep -cE "^($ODD|$ODD2): $WEIRD  threads 1  cmdline: $TMP/$WEIRD 30[01]$")" = 2 ]'
# Rss of each process and of the sum, all from one run (Rss moves under
# memory pressure between two runs).
r1=$(say "$odd" | sed -n "/^$ODD: /,/^total /p" | total_col 2)
r2=$(say "$odd" | sed -n "/^$ODD2: /,/^total /p" | total_col 2)
check "by name: 'sum of 2 processes named $WEIRD'" \
	'say "$odd" | grep -qE "^sum of 2 processes named $WEIRD, pids ($ODD $ODD2|$ODD2 $ODD)$"'
check "by name: the sum's total Rss is theirs added ($r1 + $r2)" \
	'[ "$(say "$odd" | sed -n "/^sum of/,\$p" | total_col 2)" = "$((r1 + r2))" ]'
check "by name: no second, overall sum" '[ "$(say "$odd" | grep -c "^sum of")" = 1 ]'
lst=$($BIN $ODD $SLEEPER $ODD "$ODD")
check "a pid named twice is shown once" '[ "$(say "$lst" | grep -c "^$ODD: ")" = 1 ]'
l1=$(say "$lst" | sed -n "/^$ODD: /,/^total /p" | total_col 2)
l2=$(say "$lst" | sed -n "/^$SLEEPER: /,/^total /p" | total_col 2)
check "a list of pids: its sum ($l1 + $l2)" \
	'[ "$(say "$lst" | grep -x "sum of 2 processes, pids $ODD $SLEEPER")" ] && [ "$(say "$lst" | sed -n "/^sum of/,\$p" | total_col 2)" = "$((l1 + l2))" ]'
one=$($BIN $ODD)
check "one process: no sum" '! say "$one" | grep -q "^sum of"'
mix=$($BIN "$WEIRD" $SLEEPER $ODD2)
check "a name and a pid: the name's sum and the overall one" \
	'[ "$(say "$mix" | grep -c "^sum of 2 processes named $WEIRD")" = 1 ] && say "$mix" | grep -qE "^sum of 3 processes, pids [0-9 ]+$" && [ "$(say "$mix" | grep -c "^$ODD2: ")" = 1 ]'
check "JSON sums: the name's and the overall, pids and totals" \
	'$BIN -j "$WEIRD" $SLEEPER | py "
s = J[\"sums\"]; p = {x[\"pid\"]: x for x in J[\"processes\"]}
assert [x.get(\"name\") for x in s] == [sys.argv[3], None], s
assert sorted(s[0][\"pids\"]) == sorted([int(sys.argv[1]), int(sys.argv[2])]) and len(s[1][\"pids\"]) == 3
for x in s:
    for k in (\"rss\", \"pss\", \"private_dirty\", \"vmas\"):
        assert x[\"total\"][k] == sum(p[i][\"total\"][k] for i in x[\"pids\"]), k
    assert x[\"categories\"][\"heap\"][\"rss\"] == sum(p[i][\"categories\"][\"heap\"][\"rss\"] for i in x[\"pids\"])
" $ODD $ODD2 "$WEIRD"'

# Hostile names and command lines through every changed output: text
# escaped (no raw byte), JSON round-trips the exact bytes.
hs=$($BIN "$HNAME")
check "newline in comm escaped" '$BIN $HOSTILE | head -1 | grep -q "^$HOSTILE: a\\\\x0ab\"|$U  threads 1  cmdline: [^ ]*python3 -c import"'
check "hostile name: both processes, and the sum named escaped" \
	'[ "$(say "$hs" | grep -c "^[0-9]*: a\\\\x0ab\"|$U  threads")" = 2 ] && say "$hs" | grep -q "^sum of 2 processes named a\\\\x0ab\"|$U, pids "'
check "hostile name: no raw byte in the text" '[ "$(say "$hs" | raw_bytes)" = 0 ]'
check "newline in comm in JSON" '$BIN -j $HOSTILE | py "assert J[\"processes\"][0][\"comm\"] == sys.argv[1]" "$HNAME"'
check "hostile name in the JSON sum" \
	'$BIN -j "$HNAME" | py "assert J[\"sums\"][0][\"name\"] == sys.argv[1] and len(J[\"sums\"][0][\"pids\"]) == 2" "$HNAME"'
# The header as it must read: pid, comm and cmdline escaped byte by byte
# (printable ASCII as is, \ as \\, any other byte as \xNN), by Python.
ESC='import sys
esc = lambda b: "".join(chr(c) if 32 <= c < 127 and c != 92 else "\\\\" if c == 92 else "\\x%02x" % c for c in b)
pid = int(sys.argv[1])
comm = open("/proc/%d/comm" % pid, "rb").read()[:-1]
cmd = open("/proc/%d/cmdline" % pid, "rb").read().rstrip(b"\0").replace(b"\0", b" ")
line = "%d: %s  threads 1  cmdline: %s" % (pid, esc(comm), esc(cmd))
got = sys.stdin.readline().rstrip("\n")
assert got == line, (got, line)'
hc=$($BIN $HOSTCMD)
check "non-UTF-8 comm and hostile cmdline escaped in the header" \
	'say "$hc" | python3 -c "$ESC" $HOSTCMD'
check "the header escapes the newline comm's cmdline too" \
	'$BIN $HOSTILE | python3 -c "$ESC" $HOSTILE'
check "hostile cmdline: no raw byte in the text" '[ "$(say "$hc" | raw_bytes)" = 0 ]'
check "hostile cmdline: no raw byte with --maps -l either" '[ "$($BIN -m -l $HOSTCMD | raw_bytes)" = 0 ]'
check "non-UTF-8 comm and cmdline round-trip through JSON" \
	'$BIN -j -m $HOSTCMD | py "
p = J[\"processes\"][0]
assert p[\"comm\"].encode(\"latin-1\") == b\"\\xff\\xfe q\\x1b\", p[\"comm\"]
want = open(\"/proc/%d/cmdline\" % p[\"pid\"], \"rb\").read().rstrip(b\"\\0\").replace(b\"\\0\", b\" \")
assert p[\"cmdline\"].encode(\"latin-1\") == want, (p[\"cmdline\"], want)
assert b\"\\x1b[31m\" in want and b\"\\xff\\xfe\" in want
"'
check "overview: hostile names escaped" \
	'$BIN -n 65536 2>/dev/null | grep -qE "^ *$HOSTCMD .* \\\\xff\\\\xfe q\\\\x1b$" && [ "$($BIN -n 65536 2>/dev/null | raw_bytes)" = 0 ]'

# No such process: one line, exit 1, for a free pid and for digits past
# any pid.
free=999999; while [ -e /proc/$free ]; do free=$((free + 1)); done
$BIN $free >/dev/null 2>"$TMP/err"
check "missing pid exits 1" '[ $? -eq 1 ]'
check "missing pid: 'no such process'" '[ "$(cat "$TMP/err")" = "smapwatch: $free: no such process" ]'
$BIN 99999999999999999999 >/dev/null 2>"$TMP/err"
check "digits past any pid: no such process, exit 1" \
	'[ $? -eq 1 ] && [ "$(cat "$TMP/err")" = "smapwatch: 99999999999999999999: no such process" ]'
$BIN -j $free $SLEEPER >"$TMP/out" 2>"$TMP/err"
check "missing pid among others: exit 1, the others shown" \
	'[ $? -eq 1 ] && py "assert [p[\"pid\"] for p in J[\"processes\"]] == [int(sys.argv[1])]" $SLEEPER < "$TMP/out"'
$BIN "no such name" >/dev/null 2>"$TMP/err"
check "missing name exits 1 with one line" \
	'[ $? -eq 1 ] && [ "$(cat "$TMP/err")" = "smapwatch: no process named '"'"'no such name'"'"'" ]'

$BIN "$(printf 'no\033[31m\nname%s' $U)" >/dev/null 2>"$TMP/err"
check "missing hostile name: escaped in its one line" \
	'[ "$(cat "$TMP/err")" = "smapwatch: no process named '"'"'no\\x1b[31m\\x0aname$U'"'"'" ]'

# A write error on stdout: one line, exit 1 (each form of output).
for args in "$SLEEPER" "-j -m $SLEEPER" "-n 5" "-j" "--help" "--version"; do
	$BIN $args >/dev/full 2>"$TMP/err"; rc=$?
	check "> /dev/full ($args): exit 1" '[ $rc -eq 1 ]'
	check "> /dev/full ($args): one line" \
		'[ "$(grep -v "not readable" "$TMP/err")" = "smapwatch: writing stdout: No space left on device" ]'
done
check "overview lists the sleeper" '$BIN -n 65536 2>/dev/null | grep -qE "^ *$SLEEPER .* sleep$"'

# The overview as root: what even root with CAP_SYS_PTRACE cannot read
# gets no CAP_SYS_PTRACE hint (here: pid 1 when it is another user
# namespace's); without CAP_SYS_PTRACE it gets the hint.
$BIN -n 5 >/dev/null 2>"$TMP/err"; rc=$?
if [ -s "$TMP/err" ]; then
	check "overview as root: exit 1 when something was unreadable" '[ $rc -eq 1 ]'
	check "overview as root with CAP_SYS_PTRACE: no CAP_SYS_PTRACE hint" '! grep -q CAP_SYS_PTRACE "$TMP/err"'
	$BIN 1 >/dev/null 2>"$TMP/err"
	if grep -q "Permission denied" "$TMP/err"; then
		check "pid 1 refused to root with CAP_SYS_PTRACE: no hint" \
			'[ "$(cat "$TMP/err")" = "smapwatch: 1: Permission denied" ]'
	fi
else
	check "overview as root: all read, exit 0" '[ $rc -eq 0 ]'
fi

# A proc tree made here: one process, one mapping of each kind of name.
root=$TMP/proc; mkdir -p $root/42
printf '42 (fake) S 1 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 3 0 777 3592192 599\n' > $root/42/stat
ln -s /opt/fake/bin/fake $root/42/exe
cat > $root/42/smaps <<'SMAPS'
55d0c0000000-55d0c0004000 r-xp 00000000 fe:00 1234                       /opt/fake/bin/fake
Size:                 16 kB
Rss:                  12 kB
Private_Clean:        12 kB
Private_Dirty:         0 kB
VmFlags: rd ex mr mw me
55d0c1000000-55d0c1100000 rw-p 00000000 00:00 0                          [heap]
Size:               1024 kB
Rss:                 800 kB
Private_Clean:         0 kB
Private_Dirty:       800 kB
VmFlags: rd wr mr mw me ac
7f0000000000-7f0000200000 rw-s 00000000 00:01 77                         /memfd:cache (deleted)
Size:               2048 kB
Rss:                2048 kB
Private_Clean:         0 kB
Private_Dirty:         0 kB
VmFlags: rd wr sh mr mw me ms
SMAPS
fake=$($BIN --proc-root $root 42)
check "proc-root: binary row" 'say "$fake" | grep -qE "^binary +12 +0 +12 +0 +0 +16 +1$"'
check "proc-root: heap row" 'say "$fake" | grep -qE "^heap +800 +0 +800 +800 +0 +1024 +1$"'
check "proc-root: shmem row" 'say "$fake" | grep -qE "^shmem +2048 +0 +0 +0 +0 +2048 +1$"'
check "proc-root: by name" '$BIN --proc-root $root fake | grep -q "^42: fake "'
cp $root/42/smaps "$TMP/smaps42"
printf 'Size: 4 kB\n' > $root/42/smaps
$BIN --proc-root $root 42 >/dev/null 2>"$TMP/err"
check "malformed smaps exits 1" '[ $? -eq 1 ]'
check "malformed smaps names the line" 'grep -q "line 1: field before the first mapping header" "$TMP/err"'

cp "$TMP/smaps42" $root/42/smaps

# By name, a process that exited since the listing (stat, no smaps any
# more) is left out quietly; asked for by pid, it fails with its line.
mkdir -p $root/46 $root/47
sed 's/^42 (fake)/46 (ghost)/' $root/42/stat > $root/46/stat
sed 's/^42 (fake)/47 (ghost)/' $root/42/stat > $root/47/stat
cp $root/42/smaps $root/47/smaps
$BIN -r $root ghost >"$TMP/out" 2>"$TMP/err"
check "by name: an exited process left out quietly, exit 0" \
	'[ $? -eq 0 ] && [ ! -s "$TMP/err" ] && grep -q "^47: ghost " "$TMP/out" && ! grep -q "^46: " "$TMP/out"'
$BIN -r $root 46 47 >"$TMP/out" 2>"$TMP/err"
check "by pid: the exited process is no such process, exit 1" \
	'[ $? -eq 1 ] && [ "$(cat "$TMP/err")" = "smapwatch: 46: no such process" ] && grep -q "^47: ghost " "$TMP/out"'
rm -r $root/46 $root/47

# Streaming: a process's output is held until it is whole, so one that
# fails early prints only its error line; past CLI_HOLD_MAPS (2048)
# mappings it streams, and a failure then ends it with a clean mark.
# fake_maps N: N one-page anonymous mappings in the kernel's format.
fake_maps() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) {
		a = 268435456 + i * 8192  # mawk: 32-bit %x
		printf "%x-%x rw-p 00000000 00:00 0 \n", a, a + 4096
		print "Size:                  4 kB\nRss:                   4 kB"
		print "Private_Clean:         0 kB\nPrivate_Dirty:         4 kB"
		print "VmFlags: rd wr mr mw me ac" } }'
}
mkdir -p $root/43 $root/44
sed 's/^42 (fake)/43 (early)/' $root/42/stat > $root/43/stat
sed 's/^42 (fake)/44 (late)/' $root/42/stat > $root/44/stat
{ fake_maps 10; echo "not a smaps line"; fake_maps 10; } > $root/43/smaps
{ fake_maps 3000; echo "not a smaps line"; } > $root/44/smaps
$BIN -r $root -m 43 >"$TMP/out" 2>"$TMP/err"
check "early failure: exit 1, nothing on stdout" '[ $? -eq 1 ] && [ ! -s "$TMP/out" ]'
check "early failure: the error on stderr, with its line" \
	'[ "$(cat "$TMP/err")" = "smapwatch: 43: malformed smaps line
smapwatch: 43: line 61: line starts with neither an address nor a key" ]'
$BIN -r $root -j -m 43 >"$TMP/out" 2>/dev/null
check "early failure in JSON: a valid document without the process" \
	'py "assert J[\"processes\"] == [] and J[\"sums\"] == []" < "$TMP/out"'
$BIN -r $root -m 44 >"$TMP/out" 2>"$TMP/err"
check "late failure: exit 1" '[ $? -eq 1 ]'
# (2999: the last mapping is not whole until a next header or the end)
check "late failure: every row streamed, then marked incomplete" \
	'[ "$(grep -cE "^[0-9a-f]+-[0-9a-f]+ rw-p anon " "$TMP/out")" = 2999 ] && [ "$(tail -2 "$TMP/out" | head -1)" = "44: incomplete: $(sed -n "s/^smapwatch: 44: //p" "$TMP/err" | head -1)" ]'
check "late failure: no summary table" '! grep -q "^total " "$TMP/out"'
$BIN -r $root -j -m 44 42 >"$TMP/out" 2>/dev/null
check "late failure in JSON: valid, the process has an error and no totals, the next is whole" \
	'py "
p = J[\"processes\"]
assert [x[\"pid\"] for x in p] == [44, 42]
assert len(p[0][\"maps\"]) == 2999 and \"total\" not in p[0] and p[0][\"error\"]
assert p[1][\"total\"][\"rss\"] == (12 + 800 + 2048) * 1024" < "$TMP/out"'
# Bounded memory: 60,000 mappings (27 MB of JSON) cost no more than a few
# MB above a one-mapping run; held whole, they cost the output's size.
mkdir -p $root/45; sed 's/^42 (fake)/45 (many)/' $root/42/stat > $root/45/stat
fake_maps 60000 > $root/45/smaps
PEAK='import resource,subprocess,sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=False)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)'
small=$(python3 -c "$PEAK" $BIN -r $root -j -m 42)
many=$(python3 -c "$PEAK" $BIN -r $root -j -m 45)
check "-m -j on 60,000 mappings streams: peak RSS $many KiB, one mapping $small KiB" \
	'[ $((many - small)) -lt 8192 ]'
many=$(python3 -c "$PEAK" $BIN -r $root -m 45)
check "-m on 60,000 mappings streams: peak RSS $many KiB" '[ $((many - small)) -lt 8192 ]'

# The overview: kernel threads (empty smaps_rollup) and processes gone
# since the listing are skipped quietly; anything else unreadable makes
# it exit 1 with one line, and no CAP_SYS_PTRACE hint where the
# capability would not help.
ov=$TMP/ov; mkdir -p $ov/2 $ov/50 $ov/51 $ov/52
printf '2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 2 0 0\n' > $ov/2/stat
: > $ov/2/smaps_rollup
sed 's/^42 (fake)/50 (gone)/' $root/42/stat > $ov/50/stat
sed 's/^42 (fake)/51 (live)/' $root/42/stat > $ov/51/stat
cat > $ov/51/smaps_rollup <<'ROLLUP'
55d0c0000000-7ffd58eb7000 ---p 00000000 00:00 0                          [rollup]
Rss:                 300 kB
Pss:                 200 kB
Pss_Anon:            100 kB
Private_Clean:        20 kB
Private_Dirty:        80 kB
ROLLUP
$BIN -r $ov >"$TMP/out" 2>"$TMP/err"
check "overview: kernel thread and exited process: exit 0, no complaint" '[ $? -eq 0 ] && [ ! -s "$TMP/err" ]'
check "overview: the readable process listed" \
	'grep -qE "^ +51 +200 +300 +100 +80 +0  live$" "$TMP/out" && grep -q "^Largest 1 of 1 processes" "$TMP/out"'
check "overview JSON: absent fields absent (no vmas, no size, no swap)" \
	'$BIN -r $ov -j | py "r = J[\"processes\"][0][\"rollup\"]; assert r == {\"uss\": 102400, \"rss\": 307200, \"pss\": 204800, \"pss_anon\": 102400, \"private_clean\": 20480, \"private_dirty\": 81920}, r; assert J[\"unreadable\"] == 0"'
sed 's/^42 (fake)/52 (dir)/' $root/42/stat > $ov/52/stat
mkdir $ov/52/smaps_rollup
$BIN -r $ov >"$TMP/out" 2>"$TMP/err"
check "overview: an unreadable process: exit 1" '[ $? -eq 1 ]'
check "overview: one line, no CAP_SYS_PTRACE hint for what it cannot fix" \
	'[ "$(cat "$TMP/err")" = "smapwatch: 1 process(es) not readable: Is a directory" ]'
check "overview JSON: unreadable counted" '$BIN -r $ov -j 2>/dev/null | py "assert J[\"unreadable\"] == 1"'

# The README's first line installs only what building needs: no sudo
# (a root-only Debian has none), .ci/deps-build's packages (a subset of
# what CI's .ci/deps installs), and every header the build includes comes
# from them or what they depend on.
first=$(grep -m1 '^    sh ' README.md)
check "README's first line: deps-build, build, run" \
	'say "$first" | grep -q "^    sh .ci/deps-build && make -j2 && ./build/smapwatch  "'
check "README's first lines: no sudo command" '! sed -n 1,8p README.md | grep -q "^    sudo"'
check "README's second line: .ci/deps then make check" '[ "$(grep -m2 "^    sh " README.md | tail -1 | cut -c1-30)" = "    sh .ci/deps && make check " ]'
bpk=$(sed -n 's/^apt-get install .*--no-install-recommends //p' .ci/deps-build)
check "deps-build installs make gcc libc6-dev collectd-dev" '[ "$bpk" = "make gcc libc6-dev collectd-dev" ]'
check "deps-build's packages are all in .ci/deps" \
	'for p in $bpk; do grep -qw -- "$p" .ci/deps || exit 1; done'
if command -v dpkg >/dev/null && command -v apt-cache >/dev/null && [ -d /usr/include/collectd ]; then
	{ for f in common/*.c cli/*.c plugins/netdata/*.c; do gcc -std=c11 -D_GNU_SOURCE -Iinclude -M "$f"; done
	  for f in plugins/collectd/*.c; do gcc -std=c11 -D_GNU_SOURCE -DHAVE_CONFIG_H -Iinclude \
		-isystem /usr/include/collectd -isystem /usr/include/collectd/core -M "$f"; done
	} 2>/dev/null | tr ' \\' '\n\n' | grep '^/usr/' | sort -u > "$TMP/hdrs"
	xargs dpkg -S < "$TMP/hdrs" 2>/dev/null | cut -d: -f1 | sort -u > "$TMP/hpk"
	apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
		--no-replaces --no-enhances $bpk 2>/dev/null | sed -n 's/^\([a-z0-9][^ <]*\)$/\1/p; s/^ *Depends: \([^<>]*\)$/\1/p' |
		sed 's/:any$//' | sort -u > "$TMP/closure"
	missing=$(comm -23 "$TMP/hpk" "$TMP/closure" | tr '\n' ' ')
	check "the build's headers ($(wc -l < "$TMP/hdrs")) come from deps-build's packages${missing:+, not: $missing}" \
		'[ -s "$TMP/hpk" ] && [ -z "$missing" ]'
else
	echo "skipped: the build's headers against deps-build (needs dpkg, apt-cache, collectd-dev)"
fi

# Least privilege: as nobody, with no capability, on a normal /proc and on
# a proc mounted with hidepid=2. Needs root to switch user and mount.
if [ "$(id -u)" = 0 ] && command -v su >/dev/null; then
	chmod 755 "$TMP"
	cp "$BIN" "$TMP/smapwatch"; chmod 755 "$TMP/smapwatch"
	as_nobody() { su nobody -s /bin/sh -c "$1"; }
	as_nobody "'$TMP/smapwatch' $SLEEPER" >/dev/null 2>"$TMP/err"
	check "nobody on root's process exits 1" '[ $? -eq 1 ]'
	check "nobody gets one clear line" \
		'[ "$(cat "$TMP/err")" = "smapwatch: $SLEEPER: Permission denied (needs root or CAP_SYS_PTRACE)" ]'
	as_nobody "'$TMP/smapwatch' -n 3" >/dev/null 2>"$TMP/err"
	check "nobody's overview: exit 1 (root's processes unreadable)" '[ $? -eq 1 ]'
	check "nobody's overview: says so once, with the CAP_SYS_PTRACE hint" \
		'grep -qx "smapwatch: [0-9]* process(es) not readable: Permission denied (needs root or CAP_SYS_PTRACE)" "$TMP/err" && [ "$(wc -l < "$TMP/err")" -le 2 ]'
	mkdir -p "$TMP/nb"; chown nobody "$TMP/nb"
	cat > "$TMP/nb/own.sh" <<OWN
sleep 30 & p=\$!
"$TMP/smapwatch" \$p > "$TMP/nb/own.out"; echo \$? > "$TMP/nb/own.rc"
kill \$p
OWN
	as_nobody "sh '$TMP/nb/own.sh'"
	check "nobody reads its own process" '[ "$(cat "$TMP/nb/own.rc")" = 0 ] && grep -q "^total " "$TMP/nb/own.out"'
	mkdir -p "$TMP/hp"
	if mount -t proc -o hidepid=2 proc "$TMP/hp" 2>/dev/null; then
		as_nobody "'$TMP/smapwatch' -r '$TMP/hp' -n 65536" >"$TMP/hp.out" 2>"$TMP/hp.err"
		rc=$?
		check "hidepid=2: overview exits 0" '[ $rc -eq 0 ]'
		check "hidepid=2: no complaint about hidden processes" '[ ! -s "$TMP/hp.err" ]'
		check "hidepid=2: root's processes are simply not there" \
			'! grep -qE "^ *$SLEEPER " "$TMP/hp.out"'
		as_nobody "'$TMP/smapwatch' -r '$TMP/hp' $SLEEPER" >/dev/null 2>"$TMP/hp.err"
		check "hidepid=2: a hidden pid is no such process" \
			'[ "$(cat "$TMP/hp.err")" = "smapwatch: $SLEEPER: no such process" ]'
		umount "$TMP/hp"
	else
		echo "skipped: hidepid checks (cannot mount proc here)"
	fi
else
	echo "skipped: least-privilege checks (need root and su)"
fi

say "$pass passed, $failn failed"
[ $failn -eq 0 ]
